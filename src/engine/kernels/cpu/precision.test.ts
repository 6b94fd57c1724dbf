/**
 * The CPU backends' reductions against a float64 computation in JavaScript numbers, over a ResNet-8
 * batch of 128 (the first stage: 32×32 pixels, 16 channels), bounded by 10 × the error PyTorch's own
 * float32 kernels make on the same kind of data (PyTorch 1.13, CPU, one thread, measured against its
 * float64 kernels: BN mean 3.8e-8, variance 5.4e-8, output 1.1e-7, dx 1.5e-7, dγ 5.4e-6, dβ 3.8e-8;
 * the filter gradient 9.9e-6).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.ts';
import { BN_EPSILON } from '../../resnet.ts';
import { kernelsFor, type BatchStatistics } from '../index.ts';
import { Rng } from '../../../util/rng.ts';
import { relativeError } from '../../../util/relativeError.ts';

const [B, H, W, C] = [128, 32, 32, 16];
const COUNT = B * H * W;
const PYTORCH = { mean: 3.8e-8, variance: 5.4e-8, y: 1.1e-7, dx: 1.5e-7, dGamma: 5.4e-6, dBeta: 3.8e-8, filter: 9.9e-6 };

const rng = new Rng(7);
// Activations with a per-channel offset (as after a convolution), and a small upstream gradient with a bias.
const x = Float32Array.from({ length: COUNT * C }, (_, i) => 1.5 + 0.1 * (i % C) + rng.normal());
const dy = Float32Array.from({ length: COUNT * C }, () => 1e-3 * rng.normal() + 2e-4);
const gamma = Float32Array.from({ length: C }, (_, c) => 0.5 + c / (C - 1));
const beta = Float32Array.from({ length: C }, (_, c) => -0.1 + (0.2 * c) / (C - 1));

/** Batch norm's statistics, output and gradients in float64. */
function batchNorm64() {
  const mean = new Float64Array(C);
  const variance = new Float64Array(C);
  for (let i = 0; i < x.length; i++) mean[i % C] += x[i] / COUNT;
  for (let i = 0; i < x.length; i++) variance[i % C] += (x[i] - mean[i % C]) ** 2 / COUNT;
  const inverseStd = Float64Array.from(variance, (v) => 1 / Math.sqrt(v + BN_EPSILON));
  const normalised = Float64Array.from(x, (v, i) => (v - mean[i % C]) * inverseStd[i % C]);
  const y = Float64Array.from(normalised, (v, i) => gamma[i % C] * v + beta[i % C]);
  const dBeta = new Float64Array(C);
  const dGamma = new Float64Array(C);
  for (let i = 0; i < x.length; i++) {
    dBeta[i % C] += dy[i];
    dGamma[i % C] += dy[i] * normalised[i];
  }
  const dx = Float64Array.from(dy, (g, i) => gamma[i % C] * inverseStd[i % C] * (g - dBeta[i % C] / COUNT - (normalised[i] * dGamma[i % C]) / COUNT));
  return { mean, variance, y, dx, dGamma, dBeta };
}

/** dW of a 3×3 stride-1 convolution with padding 1, in float64: Σ_{b,i,j} x[b, i+p−1, j+q−1, c]·g[b, i, j, o]. */
function filterGradient64(input: Float32Array, upstream: Float32Array, channels: number): Float64Array {
  const dW = new Float64Array(9 * channels * channels);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        const out = ((b * H + i) * W + j) * channels;
        for (let p = 0; p < 3; p++) {
          for (let q = 0; q < 3; q++) {
            const [row, column] = [i + p - 1, j + q - 1];
            if (row < 0 || row >= H || column < 0 || column >= W) continue;
            const at = ((b * H + row) * W + column) * channels;
            for (let c = 0; c < channels; c++) {
              const base = ((p * 3 + q) * channels + c) * channels;
              for (let o = 0; o < channels; o++) dW[base + o] += input[at + c] * upstream[out + o];
            }
          }
        }
      }
    }
  }
  return dW;
}

const reference = batchNorm64();
const reluInput = Float32Array.from(x, (v) => Math.max(0, v - 1.5));
const filterReference = filterGradient64(reluInput, dy, C);

describe.each(['cpu', 'wasm'])('reductions on %s, a ResNet-8 batch of 128 against float64', (backend) => {
  it('batch norm: statistics, output and the gradients of x, γ and β within 10 × PyTorch’s float32 error', async () => {
    await initBackend(backend as 'cpu' | 'wasm');
    const { batchNorm } = kernelsFor(backend, true);
    const [xt, g, b, upstream] = [tf.tensor4d(x, [B, H, W, C]), tf.tensor1d(gamma), tf.tensor1d(beta), tf.tensor4d(dy, [B, H, W, C])];
    let statistics: tf.Tensor[] = [];
    const keep = ({ mean, variance }: BatchStatistics) => (statistics = [tf.keep(mean.clone()), tf.keep(variance.clone())]);
    const { value, grads } = tf.valueAndGrads((input: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) =>
      tf.sum(tf.mul(upstream, batchNorm(input as tf.Tensor4D, scale as tf.Tensor1D, offset as tf.Tensor1D, BN_EPSILON, keep))),
    )([xt, g, b]);
    const y = tf.tidy(() => batchNorm(xt, g, b, BN_EPSILON, () => undefined));
    const [mean, variance, output, dx, dGamma, dBeta] = await Promise.all([...statistics, y, ...grads].map((t) => t.data()));
    const errors = {
      mean: relativeError(mean, reference.mean),
      variance: relativeError(variance, reference.variance),
      y: relativeError(output, reference.y),
      dx: relativeError(dx, reference.dx),
      dGamma: relativeError(dGamma, reference.dGamma),
      dBeta: relativeError(dBeta, reference.dBeta),
    };
    console.log(`${backend} batch norm, relative error against float64: ${Object.entries(errors).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', ')}`);
    for (const [name, error] of Object.entries(errors)) expect(error, name).toBeLessThan(10 * PYTORCH[name as keyof typeof PYTORCH]);
    tf.dispose([xt, g, b, upstream, value, y, ...grads, ...statistics]);
  }, 120_000);

  it('the filter gradient within 10 × PyTorch’s float32 error', async () => {
    await initBackend(backend as 'cpu' | 'wasm');
    const [input, upstream] = [tf.tensor4d(reluInput, [B, H, W, C]), tf.tensor4d(dy, [B, H, W, C])];
    // Through the backend's convolution, as training computes it (on wasm, the engine's own kernel).
    const { conv3x3 } = kernelsFor(backend, true);
    const filter = tf.zeros([3, 3, C, C]) as tf.Tensor4D;
    const dW = tf.grad((w: tf.Tensor) => tf.sum(tf.mul(upstream, conv3x3(input, w as tf.Tensor4D, 1))))(filter);
    const error = relativeError(await dW.data(), filterReference);
    console.log(`${backend} filter gradient, relative error against float64: ${error.toExponential(1)}`);
    expect(error).toBeLessThan(10 * PYTORCH.filter);
    tf.dispose([input, upstream, filter, dW]);
  }, 120_000);
});
