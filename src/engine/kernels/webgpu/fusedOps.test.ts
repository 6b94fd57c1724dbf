/**
 * Each fused WebGPU op against the stock tfjs composition it replaces, forward and every gradient,
 * computed with the stock ops both on webgpu and on the cpu backend (float32 rounding apart, the
 * three must agree). Odd sizes on purpose: batch 1, channel counts not divisible by 4, chunks that
 * do not divide the rows, more chunks than a combining workgroup has threads.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../util/rng.ts';
import { MomentumSgd } from '../../sgd.ts';
import { gpuBatchNormInference, gpuBatchNormTraining, type BatchNormOptions } from './batchNorm.ts';
import { fusedConv3x3 } from '../fusedConv.ts';
import { gpuFilterGradient } from './filterGradient.ts';
import { FlatSgd } from './flatSgd.ts';
import { gpuHeadLoss, type HeadParameters } from './head.ts';
import { webGpuInternals } from './internals.ts';
import { relativeError } from '../../../util/relativeError.ts';
import { deviceErrorsSoFar, useNodeWebGpu } from './testing.ts';

const TOLERANCE = 1e-5;
const EPSILON = 1e-5;
const MOMENTUM = 0.1;

beforeAll(useNodeWebGpu);
afterAll(() => expect(deviceErrorsSoFar()).toEqual([]));

/** PyTorch's F.cross_entropy(logits, y, weight): the mean of −log p_y weighted by the sample's class weight, over the weights' sum. */
function crossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D, classWeights: tf.Tensor1D): tf.Scalar {
  const perSample = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1));
  const sampleWeights = tf.sum(tf.mul(oneHot, classWeights), 1);
  return tf.div(tf.sum(tf.mul(perSample, sampleWeights)), tf.sum(sampleWeights));
}

function randomArray(size: number, seed: number, mean = 0, std = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: size }, () => mean + std * rng.normal());
}

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Runs `compute` on `backend` and reads every tensor it returns. */
async function on(backend: string, compute: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const tensors = compute();
  const values = await Promise.all(tensors.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose(tensors);
  return values;
}

interface BatchNormCase {
  name: string;
  x: [number, number, number, number];
  relu: boolean;
  /** Shape of the shortcut's input and whether it is subsampled (its channels centred). */
  shortcut?: { shape: [number, number, number, number]; subsample: boolean };
  rowsPerChunk: number;
}

const BATCH_NORM_CASES: BatchNormCase[] = [
  { name: 'batch 1, 3 channels, no ReLU', x: [1, 4, 4, 3], relu: false, rowsPerChunk: 5 },
  { name: 'identity shortcut + ReLU, 128 one-row chunks', x: [2, 8, 8, 6], relu: true, shortcut: { shape: [2, 8, 8, 6], subsample: false }, rowsPerChunk: 1 },
  { name: 'option-A shortcut 4 → 8 channels + ReLU', x: [3, 4, 4, 8], relu: true, shortcut: { shape: [3, 8, 8, 4], subsample: true }, rowsPerChunk: 7 },
  { name: 'option-A shortcut from odd sizes, 3 → 5 channels', x: [2, 5, 5, 5], relu: true, shortcut: { shape: [2, 9, 9, 3], subsample: true }, rowsPerChunk: 64 },
];

/** The stock composition of resnet.ts: moments, batchNorm4d, option-A shortcut (avgPool + pad), add, relu. */
function stockBatchNorm(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, relu: boolean, shortcut?: tf.Tensor4D): { y: tf.Tensor4D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  const { mean, variance } = tf.moments(x, [0, 1, 2]) as { mean: tf.Tensor1D; variance: tf.Tensor1D };
  let y = tf.batchNorm4d(x, mean, variance, beta, gamma, EPSILON);
  if (shortcut) {
    const extra = x.shape[3] - shortcut.shape[3];
    const added = shortcut.shape[1] === x.shape[1] ? shortcut : tf.pad(tf.avgPool(shortcut, 1, 2, 'valid'), [[0, 0], [0, 0], [0, 0], [Math.floor(extra / 2), extra - Math.floor(extra / 2)]]);
    y = tf.add(y, added);
  }
  return { y: relu ? tf.relu(y) : y, mean, variance };
}

describe('fused batch norm (webgpu)', () => {
  for (const c of BATCH_NORM_CASES) {
    it(`training: forward, gradients and running statistics equal the stock ops (${c.name})`, async () => {
      const channels = c.x[3];
      const xValues = randomArray(sizeOf(c.x), 1, 0.5, 2);
      const gammaValues = randomArray(channels, 2, 1, 0.3);
      const betaValues = randomArray(channels, 3, 0, 0.5);
      const shortcutValues = c.shortcut ? randomArray(sizeOf(c.shortcut.shape), 4) : null;
      const upstream = randomArray(sizeOf(c.x), 5);
      const runningMean0 = randomArray(channels, 6);
      const runningVar0 = randomArray(channels, 7, 2, 0.1);
      const tensors = () => ({
        x: tf.tensor4d(xValues, c.x),
        gamma: tf.tensor1d(gammaValues),
        beta: tf.tensor1d(betaValues),
        shortcut: shortcutValues && c.shortcut ? tf.tensor4d(shortcutValues, c.shortcut.shape) : undefined,
        upstream: tf.tensor4d(upstream, c.x),
      });
      const withGradients = (forward: (x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, shortcut?: tf.Tensor4D) => tf.Tensor4D) => () => {
        const t = tensors();
        const inputs = [t.x, t.gamma, t.beta, ...(t.shortcut ? [t.shortcut] : [])];
        const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => tf.sum(tf.mul(forward(...(args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor4D])), t.upstream)))(inputs);
        return [value, ...grads];
      };

      const stock = async (backend: string) => {
        await tf.setBackend(backend);
        const runningMean = tf.variable(tf.tensor1d(runningMean0));
        const runningVar = tf.variable(tf.tensor1d(runningVar0));
        return on(backend, () => {
          const results = withGradients((x, gamma, beta, shortcut) => {
            const { y, mean, variance } = stockBatchNorm(x, gamma, beta, c.relu, shortcut);
            const m = x.size / x.shape[3];
            runningMean.assign(tf.add(tf.mul(runningMean, 1 - MOMENTUM), tf.mul(mean, MOMENTUM)));
            runningVar.assign(tf.add(tf.mul(runningVar, 1 - MOMENTUM), tf.mul(tf.mul(variance, m / (m - 1)), MOMENTUM)));
            return y;
          })();
          return [...results, runningMean, runningVar];
        });
      };
      const [stockGpu, stockCpu] = [await stock('webgpu'), await stock('cpu')];

      await tf.setBackend('webgpu');
      const running = { mean: tf.variable(tf.tensor1d(runningMean0)), variance: tf.variable(tf.tensor1d(runningVar0)), momentum: MOMENTUM };
      const fused = await on('webgpu', () => {
        const results = withGradients((x, gamma, beta, shortcut) => {
          const options: BatchNormOptions = { epsilon: EPSILON, relu: c.relu, rowsPerChunk: c.rowsPerChunk };
          if (shortcut) options.shortcut = { input: shortcut, subsample: c.shortcut!.subsample, channelOffset: Math.floor((channels - shortcut.shape[3]) / 2) };
          return gpuBatchNormTraining(x, gamma, beta, running, options);
        })();
        return [...results, running.mean, running.variance];
      });

      const names = ['loss', 'dx', 'dγ', 'dβ', ...(c.shortcut ? ['d shortcut'] : []), 'running mean', 'running variance'];
      expect(fused).toHaveLength(names.length);
      names.forEach((name, i) => {
        expect(relativeError(fused[i], stockGpu[i]), `${name} vs stock on webgpu`).toBeLessThan(TOLERANCE);
        expect(relativeError(fused[i], stockCpu[i]), `${name} vs stock on cpu`).toBeLessThan(TOLERANCE);
      });
    });
  }

  it('evaluation: running statistics, shortcut and ReLU equal the stock ops', async () => {
    const shape: [number, number, number, number] = [2, 4, 4, 6];
    const values = { x: randomArray(32 * 6, 11, 0.3, 2), mean: randomArray(6, 12), variance: randomArray(6, 13, 1.5, 0.2), gamma: randomArray(6, 14, 1, 0.3), beta: randomArray(6, 15), shortcut: randomArray(2 * 8 * 8 * 4, 16) };
    const compute = (fused: boolean) => () => {
      const x = tf.tensor4d(values.x, shape);
      const shortcut = tf.tensor4d(values.shortcut, [2, 8, 8, 4]);
      const [gamma, beta] = [tf.tensor1d(values.gamma), tf.tensor1d(values.beta)];
      const running = { mean: tf.variable(tf.tensor1d(values.mean)), variance: tf.variable(tf.tensor1d(values.variance)), momentum: MOMENTUM };
      if (fused) return [gpuBatchNormInference(x, gamma, beta, running, { epsilon: EPSILON, relu: true, shortcut: { input: shortcut, subsample: true, channelOffset: 1 } })];
      const normalised = tf.batchNorm4d(x, running.mean, running.variance, beta, gamma, EPSILON);
      return [tf.relu(tf.add(normalised, tf.pad(tf.avgPool(shortcut, 1, 2, 'valid'), [[0, 0], [0, 0], [0, 0], [1, 1]])))];
    };
    const [fused] = await on('webgpu', compute(true));
    const [stockGpu] = await on('webgpu', compute(false));
    const [stockCpu] = await on('cpu', compute(false));
    expect(relativeError(fused, stockGpu)).toBeLessThan(TOLERANCE);
    expect(relativeError(fused, stockCpu)).toBeLessThan(TOLERANCE);
  });
});

interface ConvCase {
  x: [number, number, number, number];
  outChannels: number;
  stride: number;
  rowsPerChunk: number;
}

const CONV_CASES: ConvCase[] = [
  { x: [1, 5, 5, 3], outChannels: 2, stride: 1, rowsPerChunk: 3 },
  { x: [2, 7, 7, 3], outChannels: 5, stride: 2, rowsPerChunk: 4 },
  { x: [2, 8, 8, 4], outChannels: 8, stride: 2, rowsPerChunk: 1 },
  { x: [2, 8, 8, 4], outChannels: 8, stride: 1, rowsPerChunk: 512 },
];

describe('parallel filter gradient (webgpu)', () => {
  for (const c of CONV_CASES) {
    const label = `x [${c.x}] → ${c.outChannels} channels, stride ${c.stride}, chunks of ${c.rowsPerChunk}`;
    const filterShape: [number, number, number, number] = [3, 3, c.x[3], c.outChannels];
    const xValues = randomArray(sizeOf(c.x), 21);
    const filterValues = randomArray(sizeOf(filterShape), 22);
    const outShape: [number, number, number, number] = [c.x[0], Math.ceil(c.x[1] / c.stride), Math.ceil(c.x[2] / c.stride), c.outChannels];
    const upstream = randomArray(sizeOf(outShape), 23);
    const gradients = (conv: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D) => () => {
      const r = tf.tensor4d(upstream, outShape);
      const { value, grads } = tf.valueAndGrads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(conv(x as tf.Tensor4D, w as tf.Tensor4D), r)))([tf.tensor4d(xValues, c.x), tf.tensor4d(filterValues, filterShape)]);
      return [value, ...grads];
    };

    it(`the conv op's output, input and filter gradients equal tfjs's (${label})`, async () => {
      const stock = gradients((x, w) => tf.conv2d(x, w, c.stride, 1));
      const [stockGpu, stockCpu] = [await on('webgpu', stock), await on('cpu', stock)];
      const fused = await on('webgpu', gradients((x, w) => fusedConv3x3(x, w, c.stride)));
      ['output', 'dx', 'dW'].forEach((name, i) => {
        expect(relativeError(fused[i], stockGpu[i]), `${name} vs stock on webgpu`).toBeLessThan(TOLERANCE);
        expect(relativeError(fused[i], stockCpu[i]), `${name} vs stock on cpu`).toBeLessThan(TOLERANCE);
      });
    });

    it(`the chunked filter gradient equals tfjs's and is the same bit for bit every time (${label})`, async () => {
      const chunked = () => [gpuFilterGradient(tf.tensor4d(xValues, c.x), tf.tensor4d(upstream, outShape), c.stride, c.rowsPerChunk)];
      const [first] = await on('webgpu', chunked);
      const [second] = await on('webgpu', chunked);
      const stock = await on('cpu', gradients((x, w) => tf.conv2d(x, w, c.stride, 1)));
      expect(relativeError(first, stock[2])).toBeLessThan(TOLERANCE);
      expect(Array.from(second)).toEqual(Array.from(first));
    });
  }

  it('says which shapes do not fit', async () => {
    await tf.setBackend('webgpu');
    const x = tf.zeros([1, 8, 8, 2]) as tf.Tensor4D;
    const dy = tf.zeros([1, 8, 8, 3]) as tf.Tensor4D;
    expect(() => gpuFilterGradient(x, dy, 2)).toThrow(/dy \[1,8,8,3\] is not the output of a 3×3 stride-2 convolution of x \[1,8,8,2\]/);
    tf.dispose([x, dy]);
  });
});

describe('flat SGD (webgpu)', () => {
  it('three steps equal the stock update, weights and momentum, after a restore too', async () => {
    const shapes = [[3, 3, 3, 4], [5], [7, 2], [1]];
    const initial = shapes.map((s, i) => randomArray(sizeOf(s), 30 + i));
    const savedMomentum = shapes.map((s, i) => randomArray(sizeOf(s), 40 + i, 0, 0.1));
    const steps = [0, 1, 2].map((k) => shapes.map((s, i) => randomArray(sizeOf(s), 50 + 10 * k + i)));
    const rates = [0.1, 0.05, 0.2];
    const run = async (backend: string, flat: boolean) => {
      await tf.setBackend(backend);
      const variables = shapes.map((s, i) => tf.variable(tf.tensor(initial[i], s)));
      const sgd = flat ? new FlatSgd(variables, 0.9, 2e-4, savedMomentum) : new MomentumSgd(variables, 0.9, 2e-4, savedMomentum);
      steps.forEach((grads, k) => tf.tidy(() => sgd.apply(grads.map((g, i) => tf.tensor(g, shapes[i])), rates[k])));
      const weights = await Promise.all(variables.map(async (v) => (await v.data()) as Float32Array));
      const momentum = await sgd.momentumValues();
      sgd.dispose();
      tf.dispose(variables);
      return [...weights, ...momentum];
    };
    const fused = await run('webgpu', true);
    const [stockGpu, stockCpu] = [await run('webgpu', false), await run('cpu', false)];
    fused.forEach((values, i) => {
      expect(relativeError(values, stockGpu[i])).toBeLessThan(TOLERANCE);
      expect(relativeError(values, stockCpu[i])).toBeLessThan(TOLERANCE);
    });
  });
});

/** x / max(‖x‖, 1e-12) along `axis`, composed as the stock ops would (F.normalize's semantics). */
function normalise(x: tf.Tensor2D, axis: number): tf.Tensor2D {
  return tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), axis, true), 1e-24)));
}

interface HeadCase {
  name: string;
  h: [number, number, number, number];
  classes: number;
  /** Target rows: one-hot, one-hot scaled by DRW's class weights (stock: crossEntropy with them), or mixed and weighted. */
  targets: 'one-hot' | 'drw' | 'mixed';
  bias: boolean;
  /** Logit offsets: random ones, or LDAM's −s·m_y on the target column. */
  offsets?: 'random' | 'ldam';
  cosine?: { scale: number };
  /** Sample 0's feature is zero (its pixels and the projection bias are): ‖f‖ < ε. */
  zeroFeature?: boolean;
  /** Class 1's classifier column is zero: ‖w_1‖ < ε. */
  zeroColumn?: boolean;
}

const HEAD_CASES: HeadCase[] = [
  { name: 'batch 1, 3 channels, 2×2 pixels', h: [1, 2, 2, 3], classes: 4, targets: 'one-hot', bias: true },
  { name: 'batch 5, 6 channels, 3×3 pixels, DRW class weights', h: [5, 3, 3, 6], classes: 4, targets: 'drw', bias: true },
  { name: 'batch 300 (more samples than a workgroup has threads), 4 channels', h: [300, 2, 2, 4], classes: 4, targets: 'one-hot', bias: true },
  { name: 'linear with logit offsets, 5 classes', h: [7, 2, 2, 5], classes: 5, targets: 'one-hot', bias: true, offsets: 'random' },
  { name: 'weighted mixed targets (0.3/0.7 rows, weights ≠ 1)', h: [6, 2, 3, 4], classes: 4, targets: 'mixed', bias: true },
  { name: 'linear without a classifier bias, mixed targets and offsets', h: [6, 2, 2, 3], classes: 3, targets: 'mixed', bias: false, offsets: 'random' },
  { name: 'cosine, scale 30', h: [5, 2, 2, 4], classes: 4, targets: 'one-hot', bias: false, cosine: { scale: 30 } },
  { name: 'cosine, scale 30, LDAM offsets and DRW weights', h: [300, 2, 2, 3], classes: 5, targets: 'drw', bias: false, offsets: 'ldam', cosine: { scale: 30 } },
  { name: 'cosine, mixed targets, a zero feature row', h: [4, 2, 2, 3], classes: 4, targets: 'mixed', bias: false, cosine: { scale: 30 }, zeroFeature: true },
  { name: 'cosine, a zero classifier column', h: [4, 2, 2, 3], classes: 4, targets: 'one-hot', bias: false, cosine: { scale: 30 }, zeroColumn: true },
];

const CLASS_WEIGHTS = [0.2, 0.5, 1.3, 2, 0.7];
const LDAM_MARGINS = [0.5, 0.3, 0.2, 0.1, 0.4];

/** Each case's values: the head's inputs and its targets and offsets, as host arrays. */
function headValues(c: HeadCase) {
  const [batch, height, width, channels] = c.h;
  const K = c.classes;
  const label = (n: number) => (n * 7 + 3) % K;
  const h = randomArray(sizeOf(c.h), 61, 0.5, 1);
  if (c.zeroFeature) h.fill(0, 0, height * width * channels);
  const classifierWeight = randomArray(2 * K, 64);
  if (c.zeroColumn) [0, 1].forEach((j) => (classifierWeight[j * K + 1] = 0));
  const oneHot = Float32Array.from({ length: batch * K }, (_, i) => (label(Math.floor(i / K)) === i % K ? 1 : 0));
  const targets = Float32Array.from(oneHot, (t, i) => {
    if (c.targets === 'one-hot') return t;
    if (c.targets === 'drw') return t * CLASS_WEIGHTS[i % K];
    // Mixed: 0.3 of the label, 0.7 of the next class, the row weighted 0.5, 1 or 1.7 in turn.
    const n = Math.floor(i / K);
    const weight = [0.5, 1, 1.7][n % 3];
    return weight * (i % K === label(n) ? 0.3 : i % K === (label(n) + 1) % K ? 0.7 : 0);
  });
  const offsets = c.offsets === 'ldam' ? Float32Array.from(oneHot, (t, i) => -(c.cosine?.scale ?? 1) * LDAM_MARGINS[i % K] * t) : randomArray(batch * K, 66, 0, 2);
  return {
    h,
    projectionWeight: randomArray(channels * 2, 62),
    projectionBias: c.zeroFeature ? new Float32Array(2) : randomArray(2, 63),
    classifierWeight,
    classifierBias: randomArray(K, 65),
    oneHot,
    targets,
    offsets,
  };
}

/**
 * The stock composition the fused head replaces: pooling, projection, linear or cosine classifier
 * (normalise, matMul, scale), offsets, −Σ T·logSoftmax / Σ T; DRW cases through crossEntropy.
 */
function stockHeadLoss(c: HeadCase, h: tf.Tensor4D, p: HeadParameters, tensors: { oneHot: tf.Tensor2D; targets: tf.Tensor2D; offsets?: tf.Tensor2D }): tf.Scalar {
  const features = tf.add(tf.matMul(tf.mean(h, [1, 2]) as tf.Tensor2D, p.projectionWeight), p.projectionBias) as tf.Tensor2D;
  let logits = c.cosine
    ? tf.mul(tf.matMul(normalise(features, 1), normalise(p.classifierWeight, 0)), c.cosine.scale)
    : tf.matMul(features, p.classifierWeight);
  if (p.classifierBias) logits = tf.add(logits, p.classifierBias);
  if (tensors.offsets) logits = tf.add(logits, tensors.offsets);
  if (c.targets === 'drw') return crossEntropy(logits as tf.Tensor2D, tensors.oneHot, tf.tensor1d(CLASS_WEIGHTS.slice(0, c.classes)));
  return tf.div(tf.neg(tf.sum(tf.mul(tensors.targets, tf.logSoftmax(logits)))), tf.sum(tensors.targets));
}

describe('fused head and loss (webgpu)', () => {
  for (const c of HEAD_CASES) {
    const gradients = ['dh', 'dWp', 'dbp', 'dWc', ...(c.bias ? ['dbc'] : [])];
    it(`loss and gradients of h and the head's parameters equal the stock composition (${c.name})`, async () => {
      const [batch, , , channels] = c.h;
      const K = c.classes;
      const values = headValues(c);
      const compute = (fused: boolean) => () => {
        const inputs = [
          tf.tensor4d(values.h, c.h),
          tf.tensor2d(values.projectionWeight, [channels, 2]),
          tf.tensor1d(values.projectionBias),
          tf.tensor2d(values.classifierWeight, [2, K]),
          ...(c.bias ? [tf.tensor1d(values.classifierBias)] : []),
        ];
        const tensors = {
          oneHot: tf.tensor2d(values.oneHot, [batch, K]),
          targets: tf.tensor2d(values.targets, [batch, K]),
          offsets: c.offsets ? tf.tensor2d(values.offsets, [batch, K]) : undefined,
        };
        const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => {
          const [h, projectionWeight, projectionBias, classifierWeight, classifierBias] = args as [tf.Tensor4D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D | undefined];
          const parameters: HeadParameters = { projectionWeight, projectionBias, classifierWeight, ...(classifierBias ? { classifierBias } : {}) };
          if (!fused) return stockHeadLoss(c, h, parameters, tensors);
          return gpuHeadLoss(h, parameters, tensors.targets, { logitOffsets: tensors.offsets, cosine: c.cosine });
        })(inputs);
        return [value, ...grads];
      };
      const fused = await on('webgpu', compute(true));
      const [stockGpu, stockCpu] = [await on('webgpu', compute(false)), await on('cpu', compute(false))];
      expect(fused).toHaveLength(1 + gradients.length);
      ['loss', ...gradients].forEach((name, i) => {
        expect(Number.isFinite(fused[i][0]), `${name} is finite`).toBe(true);
        expect(relativeError(fused[i], stockGpu[i]), `${name} vs stock on webgpu`).toBeLessThan(TOLERANCE);
        expect(relativeError(fused[i], stockCpu[i]), `${name} vs stock on cpu`).toBeLessThan(TOLERANCE);
      });
    });
  }

  it('reads inputs that tfjs ops made on webgpu (a cast of tf.oneHot, tf.mul, tf.reshape, tf.slice) as their host-uploaded values', async () => {
    const c: HeadCase = { name: 'ops', h: [16, 2, 2, 3], classes: 4, targets: 'one-hot', bias: true, offsets: 'random' };
    const [batch, , , channels] = c.h;
    const values = headValues(c);
    const labels = Array.from({ length: batch }, (_, n) => (n * 7 + 3) % 4);
    const integerBias = [1, -2, 0, 3];
    const run = (fromOps: boolean, targetsOf: (oneHot: tf.Tensor2D) => tf.Tensor2D) => () => {
      const oneHot = fromOps ? (tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 4), 'float32') as tf.Tensor2D) : tf.tensor2d(values.oneHot, [batch, 4]);
      if (fromOps) expect(webGpuInternals().tensorMap.get(oneHot.dataId).dtype, 'the cast is a view of int32 data').toBe('int32');
      const inputs = fromOps
        ? [
            tf.reshape(tf.tensor1d(values.h), c.h),
            tf.slice(tf.tensor2d([...values.projectionWeight, 9, 9], [channels + 1, 2]), [0, 0], [channels, 2]),
            tf.mul(tf.tensor1d(values.projectionBias), 1),
            tf.reshape(tf.tensor1d(values.classifierWeight), [2, 4]),
            tf.cast(tf.tensor1d(integerBias, 'int32'), 'float32'),
          ]
        : [tf.tensor4d(values.h, c.h), tf.tensor2d(values.projectionWeight, [channels, 2]), tf.tensor1d(values.projectionBias), tf.tensor2d(values.classifierWeight, [2, 4]), tf.tensor1d(integerBias)];
      const offsets = tf.tensor2d(values.offsets, [batch, 4]);
      const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => {
        const [h, projectionWeight, projectionBias, classifierWeight, classifierBias] = args as [tf.Tensor4D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
        return gpuHeadLoss(h, { projectionWeight, projectionBias, classifierWeight, classifierBias }, targetsOf(oneHot), { logitOffsets: offsets });
      })(inputs);
      return [value, ...grads];
    };
    const weights = (oneHot: tf.Tensor2D) => tf.mul(oneHot, tf.tensor1d(CLASS_WEIGHTS.slice(0, 4))) as tf.Tensor2D;
    for (const targetsOf of [(oneHot: tf.Tensor2D) => oneHot, weights]) {
      const fromOps = await on('webgpu', run(true, targetsOf));
      const uploaded = await on('webgpu', run(false, targetsOf));
      fromOps.forEach((v) => expect(Number.isFinite(v[0])).toBe(true));
      expect(fromOps).toEqual(uploaded);
    }
  });

  it('says when a batch is too large for it, or a tensor is not float32 or of the wrong shape', async () => {
    await tf.setBackend('webgpu');
    const h = tf.zeros([513, 1, 1, 2]) as tf.Tensor4D;
    const parameters = { projectionWeight: tf.zeros([2, 2]) as tf.Tensor2D, projectionBias: tf.zeros([2]) as tf.Tensor1D, classifierWeight: tf.zeros([2, 4]) as tf.Tensor2D, classifierBias: tf.zeros([4]) as tf.Tensor1D };
    expect(() => gpuHeadLoss(h, parameters, tf.zeros([513, 4]) as tf.Tensor2D)).toThrow(/at most 512 images per batch \(got 513\)/);
    const small = tf.zeros([2, 1, 1, 2]) as tf.Tensor4D;
    expect(() => gpuHeadLoss(small, parameters, tf.oneHot(tf.tensor1d([0, 1], 'int32'), 4) as tf.Tensor2D)).toThrow(/HeadLossForward: input 5 is a int32 tensor \[2,4\]; the engine's WebGPU kernels take float32/);
    expect(() => gpuHeadLoss(small, parameters, tf.zeros([2, 3]) as tf.Tensor2D)).toThrow(/targets is \[2,3\], not \[2,4\]/);
    expect(() => gpuHeadLoss(small, parameters, tf.zeros([2, 4]) as tf.Tensor2D, { cosine: { scale: 30 } })).toThrow(/cosine head has no classifier bias/);
    tf.dispose([h, small, ...Object.values(parameters)]);
  });
});

describe('inputs that tfjs ops made on webgpu (webgpu)', () => {
  it('batch norm reads a tf.cast view of int32 data, a reshape, a slice and a product as their values', async () => {
    const shape: [number, number, number, number] = [2, 4, 4, 3];
    const values = { x: randomArray(2 * 16 * 3, 71, 0.3, 2), beta: randomArray(4, 72), shortcut: randomArray(2 * 16 * 3, 73), mean: randomArray(3, 74), variance: randomArray(3, 75, 1.5, 0.2) };
    const gamma = [2, -1, 3];
    const compute = (fromOps: boolean) => () => {
      const running = { mean: tf.variable(tf.tensor1d(values.mean)), variance: tf.variable(tf.tensor1d(values.variance)), momentum: MOMENTUM };
      const x = fromOps ? tf.reshape(tf.tensor1d(values.x), shape) : tf.tensor4d(values.x, shape);
      const g = fromOps ? tf.cast(tf.tensor1d(gamma, 'int32'), 'float32') : tf.tensor1d(gamma);
      const beta = fromOps ? tf.slice(tf.tensor1d(values.beta), 1, 3) : tf.tensor1d(values.beta.slice(1));
      const shortcut = fromOps ? tf.mul(tf.tensor4d(values.shortcut, shape), 1) : tf.tensor4d(values.shortcut, shape);
      if (fromOps) expect(webGpuInternals().tensorMap.get(g.dataId).dtype).toBe('int32');
      return [gpuBatchNormInference(x as tf.Tensor4D, g as tf.Tensor1D, beta as tf.Tensor1D, running, { epsilon: EPSILON, relu: true, shortcut: { input: shortcut as tf.Tensor4D, subsample: false, channelOffset: 0 } })];
    };
    const [fromOps] = await on('webgpu', compute(true));
    const [uploaded] = await on('webgpu', compute(false));
    expect(Array.from(fromOps)).toEqual(Array.from(uploaded));
    const stock = await on('cpu', () => {
      const normalised = tf.batchNorm4d(tf.tensor4d(values.x, shape), tf.tensor1d(values.mean), tf.tensor1d(values.variance), tf.tensor1d(values.beta.slice(1)), tf.tensor1d(gamma), EPSILON);
      return [tf.relu(tf.add(normalised, tf.tensor4d(values.shortcut, shape)))];
    });
    expect(relativeError(fromOps, stock[0])).toBeLessThan(TOLERANCE);
  });

  it('flat SGD takes gradients that are tf.cast views of int32 data and refuses to write a variable that is one', async () => {
    await tf.setBackend('webgpu');
    const initial = [1.5, -2, 0.25];
    const run = async (integerGradient: boolean) => {
      const variable = tf.variable(tf.tensor1d(initial));
      const sgd = new FlatSgd([variable], 0.9, 2e-4);
      tf.tidy(() => sgd.apply([integerGradient ? tf.cast(tf.tensor1d([3, -1, 2], 'int32'), 'float32') : tf.tensor1d([3, -1, 2])], 0.1));
      const result = (await variable.data()) as Float32Array;
      sgd.dispose();
      variable.dispose();
      return Array.from(result);
    };
    const [fromOps, uploaded] = [await run(true), await run(false)];
    expect(fromOps).toEqual(uploaded);
    expect(fromOps[0]).toBeCloseTo(1.5 - 0.1 * (3 + 2e-4 * 1.5), 6);

    const view = tf.variable(tf.cast(tf.tensor1d([1, 2, 3], 'int32'), 'float32') as tf.Tensor1D);
    const sgd = new FlatSgd([view], 0.9, 0);
    expect(() => tf.tidy(() => sgd.apply([tf.ones([3])], 0.1))).toThrow(/copy: target \[3\] is float32 over a buffer of int32 data/);
    sgd.dispose();
    view.dispose();
  });
});
