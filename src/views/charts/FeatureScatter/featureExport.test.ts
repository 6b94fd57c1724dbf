import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../config/experiment.ts';
import type { EpochSnapshot, RunSnapshot } from '../../../core/snapshot.ts';
import { runSnapshot } from '../../../state/runFixture.ts';
import { FEATURE_CSV_COLUMNS, featuresCsv, featuresJson } from './featureExport.ts';

/** Class 0 wins for x > 0, class 1 for x < 0. */
const classifier = { weight: [[1, 0], [-1, 0]] as [number, number][], bias: [0, 0] };

const run = (train: number[], test: number[]): RunSnapshot =>
  runSnapshot({ trainLoss: 0.5, trainFeatures: new Float32Array(train), testFeatures: new Float32Array(test), classifier });

const snapshot: EpochSnapshot = {
  epoch: 12,
  learningRate: 0.05,
  imagesPerSecond: 10,
  trainFeatureLabels: Uint8Array.from([0, 1]),
  testLabels: Uint8Array.from([1, 0, 1]),
  runs: { erm: run([2, 1, -3, 0.125], [1, 0, 2, 2, -1, -1]), mfw: run([0.1, 0, -1, -1], [-1, 0, 3, 0, -2, 1]) },
};

describe('featuresJson', () => {
  const file = featuresJson(DEFAULT_CONFIG, ['cat', 'dog'], snapshot);
  it('holds every lane’s training-sample and test features with labels and the plot’s predictions', () => {
    expect(file.epoch).toBe(12);
    expect(file.runs.erm.train).toEqual({ feature1: [2, -3], feature2: [1, 0.125], label: [0, 1], prediction: [0, 1] });
    expect(file.runs.erm.test).toEqual({ feature1: [1, 2, -1], feature2: [0, 2, -1], label: [1, 0, 1], prediction: [0, 0, 1] });
    expect(file.runs.mfw.test.prediction).toEqual([1, 0, 1]);
    expect(file.runs.mfw.classifier).toEqual(classifier);
  });
  it('keeps every float32 feature exact in its decimal form', () => {
    expect(Math.fround(file.runs.mfw.train.feature1[0])).toBe(snapshot.runs.mfw.trainFeatures[0]);
  });
  it('says what was run', () => {
    expect(file.config).toEqual(DEFAULT_CONFIG);
    expect(file.link.startsWith('?')).toBe(true);
    expect(file.classNames).toEqual(['cat', 'dog']);
    expect(JSON.parse(JSON.stringify(file))).toEqual(file);
  });
});

describe('featuresCsv', () => {
  const rows = featuresCsv(['cat', 'dog'], snapshot).trim().split('\n');
  it('has one row per lane, split and point', () => {
    expect(rows[0]).toBe(FEATURE_CSV_COLUMNS.join(','));
    expect(rows).toHaveLength(1 + 2 * (2 + 3));
  });
  it('writes the class names, the prediction and whether it is correct', () => {
    expect(rows[1]).toBe('12,erm,train,0,0,cat,0,cat,1,2,1');
    expect(rows[2]).toBe('12,erm,train,1,1,dog,1,dog,1,-3,0.125');
    expect(rows[3]).toBe('12,erm,test,0,1,dog,0,cat,0,1,0');
    expect(rows.filter((row) => row.startsWith('12,mfw,test'))).toHaveLength(3);
  });
  it('writes every lane, in lane order, by its id', () => {
    const three = { ...snapshot, runs: { ...snapshot.runs, 'la:tau=1.5': snapshot.runs.erm } };
    const lines = featuresCsv(['cat', 'dog'], three).trim().split('\n');
    expect(lines).toHaveLength(1 + 3 * (2 + 3));
    expect(lines.at(-1)).toBe('12,la:tau=1.5,test,2,1,dog,1,dog,1,-1,-1');
    expect(Object.keys(featuresJson(DEFAULT_CONFIG, ['cat', 'dog'], three).runs)).toEqual(['erm', 'mfw', 'la:tau=1.5']);
  });
});
