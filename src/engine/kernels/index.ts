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
import { gpuBatchNormInference, gpuBatchNormTraining, type BatchNormOptions, type RunningStatistics, type Shortcut } from './webgpu/batchNorm.ts';
import { FlatSgd } from './webgpu/flatSgd.ts';
import { gpuHeadLoss } from './webgpu/head.ts';
import { wasmBatchNormEvaluation, wasmBatchNormTraining, wasmConv3x3, wasmKernelsReady } from './wasm/wasmKernels.ts';

export type { BatchStatistics } from './cpu/gradients.ts';
export type { Shortcut } from './webgpu/batchNorm.ts';

const PADDING = 1;

export interface Kernels {
  /** y = conv3×3(x, filter), stride 1 or 2, 1-pixel zero padding (PyTorch's). */
  conv3x3(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number): tf.Tensor4D;
  /** Training-mode batch norm with the batch's statistics; `onStatistics` receives them (running averages). */
  batchNorm(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number, onStatistics: (statistics: BatchStatistics) => void): tf.Tensor4D;
  /**
   * relu?(BN(x) + shortcut), in training with the batch's statistics (updating `running`), else with
   * the running ones: one op on webgpu and wasm, composed of batchNorm, add and relu elsewhere.
   */
  batchNormUnit(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, running: RunningStatistics, options: BatchNormOptions, training: boolean): tf.Tensor4D;
  /** Pooling, projection, classifier and loss as one op (webgpu); null: the model composes them (losses.ts). */
  headLoss: typeof gpuHeadLoss | null;
  createSgd(variables: tf.Variable[], momentum: number, weightDecay: number, buffers?: ArrayLike<number>[]): Sgd;
}

/** PyTorch's running averages: running = (1 − momentum)·running + momentum·batch, with the unbiased variance. */
function updateRunning(running: RunningStatistics, { mean, variance }: BatchStatistics, count: number): void {
  const { momentum } = running;
  const unbiased = count > 1 ? tf.mul(variance, count / (count - 1)) : variance;
  running.mean.assign(tf.add(tf.mul(running.mean, 1 - momentum), tf.mul(mean, momentum)));
  running.variance.assign(tf.add(tf.mul(running.variance, 1 - momentum), tf.mul(unbiased, momentum)));
}

/**
 * Option-A shortcut: keep every second pixel and place the channels at `channelOffset`, zeros
 * around. tfjs has no gradient for StridedSlice, so the subsampling is a 1×1 average pool of stride 2.
 */
function shortcutA({ input, channelOffset }: Shortcut, outChannels: number): tf.Tensor4D {
  const sub = tf.avgPool(input, 1, 2, 'valid');
  return tf.pad(sub, [[0, 0], [0, 0], [0, 0], [channelOffset, outChannels - input.shape[3] - channelOffset]]);
}

/** The unit composed of `batchNorm`, add and relu. Assigning the running values inside the taped step is safe: training does not read them. */
function composedUnit(batchNorm: Kernels['batchNorm']): Kernels['batchNormUnit'] {
  return (x, gamma, beta, running, { epsilon, relu, shortcut }, training) => {
    const count = x.shape[0] * x.shape[1] * x.shape[2];
    let y = training
      ? batchNorm(x, gamma, beta, epsilon, (statistics) => updateRunning(running, statistics, count))
      : tf.batchNorm4d(x, running.mean as tf.Tensor1D, running.variance as tf.Tensor1D, beta, gamma, epsilon);
    if (shortcut) y = tf.add(y, shortcut.subsample ? shortcutA(shortcut, x.shape[3]) : shortcut.input);
    return relu ? tf.relu(y) : y;
  };
}

const stockBatchNorm: Kernels['batchNorm'] = (x, gamma, beta, epsilon, onStatistics) => {
  const { mean, variance } = tf.moments(x, [0, 1, 2]) as BatchStatistics;
  onStatistics({ mean, variance });
  return tf.batchNorm4d(x, mean, variance, beta, gamma, epsilon);
};

const stock: Kernels = {
  conv3x3: (x, filter, stride) => tf.conv2d(x, filter, stride, PADDING),
  batchNorm: stockBatchNorm,
  batchNormUnit: composedUnit(stockBatchNorm),
  headLoss: null,
  createSgd: (variables, momentum, weightDecay, buffers) => new MomentumSgd(variables, momentum, weightDecay, buffers),
};

const cpu: Kernels = { ...stock, conv3x3: cpuConv3x3, batchNorm: cpuBatchNorm, batchNormUnit: composedUnit(cpuBatchNorm) };

const stagedBatchNorm: Kernels['batchNorm'] = (x, gamma, beta, epsilon, onStatistics) => cpuBatchNorm(x, gamma, beta, epsilon, onStatistics, stagedReductions);
const stagedUnit = composedUnit(stagedBatchNorm);

/** Whether the wasm kernels compute a tensor of `channels` channels: they are loaded (SIMD) and the channels come in fours. */
const ownWasmKernels = (channels: number) => wasmKernelsReady() && channels % 4 === 0;

/**
 * wasm: the convolution (with the filter gradient of wasm/kernels.c) and the batch-norm unit as
 * the engine's own kernels (wasm/wasmKernels.ts); without them, as cpu with batch-norm sums in
 * stages, since wasm's own sums run in float32 over the whole batch.
 */
const wasm: Kernels = {
  ...cpu,
  conv3x3: (x, filter, stride) => (ownWasmKernels(filter.shape[3]) ? wasmConv3x3(x, filter, stride) : cpuConv3x3(x, filter, stride)),
  batchNorm: (x, gamma, beta, epsilon, onStatistics) =>
    ownWasmKernels(x.shape[3]) ? wasmBatchNormTraining(x, gamma, beta, { epsilon, relu: false }, onStatistics) : stagedBatchNorm(x, gamma, beta, epsilon, onStatistics),
  batchNormUnit: (x, gamma, beta, running, options, training) => {
    if (!ownWasmKernels(x.shape[3])) return stagedUnit(x, gamma, beta, running, options, training);
    if (!training) return wasmBatchNormEvaluation(x, gamma, beta, running, options);
    const count = x.shape[0] * x.shape[1] * x.shape[2];
    return wasmBatchNormTraining(x, gamma, beta, options, (statistics) => updateRunning(running, statistics, count));
  },
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
