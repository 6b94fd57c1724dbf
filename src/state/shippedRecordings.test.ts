import { describe, expect, it } from 'vitest';
import { CLASSROOM_CONFIG } from '../config/experiment.ts';
import type { EpochSnapshot, RunSnapshot } from '../core/snapshot.ts';
import type { Recording } from './recording.ts';
import { parseShippedIndex, shippedEntry, SHIPPED_INDEX_FORMAT } from './shippedRecordings.ts';

const run = (testAccuracy: number[]) => ({ testAccuracy }) as RunSnapshot;
const epoch = (n: number, erm: number[], mfw: number[]) => ({ epoch: n, runs: { erm: run(erm), mfw: run(mfw) } }) as unknown as EpochSnapshot;

/** A Classroom recording stopped after epoch 2 of 40, made by npm run experiment. */
const recording: Recording = {
  config: CLASSROOM_CONFIG,
  classNames: ['airplane', 'automobile', 'bird', 'cat'],
  backend: 'wasm',
  provenance: { command: 'npm run experiment -- --recording --name=classroom', commit: '7443469abcde' },
  createdAt: '2026-12-06T20:00:00.000Z',
  history: [epoch(1, [0.9, 0.9, 0, 0], [0.9, 0.9, 0, 0]), epoch(2, [0.96, 0.94, 0.02, 0.0], [0.9, 0.88, 0.3, 0.5])],
};

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
    expect(() => parseShippedIndex('<!doctype html>')).toThrow();
    expect(() => parseShippedIndex(JSON.stringify({ format: 'other', version: 1, recordings: [] }))).toThrow('not a version 1');
    expect(() => parseShippedIndex(index([{ ...entry, path: '../secret.json' }]))).toThrow('recordings[0].path');
    expect(() => parseShippedIndex(index([{ ...entry, path: 'https://example.org/recordings/x.json' }]))).toThrow('recordings[0].path');
    expect(() => parseShippedIndex(index([{ ...entry, epochs: 41 }]))).toThrow('epochs recorded');
    expect(() => parseShippedIndex(index([{ ...entry, final: { erm: entry.final.erm } }]))).toThrow('final');
    expect(() => parseShippedIndex(index([{ ...entry, command: undefined }]))).toThrow('command and commit');
  });
});
