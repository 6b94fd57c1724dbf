/**
 * The wasm backend's own kernels (kernels.c) equal tfjs's stock composition on the cpu backend,
 * float32 rounding apart, through the Kernels the engine uses (kernelsFor('wasm')); and the
 * committed binary follows the committed source. Batch norm alone: cpu/gradients.test.ts.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.ts';
import { BN_EPSILON } from '../../resnet.ts';
import { kernelsFor } from '../index.ts';
import { wasmKernelsReady } from './wasmKernels.ts';
import { KERNELS_SOURCE_SHA256 } from './wasmKernelsBinary.ts';
import { relativeError } from '../../../util/relativeError.ts';

async function values(tensors: tf.Tensor[]): Promise<Float32Array[]> {
  const out = await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(tensors);
  return out;
}

const random = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

/** [y, dx, dW] of Σ r·conv3x3(x, W) through `conv` on `backend`. */
async function convGradients(backend: 'cpu' | 'wasm', conv: (x: tf.Tensor4D, w: tf.Tensor4D, stride: number) => tf.Tensor4D, xShape: number[], wShape: number[], stride: number) {
  await initBackend(backend);
  return values(
    tf.tidy(() => {
      const [x, w] = [random(xShape, 1) as tf.Tensor4D, tf.relu(random(wShape, 2)) as tf.Tensor4D];
      const y = conv(x, w, stride);
      const r = random(y.shape, 3);
      return [y, ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(r, conv(a as tf.Tensor4D, b as tf.Tensor4D, stride))))([x, w])];
    }),
  );
}

afterAll(async () => {
  await tf.setBackend('cpu');
});

it('the committed binary is built from the committed kernels.c (npm run build:wasm-kernels)', () => {
  const source = readFileSync(new URL('./kernels.c', import.meta.url));
  expect(createHash('sha256').update(source).digest('hex')).toBe(KERNELS_SOURCE_SHA256);
});

describe('the wasm kernels', () => {
  it('load on the wasm backend', async () => {
    await initBackend('wasm');
    expect(wasmKernelsReady()).toBe(true);
  });

  // Stride 1 and 2, odd sizes, C_in in fours and not (the first layer's 3), C_out 4, 8, 16 and 20 (tiles of 16 and of 4),
  // and enough images that the 1024-pixel chunks split the batch unevenly.
  it.each([
    { x: [2, 8, 8, 3], w: [3, 3, 3, 16], stride: 1 },
    { x: [3, 7, 5, 4], w: [3, 3, 4, 4], stride: 1 },
    { x: [2, 8, 8, 4], w: [3, 3, 4, 8], stride: 2 },
    { x: [3, 7, 9, 5], w: [3, 3, 5, 20], stride: 2 },
    { x: [40, 6, 6, 8], w: [3, 3, 8, 16], stride: 1 },
    { x: [37, 9, 7, 16], w: [3, 3, 16, 32], stride: 2 },
  ])('conv3x3 gradients, x $x, W $w, stride $stride, equal tfjs’s own', async ({ x, w, stride }) => {
    const reference = await convGradients('cpu', (a, b, s) => tf.conv2d(a, b, s, 1), x, w, stride);
    const ours = await convGradients('wasm', kernelsFor('wasm', true).conv3x3, x, w, stride);
    ['y', 'dx', 'dW'].forEach((name, i) => expect(relativeError(ours[i], reference[i]), name).toBeLessThan(1e-5));
  });

  // relu?(BN(x) + shortcut): no shortcut, the block input, option A with an odd channel offset and odd input sizes.
  const UNITS = [
    { name: 'BN alone', x: [3, 5, 7, 8], relu: false, input: null, subsample: false, channelOffset: 0 },
    { name: 'BN + ReLU', x: [2, 17, 3, 4], relu: true, input: null, subsample: false, channelOffset: 0 },
    { name: 'BN + block input + ReLU', x: [3, 6, 5, 12], relu: true, input: [3, 6, 5, 12], subsample: false, channelOffset: 0 },
    { name: 'BN + option-A shortcut + ReLU', x: [3, 4, 3, 8], relu: true, input: [3, 7, 5, 4], subsample: true, channelOffset: 2 },
    { name: 'BN + option-A shortcut, no ReLU', x: [2, 4, 4, 16], relu: false, input: [2, 8, 8, 8], subsample: true, channelOffset: 4 },
  ];

  it.each(UNITS)('the batch-norm unit ($name) equals the composed one: output, running statistics, gradients; and in evaluation', async ({ x, relu, input, subsample, channelOffset }) => {
    const channels = x[3];
    /** [training output, running mean, running variance, dx, dγ, dβ, d shortcut?, evaluation output] through `kernels`' unit. */
    const run = (kernels: ReturnType<typeof kernelsFor>) =>
      tf.tidy(() => {
        const [xt, gamma, beta, r] = [tf.add(tf.mul(random(x, 4), 2), 0.5), random([channels], 5), random([channels], 6), random(x, 7)];
        const shortcutInput = input ? random(input, 8) : null;
        const running = { mean: tf.variable(random([channels], 9)), variance: tf.variable(tf.exp(random([channels], 10))), momentum: 0.1 };
        const unit = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor, s: tf.Tensor | null, training: boolean) =>
          kernels.batchNormUnit(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, running, {
            epsilon: BN_EPSILON, relu, shortcut: s ? { input: s as tf.Tensor4D, subsample, channelOffset } : undefined,
          }, training);
        const evaluation = unit(xt, gamma, beta, shortcutInput, false);
        const y = unit(xt, gamma, beta, shortcutInput, true);
        const inputs = shortcutInput ? [xt, gamma, beta, shortcutInput] : [xt, gamma, beta];
        const grads = tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(r, unit(args[0], args[1], args[2], args[3] ?? null, true))))(inputs);
        const out = [y, running.mean.clone(), running.variance.clone(), ...grads, evaluation];
        tf.dispose([running.mean, running.variance]);
        return out;
      });
    await initBackend('cpu');
    const reference = await values(run(kernelsFor('cpu', true)));
    await initBackend('wasm');
    const ours = await values(run(kernelsFor('wasm', true)));
    const names = ['y', 'running mean', 'running variance', 'dx', 'dγ', 'dβ', ...(input ? ['d shortcut'] : []), 'evaluation y'];
    expect(ours).toHaveLength(names.length);
    names.forEach((name, i) => expect(relativeError(ours[i], reference[i]), name).toBeLessThan(1e-5));
  });

  it('a clone shares its data (Identity copies nothing) and outlives the original', async () => {
    await initBackend('wasm');
    const original = tf.tensor1d([1, 2, 3]);
    const buffers = tf.memory().numDataBuffers;
    const copy = original.clone();
    expect(tf.memory().numDataBuffers).toBe(buffers);
    original.dispose();
    expect(Array.from(await copy.data())).toEqual([1, 2, 3]);
    copy.dispose();
  });

  it('gather along the first axis copies whole rows, as tfjs’s own gather: float and int, repeated indices, 2-D indices; other axes and bad indices as before', async () => {
    const cases = () => {
      const x = random([7, 3, 4, 5], 11);
      const ints = tf.cast(tf.mul(random([6, 2], 12), 100), 'int32');
      return [
        tf.gather(x, [6, 0, 0, 3]),
        tf.gather(x, tf.tensor2d([[1, 2], [5, 4]], [2, 2], 'int32')),
        tf.gather(ints, [5, 1, 1]),
        tf.gather(x, [2, 0], 2),
      ];
    };
    await initBackend('cpu');
    const reference = await values(cases());
    await initBackend('wasm');
    const ours = await values(cases());
    ours.forEach((values, i) => expect(Array.from(values), `case ${i}`).toEqual(Array.from(reference[i])));
    expect(() => tf.gather(tf.zeros([3, 2]), [3])).toThrow('GatherV2: the index value 3 is not in [0, 2]');
  });

  it('keep no tensor and no heap memory beyond their outputs', async () => {
    await initBackend('wasm');
    const { conv3x3, batchNorm } = kernelsFor('wasm', true);
    const step = () =>
      tf.tidy(() => {
        const [x, w, gamma, beta] = [random([4, 8, 8, 8], 1), random([3, 3, 8, 8], 2), random([8], 3), random([8], 4)];
        const loss = (a: tf.Tensor, b: tf.Tensor, g: tf.Tensor, c: tf.Tensor) =>
          tf.sum(batchNorm(conv3x3(a as tf.Tensor4D, b as tf.Tensor4D, 1), g as tf.Tensor1D, c as tf.Tensor1D, BN_EPSILON, () => {}));
        return tf.grads(loss)([x, w, gamma, beta]);
      });
    tf.dispose(step());
    const before = tf.memory();
    tf.dispose(step());
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  });
});
