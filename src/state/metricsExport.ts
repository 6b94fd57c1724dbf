/**
 * The per-epoch metrics of both runs as JSON (with the configuration, so the file says what was
 * run) and as a tidy CSV: one row per epoch × run × class.
 */
import type { ExperimentConfig } from '../config/experiment.ts';
import { epochsWithRuns, METHODS, type EpochSnapshot, type Method, type RunSnapshot } from '../core/snapshot.ts';
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
    /** Every per-class metric of the snapshot; the features are left out (they are plots, not metrics). */
    runs: Record<Method, Omit<RunSnapshot, 'trainFeatures' | 'testFeatures'>>;
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

export const CSV_COLUMNS = [
  'epoch', 'method', 'class_index', 'class_name', 'train_count', 'learning_rate', 'train_loss',
  'train_accuracy', 'test_accuracy', 'classification_ratio', 'feature_gradient_norm', 'feature_deviation',
] as const;

export function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function metricsCsv(config: ExperimentConfig, classNames: string[], history: readonly EpochSnapshot[]): string {
  const rows: (string | number)[][] = [[...CSV_COLUMNS]];
  for (const snapshot of history) {
    for (const method of METHODS) {
      const run = snapshot.runs[method];
      classNames.forEach((name, c) => {
        rows.push([
          snapshot.epoch, method, c, name, config.trainCounts[c], snapshot.learningRate, run.trainLoss,
          run.trainAccuracy[c], run.testAccuracy[c], run.classificationRatio[c], run.featureGradientNorm[c], run.featureDeviation[c],
        ]);
      });
    }
  }
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}
