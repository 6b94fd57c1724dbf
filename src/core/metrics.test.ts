import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { classifierFromFlat, classStatistics, featureDeviation, predict, waterFillSample } from './metrics.ts';

describe('metrics', () => {
  it('water-filling shows minor classes in full and splits the rest evenly', () => {
    const labels = Uint8Array.from([...Array(500).fill(0), ...Array(300).fill(1), ...Array(7).fill(2), ...Array(3).fill(3)]);
    const chosen = waterFillSample(labels, 4, 100, new Rng(3));
    const perClass = [0, 0, 0, 0];
    chosen.forEach((i) => perClass[labels[i]]++);
    expect(perClass).toEqual([45, 45, 7, 3]);
    expect([...chosen]).toEqual([...chosen].sort((a, b) => a - b));
    expect([...waterFillSample(labels, 4, 100, new Rng(3))]).toEqual([...chosen]);
  });

  it('predictions, accuracy and classification ratio from 2-D features and the classifier', () => {
    // weight[c] = [w_c0, w_c1] from the flat [2, C] matrix; class 0 wins for f0 > f1.
    const classifier = classifierFromFlat([1, 0, 0, 1], [0, 0], 2);
    expect(classifier.weight).toEqual([[1, 0], [0, 1]]);
    const features = Float32Array.from([2, 0, 0, 2, 3, 1, 1, 3]);
    const predictions = predict(features, classifier);
    expect([...predictions]).toEqual([0, 1, 0, 1]);
    const stats = classStatistics(predictions, Uint8Array.from([0, 1, 1, 1]), 2);
    expect(stats.accuracy).toEqual([1, 2 / 3]);
    expect(stats.classificationRatio).toEqual([2, 2 / 3]);
  });

  it('feature deviation is the distance of ℓ2-normalised class means', () => {
    // Class 0 train features all point along x, test along y: distance √2. Class 1 identical: 0.
    const train = Float32Array.from([5, 0, 2, 0, 0, 3, 0, 1]);
    const test = Float32Array.from([0, 4, 0, 9]);
    const dis = featureDeviation(train, Uint8Array.from([0, 0, 1, 1]), test, Uint8Array.from([0, 1]), 2, new Rng(1), 10);
    expect(dis[0]).toBeCloseTo(Math.SQRT2, 6);
    expect(dis[1]).toBeCloseTo(0, 6);
  });
});
