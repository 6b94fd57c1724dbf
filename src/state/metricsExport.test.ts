import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../config/experiment.ts';
import type { EpochSnapshot } from '../core/snapshot.ts';
import { CSV_COLUMNS, metricsCsv, metricsJson } from './metricsExport.ts';
import { runSnapshot } from './runFixture.ts';

const perClass = (v: number) => [v, v, v, v];
const run = (v: number, partner: number[] | null = null) =>
  runSnapshot({
    trainLoss: v, cleanTrainLoss: v / 2, trainAccuracy: perClass(v), testAccuracy: perClass(v), classificationRatio: perClass(1), featureGradientNorm: perClass(2),
    gradientNormRatio: 3, featureDeviation: perClass(0.5), classifierWeightNorm: perClass(4), classWeights: perClass(1), meanPartnerShare: partner, relabelledFraction: null,
    trainFeatures: new Float32Array([1, 2]),
  });
const snapshot: EpochSnapshot = {
  epoch: 3, learningRate: 0.1, imagesPerSecond: 5, trainFeatureLabels: new Uint8Array([0]), testLabels: new Uint8Array(),
  runs: { erm: run(0.25), 'la:tau=1.5': run(0.5), mfw: run(0.75, [0.5, 0.5, 0, 0]) },
};
const config = { ...DEFAULT_CONFIG, methods: ['erm', 'la:tau=1.5', 'mfw'] };
const names = ['airplane', 'automobile', 'bird', 'cat'];

describe('metrics export', () => {
  it('holds every lane by id in the JSON, without the features', () => {
    const file = metricsJson(config, names, [snapshot], 'wasm');
    expect(Object.keys(file.epochs[0].runs)).toEqual(['erm', 'la:tau=1.5', 'mfw']);
    expect(file.epochs[0].runs.mfw).not.toHaveProperty('trainFeatures');
    expect(file.epochs[0].runs.mfw.meanPartnerShare).toEqual([0.5, 0.5, 0, 0]);
  });
  it('writes one CSV row per lane and class, with the comparable metrics', () => {
    const rows = metricsCsv(config, names, [snapshot]).trim().split('\n');
    expect(rows[0]).toBe(CSV_COLUMNS.join(','));
    expect(rows).toHaveLength(1 + 3 * 4);
    expect(rows.slice(1).every((row) => row.split(',').length === CSV_COLUMNS.length)).toBe(true);
    expect(rows[5]).toBe('3,la:tau=1.5,0,airplane,5000,0.1,0.5,0.5,0.5,1,2,0.5,0.25,3,4,1,,');
    expect(rows[9]).toBe('3,mfw,0,airplane,5000,0.1,0.75,0.75,0.75,1,2,0.5,0.375,3,4,1,0.5,');
  });
});
