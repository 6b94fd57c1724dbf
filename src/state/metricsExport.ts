/**
 * The per-epoch metrics of every lane as JSON (with the configuration, so the file says what was
 * run) and as a tidy CSV: one row per epoch × lane × class.
 */
import type { ExperimentConfig } from '../config/experiment.ts';
import { epochsWithRuns, laneIdsOf, type EpochSnapshot, type RunSnapshot } from '../core/snapshot.ts';
import { configToSearch } from './urlConfig.ts';

export interface MetricsFile {
  format: 'imbalance-playground/metrics';
  version: 1;
  config: ExperimentConfig;
  /** The query string that reproduces this experiment. */
  link: string;
  classNames: string[];
  backend: string | null;
  epochs: {
    epoch: number;
    learningRate: number;
    imagesPerSecond: number;
    /** By lane id: every metric of the snapshot; the features are left out (they are plots, not metrics). */
    runs: Record<string, Omit<RunSnapshot, 'trainFeatures' | 'testFeatures'>>;
  }[];
}

export function metricsJson(config: ExperimentConfig, classNames: string[], history: readonly EpochSnapshot[], backend: string | null): MetricsFile {
  return {
    format: 'imbalance-playground/metrics',
    version: 1,
    config,
    link: `?${configToSearch(config)}`,
    classNames,
    backend,
    epochs: epochsWithRuns(history, ({ trainFeatures, testFeatures, ...metrics }) => metrics),
  };
}

/** `method` is the lane id (`erm`, `la:tau=1.5`); the columns after `feature_deviation` came with the method lab. */
export const CSV_COLUMNS = [
  'epoch', 'method', 'class_index', 'class_name', 'train_count', 'learning_rate', 'train_loss',
  'train_accuracy', 'test_accuracy', 'classification_ratio', 'feature_gradient_norm', 'feature_deviation',
  'clean_train_loss', 'gradient_norm_ratio', 'classifier_weight_norm', 'class_weight', 'mean_partner_share', 'relabelled_fraction',
] as const;

export function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function metricsCsv(config: ExperimentConfig, classNames: string[], history: readonly EpochSnapshot[]): string {
  const rows: (string | number)[][] = [[...CSV_COLUMNS]];
  for (const snapshot of history) {
    for (const lane of laneIdsOf(snapshot)) {
      const run = snapshot.runs[lane];
      classNames.forEach((name, c) => {
        rows.push([
          snapshot.epoch, lane, c, name, config.trainCounts[c], snapshot.learningRate, run.trainLoss,
          run.trainAccuracy[c], run.testAccuracy[c], run.classificationRatio[c], run.featureGradientNorm[c], run.featureDeviation[c],
          run.cleanTrainLoss, run.gradientNormRatio, run.classifierWeightNorm[c], run.classWeights[c], run.meanPartnerShare?.[c] ?? '', run.relabelledFraction ?? '',
        ]);
      });
    }
  }
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}
