/**
 * Each lane's test accuracy over the whole run, for the table with a row per lane: the last stored
 * epoch, the median of the last epochs (hongyi-zhang/mixup's protocol, steadier than one epoch) and
 * the best epoch, which is chosen by looking at the test set and so is optimistic. Accuracies are
 * fractions in [0, 1]; an epoch whose accuracies are not finite is skipped.
 */
import type { Lane } from '../../../core/methods.ts';
import type { EpochSnapshot, RunSnapshot } from '../../../core/snapshot.ts';
import type { ExperimentConfig } from '../../../config/experiment.ts';
import { PAPER_CONFIG } from '../../../config/experiment.ts';
import { PAPER_SECTION4_RESULT, summariseAccuracy } from './accuracySummary.ts';

/** Epochs the median is taken over (fewer when fewer are stored). */
export const MEDIAN_EPOCHS = 10;

export interface RunSummary {
  last: { epoch: number; balanced: number; minor: number | null };
  /** Median over the last `epochs` finite epochs. */
  median: { epochs: number; balanced: number; minor: number | null };
  /** The highest balanced accuracy; the earliest epoch on a tie. */
  best: { epoch: number; balanced: number };
}

/** The median of the values (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A lane's summary over the stored epochs; null while it has no epoch with finite accuracies. */
export function summariseRun(history: readonly EpochSnapshot[], lane: string, isMajor: readonly boolean[], window = MEDIAN_EPOCHS): RunSummary | null {
  const epochs = history.flatMap((snapshot) => {
    const run = snapshot.runs[lane] as RunSnapshot | undefined;
    if (!run || !run.testAccuracy.every(Number.isFinite)) return [];
    const { overall, minorAverage } = summariseAccuracy(run.testAccuracy, isMajor);
    return overall === null ? [] : [{ epoch: snapshot.epoch, balanced: overall, minor: minorAverage }];
  });
  const last = epochs.at(-1);
  if (!last) return null;
  const recent = epochs.slice(-window);
  const minors = recent.flatMap((e) => (e.minor === null ? [] : [e.minor]));
  const best = epochs.reduce((top, e) => (e.balanced > top.balanced ? e : top));
  return {
    last,
    median: { epochs: recent.length, balanced: median(recent.map((e) => e.balanced))!, minor: median(minors) },
    best: { epoch: best.epoch, balanced: best.balanced },
  };
}

/** The settings the seed paper's §4 figures were measured in: its subset, ResNet-32 and its training recipe. */
const PAPER_SETTING_KEYS = ['classes', 'trainCounts', 'blocksPerStage', 'width', 'epochs', 'batchSize', 'learningRate', 'warmupEpochs', 'momentum', 'weightDecay'] as const;
/** The MFW settings of §4 (s = 0.5 for the major classes, 0 for the minor ones; α = 2; after the 2nd group). */
const PAPER_MFW_KEYS = ['alpha', 'mixingPoint', 'weightMode'] as const;

/**
 * The seed paper's reported balanced test accuracy (%) for a lane, where one exists for this
 * configuration: §4's ERM 78.30 and MFW 83.65, only in §4's own setting and for the lanes as the
 * paper trained them; null elsewhere (no published figure for the other methods on this subset).
 */
export function paperFigure(config: ExperimentConfig, lane: Pick<Lane, 'id'>): number | null {
  const same = (key: keyof ExperimentConfig) => JSON.stringify(config[key]) === JSON.stringify(PAPER_CONFIG[key]);
  if (config.imbalance !== 'paper' || !PAPER_SETTING_KEYS.every(same)) return null;
  if (lane.id === 'erm') return PAPER_SECTION4_RESULT.erm;
  if (lane.id === 'mfw' && PAPER_MFW_KEYS.every(same)) return PAPER_SECTION4_RESULT.mfw;
  return null;
}
