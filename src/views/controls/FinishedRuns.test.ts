import { describe, expect, it } from 'vitest';
import { closestShipped, shippedOutcome, shippedTitle } from './FinishedRuns.tsx';
import { CLASSROOM_CONFIG } from '../../config/experiment.ts';
import type { EpochSnapshot, RunSnapshot } from '../../core/snapshot.ts';
import type { Recording } from '../../state/recording.ts';
import { shippedEntry, type ShippedRecording } from '../../state/shippedRecordings.ts';

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
