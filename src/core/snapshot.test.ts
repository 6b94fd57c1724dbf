import { expect, it } from 'vitest';
import { PAPER_CONFIG } from '../config/experiment.ts';
import { snapshotPayloadBytes } from './snapshot.ts';

it('a 200-epoch Paper run of two lanes keeps about 20.6 MB of snapshots (page history and browser storage alike)', () => {
  const perEpoch = snapshotPayloadBytes(PAPER_CONFIG.trainFeatureSample, 4 * PAPER_CONFIG.testPerClass, 4, 2);
  expect(perEpoch).toBe(102_792);
  expect(perEpoch * PAPER_CONFIG.epochs).toBe(20_558_400);
  // The largest settings (10000 plotted points, the whole test set): still under half a megabyte per
  // epoch for two lanes, and each further lane adds its features (8 bytes a point) and per-class numbers.
  expect(snapshotPayloadBytes(10_000, 4000, 4, 2)).toBeLessThan(500_000);
  expect(snapshotPayloadBytes(10_000, 4000, 4, 6) - snapshotPayloadBytes(10_000, 4000, 4, 5)).toBe(14_000 * 8 + (4 + 11 * 4) * 8);
});
