import { describe, expect, it } from 'vitest';
import { closestShipped, shippedOutcome, shippedTitle } from './FinishedRuns.tsx';
import { classroomRecording } from '../../state/runFixture.ts';
import { shippedEntry, type ShippedRecording } from '../../state/shippedRecordings.ts';

const recording = classroomRecording();

describe('finished runs on the first screen', () => {
  it('are worded for the first screen, partial runs said to be partial', () => {
    const entry = shippedEntry(recording, 'recordings/classroom.json', 2_600_000);
    expect(shippedTitle(entry)).toBe('Classroom preset: ERM beside MFW (ResNet-8, 2 of 40 epochs, a partial run)');
    expect(shippedTitle({ ...entry, epochs: 40 })).toBe('Classroom preset: ERM beside MFW (ResNet-8, 40 epochs)');
    expect(shippedOutcome(entry)).toBe('At epoch 2, balanced test accuracy: ERM 48.0\u00a0%, MFW 64.5\u00a0%; minor classes: ERM 1.0\u00a0%, MFW 40.0\u00a0%.');
  });

  it('offer the run closest to the settings on screen: the same lanes first, then the same preset', () => {
    const classroom = shippedEntry(recording, 'recordings/classroom.json', 1);
    const rivals: ShippedRecording = { ...classroom, path: 'recordings/rivals.json', preset: 'quick', methods: ['erm', 'mfw', 'drw'], final: { ...classroom.final, drw: classroom.final.erm } };
    expect(closestShipped([classroom, rivals], ['erm', 'mfw', 'drw'], 'classroom')?.path).toBe('recordings/rivals.json');
    expect(closestShipped([rivals, classroom], ['erm', 'mfw'], 'paper')?.path).toBe('recordings/classroom.json');
    expect(closestShipped([], ['erm'], null)).toBeNull();
  });
});
