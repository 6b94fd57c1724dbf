/**
 * Batch norm for the webgpu backend, fused with what follows it in the ResNet: an optional residual
 * (the block input, identity or option-A subsampled and channel-padded) and an optional ReLU,
 *   y = relu(γ·(x − μ)/√(σ² + ε) + β + shortcut(residual)),
 * in three dispatches forward in training mode (chunk statistics; their combination with the
 * running averages updated in place; normalisation), one in evaluation mode, and four or five
 * backward (chunk sums; their combination into dγ, dβ and per-channel coefficients; dx with the
 * identity residual's gradient; the subsampled residual's gradient), instead of tfjs's moments,
 * batchNorm, add and relu and their generic gradients (~60 dispatches per layer).
 *
 * Reductions over the batch and pixels run in chunks of rows (one thread per chunk and channel),
 * then one workgroup per channel combines the chunks in a fixed tree: parallel, and bitwise
 * reproducible (no atomics). Chunk statistics are merged with Chan et al.'s update (mean and sum of
 * squared deviations), as stable as tfjs's two-pass moments.
 *
 * Gradient (m = B·H·W, g = dy masked by the ReLU, x̂ = (x − μ)/√(σ² + ε)):
 *   dβ = Σ g,  dγ = Σ g·x̂,  dx = γ/√(σ² + ε) · (g − dβ/m − x̂·dγ/m),  d residual = shortcutᵀ(g).
 */
import * as tf from '@tensorflow/tfjs';
import { dispatchOwn, KERNEL_MAIN, kernelVariant, outputTensor, WORKGROUP_SIZE, type OwnKernel, type Uniform } from './dispatch.ts';

/** Rows (batch × pixels) per chunk of the statistics and gradient sums. */
export const DEFAULT_ROWS_PER_CHUNK = 64;
/** Threads of the per-channel combining workgroups (a power of two ≤ WORKGROUP_SIZE). */
const COMBINE_THREADS = 64;

/** What is added before the ReLU: the block input, as is or subsampled by 2 with zero-padded channels. */
export interface Shortcut {
  input: tf.Tensor4D;
  /** Option A: every second pixel, the input channels placed at `channelOffset` among the output's. */
  subsample: boolean;
  channelOffset: number;
}

export interface BatchNormOptions {
  epsilon: number;
  relu: boolean;
  shortcut?: Shortcut;
  /** Rows per chunk of the reductions (tests use odd sizes to exercise partial chunks). */
  rowsPerChunk?: number;
}

export interface RunningStatistics {
  mean: tf.Variable;
  variance: tf.Variable;
  /** PyTorch sense: running = (1 − momentum)·running + momentum·batch (unbiased variance). */
  momentum: number;
}

const workgroupsFor = (threads: number) => Math.ceil(threads / WORKGROUP_SIZE);

// ---------------------------------------------------------------------------------------------
// WGSL

const CHAN_MERGE = `
// Chan et al.: merges (count, mean, sum of squared deviations) of two disjoint sets.
fn merge(a: vec3<f32>, b: vec3<f32>) -> vec3<f32> {
  let n = a.x + b.x;
  if (n == 0.0) { return a; }
  let delta = b.y - a.y;
  return vec3<f32>(n, a.y + delta * (b.x / n), a.z + b.z + delta * delta * (a.x * b.x / n));
}`;

const statisticsPartialsKernel: OwnKernel = {
  name: 'BatchNormStatisticsChunks',
  code: `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> chunks: array<f32>;
struct Params { rows: u32, channels: u32, rowsPerChunk: u32, count: u32 }
@group(0) @binding(2) var<uniform> u: Params;
${KERNEL_MAIN}
  if (index >= u.count) { return; }
  let c = index % u.channels;
  let first = (index / u.channels) * u.rowsPerChunk;
  let last = min(first + u.rowsPerChunk, u.rows);
  var sum = 0.0;
  for (var r = first; r < last; r++) { sum += x[r * u.channels + c]; }
  let mean = sum / f32(last - first);
  var squares = 0.0;
  for (var r = first; r < last; r++) {
    let d = x[r * u.channels + c] - mean;
    squares += d * d;
  }
  chunks[2u * index] = mean;
  chunks[2u * index + 1u] = squares;
}`,
};

/** Combines the chunks per channel; also updates the running averages in place. */
const statisticsCombineKernel: OwnKernel = {
  name: 'BatchNormStatisticsCombine',
  code: `
@group(0) @binding(0) var<storage, read> chunks: array<f32>;
@group(0) @binding(1) var<storage, read_write> mean: array<f32>;
@group(0) @binding(2) var<storage, read_write> variance: array<f32>;
@group(0) @binding(3) var<storage, read_write> runningMean: array<f32>;
@group(0) @binding(4) var<storage, read_write> runningVariance: array<f32>;
struct Params { rows: u32, channels: u32, rowsPerChunk: u32, chunks: u32, keep: f32, momentum: f32, unbiased: f32 }
@group(0) @binding(5) var<uniform> u: Params;
var<workgroup> partial: array<vec3<f32>, ${COMBINE_THREADS}>;
${CHAN_MERGE}
${KERNEL_MAIN}
  let c = group;
  var acc = vec3<f32>(0.0);
  if (local < ${COMBINE_THREADS}u) {
    for (var k = local; k < u.chunks; k += ${COMBINE_THREADS}u) {
      let n = f32(min(u.rowsPerChunk, u.rows - k * u.rowsPerChunk));
      let i = 2u * (k * u.channels + c);
      acc = merge(acc, vec3<f32>(n, chunks[i], chunks[i + 1u]));
    }
    partial[local] = acc;
  }
  workgroupBarrier();
  for (var stride = ${COMBINE_THREADS / 2}u; stride > 0u; stride /= 2u) {
    if (local < stride) { partial[local] = merge(partial[local], partial[local + stride]); }
    workgroupBarrier();
  }
  if (local == 0u) {
    let total = partial[0];
    let batchVariance = total.z / total.x;
    mean[c] = total.y;
    variance[c] = batchVariance;
    runningMean[c] = runningMean[c] * u.keep + total.y * u.momentum;
    runningVariance[c] = runningVariance[c] * u.keep + batchVariance * u.unbiased * u.momentum;
  }
}`,
};

/** WGSL computing `shortcut` (the residual's value for output element `index`), by shortcut kind. */
function shortcutValueSnippet(shortcut: 'none' | 'identity' | 'subsample'): string {
  if (shortcut === 'none') return 'let shortcut = 0.0;';
  if (shortcut === 'identity') return 'let shortcut = residual[index];';
  // Output pixel (b, h, w) reads input pixel (b, 2h, 2w); channel c reads c − offset when in range.
  return `
  let pixel = index / u.channels;
  let w = pixel % u.width;
  let h = (pixel / u.width) % u.height;
  let b = pixel / (u.width * u.height);
  let rc = i32(c) - i32(u.residualOffset);
  var shortcut = 0.0;
  if (rc >= 0 && rc < i32(u.residualChannels)) {
    shortcut = residual[((b * u.residualHeight + 2u * h) * u.residualWidth + 2u * w) * u.residualChannels + u32(rc)];
  }`;
}

const SHORTCUT_PARAMS = 'height: u32, width: u32, residualHeight: u32, residualWidth: u32, residualChannels: u32, residualOffset: u32';

function normaliseKernel(relu: boolean, shortcut: 'none' | 'identity' | 'subsample'): OwnKernel {
  const hasResidual = shortcut !== 'none';
  return kernelVariant(`normalise-${relu}-${shortcut}`, () => ({
    name: `BatchNormNormalise${hasResidual ? 'Add' : ''}${relu ? 'Relu' : ''}`,
    code: `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> mean: array<f32>;
@group(0) @binding(2) var<storage, read> variance: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> beta: array<f32>;
${hasResidual ? '@group(0) @binding(5) var<storage, read> residual: array<f32>;' : ''}
@group(0) @binding(${hasResidual ? 6 : 5}) var<storage, read_write> y: array<f32>;
struct Params { size: u32, channels: u32, epsilon: f32, ${SHORTCUT_PARAMS} }
@group(0) @binding(${hasResidual ? 7 : 6}) var<uniform> u: Params;
${KERNEL_MAIN}
  if (index >= u.size) { return; }
  let c = index % u.channels;
  // As tfjs's BatchNormProgram computes it, so the fused result stays within rounding of it.
  let inv = gamma[c] * inverseSqrt(variance[c] + u.epsilon);
  let normalised = dot(vec3<f32>(x[index], -mean[c], beta[c]), vec3<f32>(inv, inv, 1.0));
  ${shortcutValueSnippet(shortcut)}
  ${relu ? 'y[index] = max(normalised + shortcut, 0.0);' : 'y[index] = normalised + shortcut;'}
}`,
  }));
}

/** WGSL: g, the upstream gradient masked by the ReLU (its output y is positive where it passed). */
const maskedGradient = (relu: boolean, at: string) => (relu ? `select(0.0, dy[${at}], y[${at}] > 0.0)` : `dy[${at}]`);

function gradientPartialsKernel(relu: boolean): OwnKernel {
  return kernelVariant(`gradient-partials-${relu}`, () => ({
    name: 'BatchNormGradientChunks',
    code: `
@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> variance: array<f32>;
${relu ? '@group(0) @binding(4) var<storage, read> y: array<f32>;' : ''}
@group(0) @binding(${relu ? 5 : 4}) var<storage, read_write> chunks: array<f32>;
struct Params { rows: u32, channels: u32, rowsPerChunk: u32, count: u32, epsilon: f32 }
@group(0) @binding(${relu ? 6 : 5}) var<uniform> u: Params;
${KERNEL_MAIN}
  if (index >= u.count) { return; }
  let c = index % u.channels;
  let first = (index / u.channels) * u.rowsPerChunk;
  let last = min(first + u.rowsPerChunk, u.rows);
  let mu = mean[c];
  let invStd = inverseSqrt(variance[c] + u.epsilon);
  var sumG = 0.0;
  var sumGX = 0.0;
  for (var r = first; r < last; r++) {
    let i = r * u.channels + c;
    let g = ${maskedGradient(relu, 'i')};
    sumG += g;
    sumGX += g * ((x[i] - mu) * invStd);
  }
  chunks[2u * index] = sumG;
  chunks[2u * index + 1u] = sumGX;
}`,
  }));
}

/** Per channel: dγ, dβ and the coefficients of dx (μ, 1/√(σ²+ε), γ/√(σ²+ε), dβ/m, dγ/m). */
const COEFFICIENTS = 5;

const gradientCombineKernel: OwnKernel = {
  name: 'BatchNormGradientCombine',
  code: `
@group(0) @binding(0) var<storage, read> chunks: array<f32>;
@group(0) @binding(1) var<storage, read> mean: array<f32>;
@group(0) @binding(2) var<storage, read> variance: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read_write> dGamma: array<f32>;
@group(0) @binding(5) var<storage, read_write> dBeta: array<f32>;
@group(0) @binding(6) var<storage, read_write> coefficients: array<f32>;
struct Params { rows: u32, channels: u32, chunks: u32, epsilon: f32 }
@group(0) @binding(7) var<uniform> u: Params;
var<workgroup> partial: array<vec2<f32>, ${COMBINE_THREADS}>;
${KERNEL_MAIN}
  let c = group;
  var acc = vec2<f32>(0.0);
  if (local < ${COMBINE_THREADS}u) {
    for (var k = local; k < u.chunks; k += ${COMBINE_THREADS}u) {
      let i = 2u * (k * u.channels + c);
      acc += vec2<f32>(chunks[i], chunks[i + 1u]);
    }
    partial[local] = acc;
  }
  workgroupBarrier();
  for (var stride = ${COMBINE_THREADS / 2}u; stride > 0u; stride /= 2u) {
    if (local < stride) { partial[local] += partial[local + stride]; }
    workgroupBarrier();
  }
  if (local == 0u) {
    let sums = partial[0];
    let invStd = inverseSqrt(variance[c] + u.epsilon);
    dBeta[c] = sums.x;
    dGamma[c] = sums.y;
    let base = ${COEFFICIENTS}u * c;
    coefficients[base] = mean[c];
    coefficients[base + 1u] = invStd;
    coefficients[base + 2u] = gamma[c] * invStd;
    coefficients[base + 3u] = sums.x / f32(u.rows);
    coefficients[base + 4u] = sums.y / f32(u.rows);
  }
}`,
};

function gradientInputKernel(relu: boolean, identityResidual: boolean): OwnKernel {
  return kernelVariant(`gradient-input-${relu}-${identityResidual}`, () => ({
    name: identityResidual ? 'BatchNormGradientInputResidual' : 'BatchNormGradientInput',
    code: `
@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> coefficients: array<f32>;
${relu ? '@group(0) @binding(3) var<storage, read> y: array<f32>;' : ''}
@group(0) @binding(${relu ? 4 : 3}) var<storage, read_write> dx: array<f32>;
${identityResidual ? `@group(0) @binding(${relu ? 5 : 4}) var<storage, read_write> dResidual: array<f32>;` : ''}
struct Params { size: u32, channels: u32 }
@group(0) @binding(${3 + (relu ? 1 : 0) + 1 + (identityResidual ? 1 : 0)}) var<uniform> u: Params;
${KERNEL_MAIN}
  if (index >= u.size) { return; }
  let base = ${COEFFICIENTS}u * (index % u.channels);
  let g = ${maskedGradient(relu, 'index')};
  let normalised = (x[index] - coefficients[base]) * coefficients[base + 1u];
  dx[index] = ((g - coefficients[base + 3u]) - normalised * coefficients[base + 4u]) * coefficients[base + 2u];
  ${identityResidual ? 'dResidual[index] = g;' : ''}
}`,
  }));
}

/** Gradient of the option-A shortcut's input: g at even pixels of the kept channels, zero elsewhere. */
function gradientSubsampleKernel(relu: boolean): OwnKernel {
  return kernelVariant(`gradient-subsample-${relu}`, () => ({
    name: 'BatchNormGradientSubsampledResidual',
    code: `
@group(0) @binding(0) var<storage, read> dy: array<f32>;
${relu ? '@group(0) @binding(1) var<storage, read> y: array<f32>;' : ''}
@group(0) @binding(${relu ? 2 : 1}) var<storage, read_write> dResidual: array<f32>;
struct Params { size: u32, channels: u32, ${SHORTCUT_PARAMS} }
@group(0) @binding(${relu ? 3 : 2}) var<uniform> u: Params;
${KERNEL_MAIN}
  if (index >= u.size) { return; }
  let rc = index % u.residualChannels;
  let pixel = index / u.residualChannels;
  let rw = pixel % u.residualWidth;
  let rh = (pixel / u.residualWidth) % u.residualHeight;
  let b = pixel / (u.residualWidth * u.residualHeight);
  var value = 0.0;
  if (rh % 2u == 0u && rw % 2u == 0u) {
    let at = ((b * u.height + rh / 2u) * u.width + rw / 2u) * u.channels + rc + u.residualOffset;
    value = ${maskedGradient(relu, 'at')};
  }
  dResidual[index] = value;
}`,
  }));
}

// ---------------------------------------------------------------------------------------------
// Host side

function shortcutKind(shortcut: Shortcut | undefined): 'none' | 'identity' | 'subsample' {
  if (!shortcut) return 'none';
  return shortcut.subsample ? 'subsample' : 'identity';
}

function shortcutUniforms(x: tf.Tensor4D, shortcut: Shortcut | undefined): Uniform[] {
  const [, height, width] = x.shape;
  const [, rh, rw, rc] = shortcut?.input.shape ?? [0, 0, 0, 0];
  return [['u32', height], ['u32', width], ['u32', rh], ['u32', rw], ['u32', rc], ['u32', shortcut?.channelOffset ?? 0]];
}

function checkShortcut(x: tf.Tensor4D, shortcut: Shortcut | undefined): void {
  if (!shortcut) return;
  const [b, h, w, c] = x.shape;
  const [rb, rh, rw, rc] = shortcut.input.shape;
  const ok = shortcut.subsample
    ? rb === b && Math.ceil(rh / 2) === h && Math.ceil(rw / 2) === w && shortcut.channelOffset >= 0 && shortcut.channelOffset + rc <= c
    : rb === b && rh === h && rw === w && rc === c;
  if (!ok) throw new Error(`batch norm: a shortcut of shape [${shortcut.input.shape}] does not fit an output of shape [${x.shape}].`);
}

/** y = relu?(normalised x + shortcut) with the given per-channel mean and variance. */
function normalise(x: tf.Tensor4D, mean: tf.Tensor, variance: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, options: BatchNormOptions): tf.Tensor4D {
  const y = outputTensor(x.shape) as tf.Tensor4D;
  const kind = shortcutKind(options.shortcut);
  dispatchOwn(normaliseKernel(options.relu, kind), {
    inputs: [x, mean, variance, gamma, beta, ...(options.shortcut ? [options.shortcut.input] : [])],
    outputs: [y],
    uniforms: [['u32', x.size], ['u32', x.shape[3]], ['f32', options.epsilon], ...shortcutUniforms(x, options.shortcut)],
    workgroups: workgroupsFor(x.size),
    loop: null,
  });
  return y;
}

interface Chunking {
  rows: number;
  channels: number;
  rowsPerChunk: number;
  chunks: number;
}

function chunking(x: tf.Tensor4D, options: BatchNormOptions): Chunking {
  const channels = x.shape[3];
  const rows = x.size / channels;
  const rowsPerChunk = Math.max(1, Math.min(rows, options.rowsPerChunk ?? DEFAULT_ROWS_PER_CHUNK));
  return { rows, channels, rowsPerChunk, chunks: Math.ceil(rows / rowsPerChunk) };
}

/** Batch mean and (biased) variance per channel; updates `running` in the same dispatch. */
function statistics(x: tf.Tensor4D, running: RunningStatistics, options: BatchNormOptions): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const { rows, channels, rowsPerChunk, chunks } = chunking(x, options);
  const partials = outputTensor([chunks, channels, 2]);
  dispatchOwn(statisticsPartialsKernel, {
    inputs: [x],
    outputs: [partials],
    uniforms: [['u32', rows], ['u32', channels], ['u32', rowsPerChunk], ['u32', chunks * channels]],
    workgroups: workgroupsFor(chunks * channels),
    loop: 2 * rowsPerChunk,
  });
  const mean = outputTensor([channels]) as tf.Tensor1D;
  const variance = outputTensor([channels]) as tf.Tensor1D;
  const { momentum } = running;
  dispatchOwn(statisticsCombineKernel, {
    inputs: [partials],
    outputs: [mean, variance, running.mean, running.variance],
    // The factors are rounded to float32 as tfjs's scalars of the stock update are.
    uniforms: [['u32', rows], ['u32', channels], ['u32', rowsPerChunk], ['u32', chunks], ['f32', 1 - momentum], ['f32', momentum], ['f32', rows > 1 ? rows / (rows - 1) : 1]],
    workgroups: channels,
    loop: Math.ceil(chunks / COMBINE_THREADS) + Math.log2(COMBINE_THREADS),
  });
  partials.dispose();
  return { mean, variance };
}

interface Gradients {
  dx: tf.Tensor4D;
  dGamma: tf.Tensor1D;
  dBeta: tf.Tensor1D;
  dResidual?: tf.Tensor4D;
}

function gradients(dy: tf.Tensor4D, x: tf.Tensor4D, y: tf.Tensor4D, mean: tf.Tensor, variance: tf.Tensor, gamma: tf.Tensor, options: BatchNormOptions): Gradients {
  const { rows, channels, rowsPerChunk, chunks } = chunking(x, options);
  const { relu, shortcut } = options;
  const masked = relu ? [y] : [];
  const partials = outputTensor([chunks, channels, 2]);
  dispatchOwn(gradientPartialsKernel(relu), {
    inputs: [dy, x, mean, variance, ...masked],
    outputs: [partials],
    uniforms: [['u32', rows], ['u32', channels], ['u32', rowsPerChunk], ['u32', chunks * channels], ['f32', options.epsilon]],
    workgroups: workgroupsFor(chunks * channels),
    loop: rowsPerChunk,
  });
  const dGamma = outputTensor([channels]) as tf.Tensor1D;
  const dBeta = outputTensor([channels]) as tf.Tensor1D;
  const coefficients = outputTensor([channels, COEFFICIENTS]);
  dispatchOwn(gradientCombineKernel, {
    inputs: [partials, mean, variance, gamma],
    outputs: [dGamma, dBeta, coefficients],
    uniforms: [['u32', rows], ['u32', channels], ['u32', chunks], ['f32', options.epsilon]],
    workgroups: channels,
    loop: Math.ceil(chunks / COMBINE_THREADS) + Math.log2(COMBINE_THREADS),
  });
  partials.dispose();
  const dx = outputTensor(x.shape) as tf.Tensor4D;
  const identity = shortcut !== undefined && !shortcut.subsample;
  const dResidual = shortcut ? (outputTensor(shortcut.input.shape) as tf.Tensor4D) : undefined;
  dispatchOwn(gradientInputKernel(relu, identity), {
    inputs: [dy, x, coefficients, ...masked],
    outputs: [dx, ...(identity ? [dResidual!] : [])],
    uniforms: [['u32', x.size], ['u32', channels]],
    workgroups: workgroupsFor(x.size),
    loop: null,
  });
  coefficients.dispose();
  if (shortcut?.subsample) {
    dispatchOwn(gradientSubsampleKernel(relu), {
      inputs: [dy, ...masked],
      outputs: [dResidual!],
      uniforms: [['u32', dResidual!.size], ['u32', channels], ...shortcutUniforms(x, shortcut)],
      workgroups: workgroupsFor(dResidual!.size),
      loop: null,
    });
  }
  return { dx, dGamma, dBeta, dResidual };
}

/**
 * Training-mode batch norm of x [B, H, W, C] with batch statistics, fused with the shortcut and
 * ReLU of `options`; updates `running` (in place) and has its own gradient for x, γ, β and the
 * shortcut's input.
 */
export function gpuBatchNormTraining(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, running: RunningStatistics, options: BatchNormOptions): tf.Tensor4D {
  checkShortcut(x, options.shortcut);
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.at(-1) as tf.GradSaveFunc;
    const [input, scale, offset] = args as tf.Tensor[];
    const { mean, variance } = statistics(input as tf.Tensor4D, running, options);
    const y = normalise(input as tf.Tensor4D, mean, variance, scale, offset, options);
    save([input, scale, mean, variance, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedX, savedGamma, savedMean, savedVariance, savedY] = saved;
        const g = gradients(dy as tf.Tensor4D, savedX as tf.Tensor4D, savedY as tf.Tensor4D, savedMean, savedVariance, savedGamma, options);
        return [g.dx, g.dGamma, g.dBeta, ...(g.dResidual ? [g.dResidual] : [])];
      },
    };
  });
  const inputs = [x, gamma, beta, ...(options.shortcut ? [options.shortcut.input] : [])];
  return op(...inputs) as tf.Tensor4D;
}

/** Evaluation-mode batch norm (running statistics) fused with the shortcut and ReLU; no gradient. */
export function gpuBatchNormInference(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, running: RunningStatistics, options: BatchNormOptions): tf.Tensor4D {
  checkShortcut(x, options.shortcut);
  return normalise(x, running.mean, running.variance, gamma, beta, options);
}
