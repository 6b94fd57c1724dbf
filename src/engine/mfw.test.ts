import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mixBatch } from './laneTrainer.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));
const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1];

describe('MFW gradients, paper Eq. 9 (h = identity, binary logistic loss)', () => {
  it('the minor sample x₂ also receives λ₁(σ(wᵀz̃₁) − y₁)·w through the major sample it weakens', async () => {
    const z1 = [1.5, -0.5]; // g(x₁), major class, y₁ = 1
    const z2 = [0.8, 1.2]; // g(x₂), minor class, y₂ = 0, misclassified: wᵀz₂ > 0
    const w = [0.7, 0.4];
    const y = [1, 0];
    const lambda1 = 0.3; // s = 0.5 for the major class times a Beta draw; λ₂ = 0 for the minor class

    const z = tf.tensor4d([...z1, ...z2], [2, 1, 1, 2]);
    const mixing = {
      point: 1,
      permutation: tf.tensor1d([1, 0], 'int32'),
      inversePermutation: tf.tensor1d([1, 0], 'int32'),
      partnerWeight: tf.tensor1d([lambda1, 0]),
    };
    const wT = tf.tensor2d(w, [2, 1]);
    const labels = tf.tensor1d(y);
    const loss = (zIn: tf.Tensor) => {
      const mixed = tf.reshape(mixBatch(zIn as tf.Tensor4D, mixing), [2, 2]);
      const logit = tf.reshape(tf.matMul(mixed, wT), [2]);
      // Eq. 5 summed over the batch: −y·log σ(a) − (1 − y)·log(1 − σ(a)) = softplus(a) − y·a.
      return tf.sum(tf.sub(tf.softplus(logit), tf.mul(labels, logit))) as tf.Scalar;
    };
    const grad = await tf.grad(loss)(z).data();

    const zTilde1 = [(1 - lambda1) * z1[0] + lambda1 * z2[0], (1 - lambda1) * z1[1] + lambda1 * z2[1]];
    const r1 = sigmoid(dot(w, zTilde1)) - y[0];
    const r2 = sigmoid(dot(w, z2)) - y[1];
    const expectedG1 = w.map((wi) => (1 - lambda1) * r1 * wi);
    const expectedG2 = w.map((wi) => r2 * wi + lambda1 * r1 * wi);
    expect(grad[0]).toBeCloseTo(expectedG1[0], 5);
    expect(grad[1]).toBeCloseTo(expectedG1[1], 5);
    expect(grad[2]).toBeCloseTo(expectedG2[0], 5);
    expect(grad[3]).toBeCloseTo(expectedG2[1], 5);
    // And the paper's point: x₂ is misclassified, so its gradient norm shrinks versus ERM's r₂·w.
    expect(Math.hypot(grad[2], grad[3])).toBeLessThan(Math.hypot(r2 * w[0], r2 * w[1]));
    tf.dispose([z, mixing.permutation, mixing.inversePermutation, mixing.partnerWeight, wT, labels]);
  });
});
