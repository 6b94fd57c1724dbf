import { describe, expect, it } from 'vitest';
import { classroomRecording } from './runFixture.ts';
import { parseShippedIndex, shippedEntry, SHIPPED_INDEX_FORMAT } from './shippedRecordings.ts';

const recording = classroomRecording();

const index = (recordings: unknown[]) => JSON.stringify({ format: SHIPPED_INDEX_FORMAT, version: 1, recordings });

describe('shipped recordings', () => {
  it('are listed with their lanes, length, last accuracies, command and commit', () => {
    const entry = shippedEntry(recording, 'recordings/classroom.json', 2_600_000);
    expect(entry).toMatchObject({ path: 'recordings/classroom.json', preset: 'classroom', methods: ['erm', 'mfw'], depth: 8, epochs: 2, ofEpochs: 40, backend: 'wasm' });
    expect(entry.final.erm.balanced).toBeCloseTo(0.48, 10);
    expect(entry.final.mfw.minor).toBeCloseTo(0.4, 10);
    expect(entry.command).toBe(recording.provenance?.command);
    expect(parseShippedIndex(index([entry]))).toEqual([entry]);
  });

  it('must say how they were made', () => {
    expect(() => shippedEntry({ ...recording, provenance: null }, 'recordings/x.json', 1)).toThrow('records no command');
  });

  it('refuse an index that is not one, or entries that point elsewhere or lack what the page shows', () => {
    const entry = shippedEntry(recording, 'recordings/classroom.json', 2_600_000);
    expect(() => parseShippedIndex('<!doctype html>')).toThrow('is not JSON');
    expect(() => parseShippedIndex(JSON.stringify({ format: 'other', version: 1, recordings: [] }))).toThrow('not a version 1');
    expect(() => parseShippedIndex(index([{ ...entry, path: '../secret.json' }]))).toThrow('recordings[0].path');
    expect(() => parseShippedIndex(index([{ ...entry, path: 'https://example.org/recordings/x.json' }]))).toThrow('recordings[0].path');
    expect(() => parseShippedIndex(index([{ ...entry, epochs: 41 }]))).toThrow('epochs recorded');
    expect(() => parseShippedIndex(index([{ ...entry, final: { erm: entry.final.erm } }]))).toThrow('final');
    expect(() => parseShippedIndex(index([{ ...entry, command: undefined }]))).toThrow('command and commit');
  });
});
