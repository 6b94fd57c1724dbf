import { expect, it } from 'vitest';
import { PAPER_CONFIG } from '../config/experiment.ts';
import { snapshotPayloadBytes } from './snapshot.ts';

it('a 200-epoch Paper run keeps about 20.5 MB of snapshots (page history and browser storage alike)', () => {
  const perEpoch = snapshotPayloadBytes(PAPER_CONFIG.trainFeatureSample, 4 * PAPER_CONFIG.testPerClass, 4);
  expect(perEpoch).toBe(102_552);
  expect(perEpoch * PAPER_CONFIG.epochs).toBe(20_510_400);
  // The largest settings (10000 plotted points, the whole test set): still under half a megabyte per epoch.
  expect(snapshotPayloadBytes(10_000, 4000, 4)).toBeLessThan(500_000);
});
