import { describe, expect, it } from 'vitest';
import type { EpochSnapshot, RunSnapshot } from '../../../core/snapshot.ts';
import { METHOD_DASH } from '../../theme.ts';
import { metricLegend, metricSeries } from './metricSeries.ts';

function run(trainAccuracy: number[]): RunSnapshot {
  return {
    trainLoss: 0,
    trainAccuracy,
    testAccuracy: [],
    classificationRatio: [],
    featureGradientNorm: [],
    featureDeviation: [],
    trainFeatures: new Float32Array(),
    testFeatures: new Float32Array(),
    classifier: { weight: [], bias: [] },
  };
}

const epoch = (n: number, erm: number[], mfw: number[]): EpochSnapshot => ({
  epoch: n,
  learningRate: 0.1,
  imagesPerSecond: 0,
  trainFeatureLabels: new Uint8Array(),
  testLabels: new Uint8Array(),
  runs: { erm: run(erm), mfw: run(mfw) },
});

describe('metricSeries', () => {
  const history = [epoch(1, [0.5, 0], [0.4, 0.1]), epoch(2, [0.9, 0.2], [0.8, 0.6])];
  const series = metricSeries(history, (r) => r.trainAccuracy, ['cat', 'dog'], { scale: 100 });

  it('makes one series per class and method, over the epochs', () => {
    expect(series.map((s) => s.key)).toEqual(['erm-0', 'mfw-0', 'erm-1', 'mfw-1']);
    expect(series[3].label).toBe('dog · MFW');
    expect(series[3].points).toEqual([{ x: 1, y: 10 }, { x: 2, y: 60 }]);
  });
  it('colours and shapes by class, dashes by method', () => {
    expect(series[0].colour).toBe(series[1].colour);
    expect(series[0].colour).not.toBe(series[2].colour);
    expect(series[0].shape).toBe(series[1].shape);
    expect(series[0].shape).not.toBe(series[2].shape);
    expect(series[0].dash).toBe(METHOD_DASH.erm);
    expect(series[1].dash).toBeUndefined();
  });
  it('leaves a gap for a missing value', () => {
    const gaps = metricSeries([epoch(1, [0.5], [0.5])], (r) => r.trainAccuracy, ['cat', 'dog']);
    expect(gaps[2].points[0].y).toBeNaN();
  });
  it('lists classes, then the two line styles, in the legend', () => {
    expect(metricLegend(['cat', 'dog']).map((e) => e.label)).toEqual(['cat', 'dog', 'ERM', 'MFW']);
  });
});
