/**
 * Runs of one setting that differ only in seed, summarised epoch by epoch: each lane's balanced and
 * minor-class test accuracy as the mean over the seeds with a band of ± 1 sample standard deviation,
 * for the report's figures (scripts/lib/reportFigures.ts) and the app's seed view (state/seedSet.ts).
 * Accuracies are fractions in [0, 1].
 */
import { isMajorClass } from './mfwWeights.ts';
import type { EpochSnapshot, RunSnapshot } from './snapshot.ts';

export interface Spread {
  mean: number;
  /** Sample standard deviation (n − 1); null for a single value. */
  sd: number | null;
}

export function meanAndSd(values: readonly number[]): Spread {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, sd: null };
  const variance = values.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (values.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

/** One epoch of a band: the mean over the seeds and its spread; null where a seed has no finite value (a gap). */
export interface BandPoint {
  epoch: number;
  spread: Spread | null;
}

/**
 * A lane's balanced (mean of the per-class accuracies) and minor-class (mean over the classes that
 * are not major; there is always one, as no class is above the geometric mean of them all) bands.
 */
export interface LaneBands {
  balanced: BandPoint[];
  minor: BandPoint[];
}

type RunMeasure = (run: RunSnapshot) => number | null;

const average = (values: readonly number[]): number | null => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);

/**
 * The epochs every history holds, in order: a band is over the same seeds at every epoch, so a
 * partial run ends the band at its last epoch.
 */
export function commonEpochs(histories: readonly (readonly Pick<EpochSnapshot, 'epoch'>[])[]): number[] {
  if (histories.length === 0) return [];
  const [first, ...rest] = histories.map((history) => new Set(history.map((snapshot) => snapshot.epoch)));
  return [...first].filter((epoch) => rest.every((epochs) => epochs.has(epoch))).sort((a, b) => a - b);
}

function band(histories: readonly (readonly EpochSnapshot[])[], epochs: readonly number[], lane: string, measure: RunMeasure): BandPoint[] {
  const byEpoch = histories.map((history) => new Map(history.map((snapshot) => [snapshot.epoch, snapshot.runs[lane] as RunSnapshot | undefined])));
  return epochs.map((epoch) => {
    const values = byEpoch.map((runs) => {
      const run = runs.get(epoch);
      return run ? measure(run) : null;
    });
    const finite = values.every((value): value is number => value !== null && Number.isFinite(value));
    return { epoch, spread: finite ? meanAndSd(values) : null };
  });
}

/**
 * Each lane's balanced and minor-class test-accuracy bands over the histories (one per seed), at the
 * epochs they all hold; the major classes are those of `trainCounts` (core/mfwWeights.ts).
 */
export function accuracyBands(histories: readonly (readonly EpochSnapshot[])[], lanes: readonly string[], trainCounts: readonly number[]): Record<string, LaneBands> {
  const isMajor = isMajorClass(trainCounts);
  const balanced: RunMeasure = (run) => average(run.testAccuracy);
  const minor: RunMeasure = (run) => average(run.testAccuracy.filter((_, c) => !isMajor[c]));
  const epochs = commonEpochs(histories);
  return Object.fromEntries(lanes.map((lane) => [lane, { balanced: band(histories, epochs, lane, balanced), minor: band(histories, epochs, lane, minor) }]));
}
