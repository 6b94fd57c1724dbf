/**
 * Each fused WebGPU op against the stock tfjs composition it replaces, forward and every gradient,
 * computed with the stock ops both on webgpu and on the cpu backend (float32 rounding apart, the
 * three must agree). Odd sizes on purpose: batch 1, channel counts not divisible by 4, chunks that
 * do not divide the rows, more chunks than a combining workgroup has threads.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.ts';
import { crossEntropy } from '../losses.ts';
import { MomentumSgd } from '../sgd.ts';
import { gpuBatchNormInference, gpuBatchNormTraining, type BatchNormOptions } from './batchNorm.ts';
import { fusedConv3x3 } from '../fusedConv.ts';
import { gpuFilterGradient } from './filterGradient.ts';
import { FlatSgd } from './flatSgd.ts';
import { gpuHeadLoss } from './head.ts';
import { webGpuInternals } from './internals.ts';
import { relativeError } from '../../util/relativeError.ts';
import { deviceErrorsSoFar, useNodeWebGpu } from './testing.ts';

const TOLERANCE = 1e-5;
const EPSILON = 1e-5;
const MOMENTUM = 0.1;

beforeAll(useNodeWebGpu);
afterAll(() => expect(deviceErrorsSoFar()).toEqual([]));

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

describe('fused head and loss (webgpu)', () => {
  const cases = [
    { name: 'batch 1, 3 channels, 2×2 pixels', h: [1, 2, 2, 3] as [number, number, number, number], weighted: false },
    { name: 'batch 5, 6 channels, 3×3 pixels, DRW class weights', h: [5, 3, 3, 6] as [number, number, number, number], weighted: true },
    { name: 'batch 300 (more samples than a workgroup has threads), 4 channels', h: [300, 2, 2, 4] as [number, number, number, number], weighted: false },
  ];
  for (const c of cases) {
    it(`loss and gradients of h and the four parameters equal pooling, two matMuls and crossEntropy (${c.name})`, async () => {
      const [batch, , , channels] = c.h;
      const values = {
        h: randomArray(sizeOf(c.h), 61, 0.5, 1),
        projectionWeight: randomArray(channels * 2, 62),
        projectionBias: randomArray(2, 63),
        classifierWeight: randomArray(2 * 4, 64),
        classifierBias: randomArray(4, 65),
        classWeights: Float32Array.from([0.2, 0.5, 1.3, 2]),
      };
      const labels = Float32Array.from({ length: batch * 4 }, (_, i) => (Math.floor(i / 4) * 7 + 3) % 4 === i % 4 ? 1 : 0);
      const compute = (fused: boolean) => () => {
        const inputs = [
          tf.tensor4d(values.h, c.h),
          tf.tensor2d(values.projectionWeight, [channels, 2]),
          tf.tensor1d(values.projectionBias),
          tf.tensor2d(values.classifierWeight, [2, 4]),
          tf.tensor1d(values.classifierBias),
        ];
        const oneHot = tf.tensor2d(labels, [batch, 4]);
        const classWeights = c.weighted ? tf.tensor1d(values.classWeights) : undefined;
        const { value, grads } = tf.valueAndGrads((...args: tf.Tensor[]) => {
          const [h, projectionWeight, projectionBias, classifierWeight, classifierBias] = args as [tf.Tensor4D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
          if (fused) return gpuHeadLoss(h, { projectionWeight, projectionBias, classifierWeight, classifierBias }, oneHot, classWeights);
          const features = tf.add(tf.matMul(tf.mean(h, [1, 2]) as tf.Tensor2D, projectionWeight), projectionBias) as tf.Tensor2D;
          return crossEntropy(tf.add(tf.matMul(features, classifierWeight), classifierBias) as tf.Tensor2D, oneHot, classWeights);
        })(inputs);
        return [value, ...grads];
      };
      const fused = await on('webgpu', compute(true));
      const [stockGpu, stockCpu] = [await on('webgpu', compute(false)), await on('cpu', compute(false))];
      ['loss', 'dh', 'dWp', 'dbp', 'dWc', 'dbc'].forEach((name, i) => {
        expect(relativeError(fused[i], stockGpu[i]), `${name} vs stock on webgpu`).toBeLessThan(TOLERANCE);
        expect(relativeError(fused[i], stockCpu[i]), `${name} vs stock on cpu`).toBeLessThan(TOLERANCE);
      });
    });
  }

  it('says when a batch is too large for it', async () => {
    await tf.setBackend('webgpu');
    const h = tf.zeros([513, 1, 1, 2]) as tf.Tensor4D;
    const parameters = { projectionWeight: tf.zeros([2, 2]) as tf.Tensor2D, projectionBias: tf.zeros([2]) as tf.Tensor1D, classifierWeight: tf.zeros([2, 4]) as tf.Tensor2D, classifierBias: tf.zeros([4]) as tf.Tensor1D };
    expect(() => gpuHeadLoss(h, parameters, tf.zeros([513, 4]) as tf.Tensor2D)).toThrow(/at most 512 images per batch \(got 513\)/);
    tf.dispose([h, ...Object.values(parameters)]);
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
