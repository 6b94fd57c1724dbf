/**
 * The 2-D features of one epoch, every lane, as JSON (columns per split, with the configuration and
 * each run's classifier, so the file says what was run and can be re-plotted) and as a tidy CSV: one
 * row per lane × split × point, with its true class and the prediction the plot shows.
 */
import type { ExperimentConfig } from '../../../config/experiment.ts';
import { laneIdsOf, type EpochSnapshot } from '../../../core/snapshot.ts';
import { csvCell } from '../../../state/metricsExport.ts';
import { configToSearch } from '../../../state/urlConfig.ts';
import { predictAll, type LinearClassifier } from './featureSpace.ts';

const SPLITS = ['train', 'test'] as const;
type Split = (typeof SPLITS)[number];

export interface FeaturePoints {
  feature1: number[];
  feature2: number[];
  /** True class: an index into classNames. */
  label: number[];
  /** The linear classifier's prediction on the feature (what the scatter plot's regions show). */
  prediction: number[];
}

export interface LanePoints {
  classifier: LinearClassifier;
  train: FeaturePoints;
  test: FeaturePoints;
}

export interface FeaturesFile {
  format: 'imbalance-playground/features';
  version: 1;
  config: ExperimentConfig;
  /** The query string that reproduces this experiment. */
  link: string;
  classNames: string[];
  epoch: number;
  /** What the points are. */
  points: { train: string; test: string };
  /** By lane id, in lane order. */
  runs: Record<string, LanePoints>;
}

/** Float32 values written with the digits that keep them exact. */
const float = (value: number): number => Number(value.toPrecision(9));

function splitPoints(snapshot: EpochSnapshot, lane: string, split: Split): FeaturePoints {
  const run = snapshot.runs[lane];
  const features = split === 'train' ? run.trainFeatures : run.testFeatures;
  const labels = split === 'train' ? snapshot.trainFeatureLabels : snapshot.testLabels;
  const predictions = predictAll(run.classifier, features);
  const n = Math.min(labels.length, features.length >> 1);
  const points: FeaturePoints = { feature1: [], feature2: [], label: [], prediction: [] };
  for (let i = 0; i < n; i++) {
    points.feature1.push(float(features[2 * i]));
    points.feature2.push(float(features[2 * i + 1]));
    points.label.push(labels[i]);
    points.prediction.push(predictions[i]);
  }
  return points;
}

function lanePoints(snapshot: EpochSnapshot, lane: string): LanePoints {
  return { classifier: snapshot.runs[lane].classifier, train: splitPoints(snapshot, lane, 'train'), test: splitPoints(snapshot, lane, 'test') };
}

export function featuresJson(config: ExperimentConfig, classNames: string[], snapshot: EpochSnapshot): FeaturesFile {
  return {
    format: 'imbalance-playground/features',
    version: 1,
    config,
    link: `?${configToSearch(config)}`,
    classNames,
    epoch: snapshot.epoch,
    points: {
      train: `the plotted training sample (${snapshot.trainFeatureLabels.length} images, seeded, the same in every lane)`,
      test: `the ${snapshot.testLabels.length} test images of the evaluation`,
    },
    runs: Object.fromEntries(laneIdsOf(snapshot).map((lane) => [lane, lanePoints(snapshot, lane)])),
  };
}

export const FEATURE_CSV_COLUMNS = [
  'epoch', 'method', 'split', 'point', 'class_index', 'class_name', 'predicted_index', 'predicted_name', 'correct', 'feature_1', 'feature_2',
] as const;

export function featuresCsv(classNames: readonly string[], snapshot: EpochSnapshot): string {
  const rows: (string | number)[][] = [[...FEATURE_CSV_COLUMNS]];
  for (const lane of laneIdsOf(snapshot)) {
    for (const split of SPLITS) {
      const points = splitPoints(snapshot, lane, split);
      points.label.forEach((label, i) => {
        const predicted = points.prediction[i];
        rows.push([
          snapshot.epoch, lane, split, i, label, classNames[label] ?? '', predicted, classNames[predicted] ?? '',
          label === predicted ? 1 : 0, points.feature1[i], points.feature2[i],
        ]);
      });
    }
  }
  return `${rows.map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}
