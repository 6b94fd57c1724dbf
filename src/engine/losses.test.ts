import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossEntropy, drwClassWeights } from './losses.ts';
import { learningRateAt } from '../core/schedule.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('DRW class weights', () => {
  it('match LDAM-DRW for [5000, 1077, 232, 50]', () => {
    const w = drwClassWeights([5000, 1077, 232, 50]);
    [0.04, 0.153, 0.68, 3.127].forEach((expected, c) => expect(w[c]).toBeCloseTo(expected, 3));
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(4, 12);
  });
});

describe('cross-entropy', () => {
  it('weighted mean divides by the sum of the sample weights (PyTorch semantics)', async () => {
    const logits = tf.tensor2d([[2, 0], [0, 1], [1, 1]]);
    const oneHot = tf.tensor2d([[1, 0], [0, 1], [1, 0]]);
    const weights = tf.tensor1d([0.5, 3]);
    const nll = (row: number[], y: number) => Math.log(row.reduce((s, v) => s + Math.exp(v), 0)) - row[y];
    const l = [nll([2, 0], 0), nll([0, 1], 1), nll([1, 1], 0)];
    expect((await crossEntropy(logits, oneHot).data())[0]).toBeCloseTo((l[0] + l[1] + l[2]) / 3, 5);
    expect((await crossEntropy(logits, oneHot, weights).data())[0]).toBeCloseTo((0.5 * l[0] + 3 * l[1] + 0.5 * l[2]) / 4, 5);
    tf.dispose([logits, oneHot, weights]);
  });
});

describe('learning-rate schedule', () => {
  it('is cosine from lr0 to 0 per step, after an optional linear warm-up', () => {
    const spec = { learningRate: 0.1, epochs: 10, warmupEpochs: 0, stepsPerEpoch: 4 };
    expect(learningRateAt(spec, 0)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(spec, 20)).toBeCloseTo(0.05, 12);
    expect(learningRateAt(spec, 40)).toBeCloseTo(0, 12);
    const warm = { ...spec, warmupEpochs: 2 };
    expect(learningRateAt(warm, 0)).toBeCloseTo(0.1 / 8, 12);
    expect(learningRateAt(warm, 7)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(warm, 8)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(warm, 24)).toBeCloseTo(0.05, 12);
  });
});
