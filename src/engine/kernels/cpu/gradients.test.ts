import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.ts';
import { BN_EPSILON } from '../../resnet.ts';
import { kernelsFor } from '../index.ts';
import { convFilterGradient, convInputGradient, cpuBatchNorm, cpuConv3x3 } from './gradients.ts';

/** ‖a − b‖∞ / ‖b‖∞: float32 rounding in a different summation order stays far below 1e-5. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let diff = 0;
  let scale = 0;
  expected.forEach((e, i) => {
    diff = Math.max(diff, Math.abs(actual[i] - e));
    scale = Math.max(scale, Math.abs(e));
  });
  expect(scale).toBeGreaterThan(0);
  return diff / scale;
}

async function values(tensors: tf.Tensor[]): Promise<Float32Array[]> {
  const out = await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(tensors);
  return out;
}

function random(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

/**
 * tfjs's own gradients of Σ r·conv2d(x, W) on the `cpu` backend (the wasm backend has no
 * Conv2DBackpropFilter kernel, so the reference for both comes from `cpu`): [dx, dW].
 */
async function referenceConvGradients(xShape: number[], wShape: number[], stride: number): Promise<Float32Array[]> {
  await tf.setBackend('cpu');
  return values(
    tf.tidy(() => {
      const [x, w] = [random(xShape, 1), random(wShape, 2)];
      const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, 1);
      const r = random(y.shape, 3);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(r, tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, 1))))([x, w]);
    }),
  );
}

/** The same gradients through cpuConv3x3 on `backend`: [dx, dW]. */
async function cpuConvGradients(backend: string, xShape: number[], wShape: number[], stride: number): Promise<Float32Array[]> {
  await initBackend(backend as 'cpu' | 'wasm');
  return values(
    tf.tidy(() => {
      const [x, w] = [random(xShape, 1), random(wShape, 2)];
      const r = random(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, 1).shape, 3);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(r, cpuConv3x3(a as tf.Tensor4D, b as tf.Tensor4D, stride))))([x, w]);
    }),
  );
}

afterAll(async () => {
  await tf.setBackend('cpu');
});

// Even and odd sizes, square and not, stride 1 and 2, channels up and down (ResNet's stage entries).
const CASES: { x: number[]; w: number[]; stride: number }[] = [
  { x: [2, 8, 8, 3], w: [3, 3, 3, 4], stride: 1 },
  { x: [3, 7, 5, 4], w: [3, 3, 4, 2], stride: 1 },
  { x: [2, 8, 8, 4], w: [3, 3, 4, 8], stride: 2 },
  { x: [3, 7, 9, 5], w: [3, 3, 5, 3], stride: 2 },
  { x: [1, 5, 6, 2], w: [3, 3, 2, 6], stride: 2 },
];

describe.each(['cpu', 'wasm'])('CPU gradients on %s equal tfjs\'s own', (backend) => {
  it.each(CASES)('conv3x3 input and filter gradients, x $x, W $w, stride $stride', async ({ x, w, stride }) => {
    const [refDx, refDw] = await referenceConvGradients(x, w, stride);
    const [dx, dw] = await cpuConvGradients(backend, x, w, stride);
    expect(relativeError(dx, refDx)).toBeLessThan(1e-5);
    expect(relativeError(dw, refDw)).toBeLessThan(1e-5);
  });

  it('the input and filter gradients alone, called directly, match too (stride 2, odd)', async () => {
    const [refDx, refDw] = await referenceConvGradients([2, 9, 7, 3], [3, 3, 3, 5], 2);
    await initBackend(backend as 'cpu' | 'wasm');
    const [dx, dw] = await values(
      tf.tidy(() => {
        const [xt, wt] = [random([2, 9, 7, 3], 1) as tf.Tensor4D, random([3, 3, 3, 5], 2) as tf.Tensor4D];
        const r = random([2, 5, 4, 5], 3) as tf.Tensor4D;
        return [convInputGradient(r, wt, xt.shape, 2), convFilterGradient(xt, r, 2)];
      }),
    );
    expect(relativeError(dx, refDx)).toBeLessThan(1e-5);
    expect(relativeError(dw, refDw)).toBeLessThan(1e-5);
  });

  // Channels in fours (the wasm kernel) and not (the composition), pixel counts that split the 32-pixel chunks unevenly.
  it.each([[3, 5, 7, 6], [3, 5, 7, 8], [2, 17, 3, 4], [4, 6, 6, 20]])('batch norm %j in training mode: output, statistics, and the gradients of x, γ and β', async (...shape) => {
    const channels = shape[3];
    const inputs = () => [tf.add(tf.mul(random(shape, 4), 2), 0.5), random([channels], 5), random([channels], 6), random(shape, 7)];
    // Reference: tfjs's moments + batchNorm4d and their own gradients, on cpu.
    await tf.setBackend('cpu');
    const reference = await values(
      tf.tidy(() => {
        const [x, gamma, beta, r] = inputs();
        const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
          const { mean, variance } = tf.moments(a, [0, 1, 2]);
          return tf.batchNorm4d(a as tf.Tensor4D, mean as tf.Tensor1D, variance as tf.Tensor1D, b as tf.Tensor1D, g as tf.Tensor1D, BN_EPSILON);
        };
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        return [f(x, gamma, beta), mean, variance, ...tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(r, f(a, g, b))))([x, gamma, beta])];
      }),
    );
    await initBackend(backend as 'cpu' | 'wasm');
    // cpuBatchNorm on both backends (wasm's without SIMD), and the batch norm the backend's kernels train with (on wasm its own kernel).
    for (const batchNorm of [cpuBatchNorm, kernelsFor(backend, true).batchNorm]) {
      const custom = await values(
        tf.tidy(() => {
          const [x, gamma, beta, r] = inputs();
          const statistics: tf.Tensor[] = [];
          const y = batchNorm(x as tf.Tensor4D, gamma as tf.Tensor1D, beta as tf.Tensor1D, BN_EPSILON, ({ mean, variance }) => statistics.push(tf.keep(mean), tf.keep(variance)));
          const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => batchNorm(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, BN_EPSILON, () => {});
          return [y, ...statistics, ...tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(r, f(a, g, b))))([x, gamma, beta])];
        }),
      );
      expect(custom).toHaveLength(reference.length);
      ['y', 'mean', 'variance', 'dx', 'dγ', 'dβ'].forEach((name, i) => expect(relativeError(custom[i], reference[i]), name).toBeLessThan(1e-5));
    }
  });
});
