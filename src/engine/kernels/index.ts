/**
 * The computations that differ per backend, chosen once per network by `kernelsFor`: the model,
 * the losses and the lockstep runner stay free of backend branches. Every faster path computes what
 * the stock tfjs composition computes (float32 rounding apart), which the tests check op by op
 * (cpu/gradients.test.ts, webgpu/fusedOps.test.ts, e2e/webglKernels.spec.ts) and step by step
 * (wasmTraining.test.ts, webgpu/fusedTraining.test.ts).
 *
 *   cpu        convolution and batch-norm gradients by forward ops (cpu/gradients.ts)
 *   wasm       as cpu, with the filter gradient and batch norm as its own SIMD kernels (wasm/)
 *   webgl      the parallel filter gradient (fusedConv.ts, webgl/filterGradient.ts)
 *   webgpu     the filter gradient, batch norm with shortcut and ReLU, head and loss, and SGD as
 *              the engine's own kernels (webgpu/)
 * `fused: false` runs the stock composition on the GPU backends, for comparison.
 */
import * as tf from '@tensorflow/tfjs';
import { MomentumSgd, type Sgd } from '../sgd.ts';
import { cpuBatchNorm, cpuConv3x3, stagedReductions, type BatchStatistics } from './cpu/gradients.ts';
import { fusedConv3x3 } from './fusedConv.ts';
import { gpuBatchNormInference, gpuBatchNormTraining, type BatchNormOptions, type RunningStatistics } from './webgpu/batchNorm.ts';
import { FlatSgd } from './webgpu/flatSgd.ts';
import { gpuHeadLoss } from './webgpu/head.ts';
import { wasmBatchNorm, wasmConv3x3, wasmKernelsReady } from './wasm/wasmKernels.ts';

export type { BatchStatistics } from './cpu/gradients.ts';
export type { Shortcut } from './webgpu/batchNorm.ts';

const PADDING = 1;

export interface Kernels {
  /** y = conv3×3(x, filter), stride 1 or 2, 1-pixel zero padding (PyTorch's). */
  conv3x3(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number): tf.Tensor4D;
  /** Training-mode batch norm with the batch's statistics; `onStatistics` receives them (running averages). */
  batchNorm(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, onStatistics: (statistics: BatchStatistics) => void): tf.Tensor4D;
  /** relu?(BN(x) + shortcut) as one op, training or inference (webgpu); null: the model composes it. */
  batchNormUnit: ((x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, running: RunningStatistics, options: BatchNormOptions, training: boolean) => tf.Tensor4D) | null;
  /** Pooling, projection, classifier and loss as one op (webgpu); null: the model composes them (losses.ts). */
  headLoss: typeof gpuHeadLoss | null;
  createSgd(variables: tf.Variable[], momentum: number, weightDecay: number, buffers?: ArrayLike<number>[]): Sgd;
}

const stock: Kernels = {
  conv3x3: (x, filter, stride) => tf.conv2d(x, filter, stride, PADDING),
  batchNorm: (x, gamma, beta, epsilon, onStatistics) => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]) as BatchStatistics;
    onStatistics({ mean, variance });
    return tf.batchNorm4d(x, mean, variance, beta, gamma, epsilon);
  },
  batchNormUnit: null,
  headLoss: null,
  createSgd: (variables, momentum, weightDecay, buffers) => new MomentumSgd(variables, momentum, weightDecay, buffers),
};

const cpu: Kernels = { ...stock, conv3x3: cpuConv3x3, batchNorm: cpuBatchNorm };

/**
 * wasm: the convolution (with the filter gradient of wasm/kernels.c) and batch norm as the engine's
 * own kernels (wasm/wasmKernels.ts; channel counts in fours); without them (no SIMD), as cpu with
 * batch-norm sums in stages, since wasm's own sums run in float32 over the whole batch.
 */
const wasm: Kernels = {
  ...cpu,
  conv3x3: (x, filter, stride) => (wasmKernelsReady() && filter.shape[3] % 4 === 0 ? wasmConv3x3(x, filter, stride) : cpuConv3x3(x, filter, stride)),
  batchNorm: (x, gamma, beta, epsilon, onStatistics) =>
    wasmKernelsReady() && x.shape[3] % 4 === 0
      ? wasmBatchNorm(x, gamma, beta, epsilon, onStatistics)
      : cpuBatchNorm(x, gamma, beta, epsilon, onStatistics, stagedReductions),
};

const webgl: Kernels = { ...stock, conv3x3: fusedConv3x3 };

const webgpu: Kernels = {
  ...stock,
  conv3x3: fusedConv3x3,
  batchNormUnit: (x, gamma, beta, running, options, training) =>
    training ? gpuBatchNormTraining(x, gamma, beta, running, options) : gpuBatchNormInference(x, gamma, beta, running, options),
  headLoss: gpuHeadLoss,
  createSgd: (variables, momentum, weightDecay, buffers) => new FlatSgd(variables, momentum, weightDecay, buffers),
};

/**
 * The kernels a network on `backend` uses. The CPU backends always take theirs (they are how the
 * CPU trains fast, and have no stock variant worth comparing); the GPU backends theirs when `fused`.
 */
export function kernelsFor(backend: string, fused: boolean): Kernels {
  if (backend === 'cpu') return cpu;
  if (backend === 'wasm') return wasm;
  if (!fused) return stock;
  if (backend === 'webgpu') return webgpu;
  if (backend === 'webgl') return webgl;
  return stock;
}
