import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { classifierFromFlat, classifierWeightNorms, classStatistics, denseClassifierFromFlat, featureDeviation, meanCrossEntropy, predict, unitClassifier, waterFillSample } from './metrics.ts';

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

  it('a feature of any dimension (the 64-d one): predictions, cross-entropy, norms and deviation agree with the 2-D ones when the extra dimensions are 0', () => {
    // The same 2-D problem embedded in 4 dimensions (features and weights 0 in the last two).
    const flat2 = [1, -1, 0.5, 2, 0.3, 0.4, -0.2, 0.1, 0, 0, 0]; // weight [2, 3] then bias [3]
    const plane = classifierFromFlat(flat2.slice(0, 6), flat2.slice(6, 9), 3);
    const weight4 = [...flat2.slice(0, 6), 0, 0, 0, 0, 0, 0];
    const dense = denseClassifierFromFlat(weight4, flat2.slice(6, 9), 3, 4);
    expect(dense.weight).toEqual([[1, 2, 0, 0], [-1, 0.3, 0, 0], [0.5, 0.4, 0, 0]]);
    const f2 = Float32Array.from([1, 2, -3, 0.5, 0.2, -1, 4, 4]);
    const f4 = Float32Array.from([1, 2, 0, 0, -3, 0.5, 0, 0, 0.2, -1, 0, 0, 4, 4, 0, 0]);
    const labels = Uint8Array.from([0, 1, 2, 0]);
    expect([...predict(f4, dense)]).toEqual([...predict(f2, plane)]);
    expect(meanCrossEntropy(f4, labels, dense, null)).toBeCloseTo(meanCrossEntropy(f2, labels, plane, null), 12);
    expect(meanCrossEntropy(f4, labels, dense, 30)).toBeCloseTo(meanCrossEntropy(f2, labels, plane, 30), 12);
    expect(classifierWeightNorms(dense)).toEqual(classifierWeightNorms(plane));
    expect(unitClassifier(dense).weight.map((w) => w.slice(0, 2))).toEqual(unitClassifier(plane).weight);
    const dis2 = featureDeviation(f2, labels, f2, labels, 3, new Rng(5), 20);
    const dis4 = featureDeviation(f4, labels, f4, labels, 3, new Rng(5), 20, 4);
    dis4.forEach((d, c) => expect(d).toBeCloseTo(dis2[c], 12));
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
