/**
 * CIFAR ResNet (He et al.; LDAM-DRW's resnet_cifar.py) written functionally with explicit
 * tf.Variables, because MFW cuts the network at an intermediate feature z = g(x) and the metrics
 * need the gradient with respect to that feature.
 *
 *   stem: 3×3 conv 3→16w, BN, ReLU                     (convolution group 1)
 *   stage s = 1..3: n BasicBlocks of 16w·2^(s−1) channels (groups 2 … 3n+1);
 *     stride 2 entering stages 2 and 3, option-A shortcuts (subsample by 2, zero-pad channels)
 *   global average pool → 64w-d → linear projection to the plotted 2-D feature f(x) (with bias)
 *   → linear classifier 2→C (with bias).
 *
 * Convolutions have no bias (BN follows each). The projection keeps a bias, as a PyTorch
 * nn.Linear would; that is the design brief's "≈ 0.46 M" count (463,646 for ResNet-32, C = 4).
 * Init as resnet_cifar: kaiming_normal_ (fan_in, std = √(2/fan_in)) on conv and linear weights,
 * PyTorch's default uniform(±1/√fan_in) on linear biases, BN γ = 1, β = 0; drawn from a seeded Rng.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/rng.ts';
import { conv3x3 } from './conv.ts';
import { FEATURE_DIM, stageChannels, variableSpecs, type ResNetSpec } from './architecture.ts';

export { FEATURE_DIM, parameterCount, variableSpecs, type ResNetSpec, type VariableSpec } from './architecture.ts';

export const BN_EPSILON = 1e-5;
/** PyTorch sense: running = (1 − momentum)·running + momentum·batch. */
export const BN_MOMENTUM = 0.1;

interface BatchNormVars {
  gamma: tf.Variable;
  beta: tf.Variable;
  runningMean: tf.Variable;
  runningVar: tf.Variable;
}

interface BasicBlock {
  conv1: tf.Variable;
  bn1: BatchNormVars;
  conv2: tf.Variable;
  bn2: BatchNormVars;
  stride: number;
  inChannels: number;
  outChannels: number;
}

export interface ForwardOptions {
  /** Training mode: BN uses batch statistics and updates its running statistics. */
  training: boolean;
  /** Number of convolution groups in g_θ; `atMixingPoint` is applied to their output z. */
  mixingPoint?: number;
  /** Replaces z = g(x) before the rest of the network h_θ runs (MFW mixing, gradient capture). */
  atMixingPoint?: (z: tf.Tensor4D) => tf.Tensor4D;
}

export interface ForwardResult {
  /** The 2-D feature f(x), [B, 2]. */
  features: tf.Tensor2D;
  /** Classifier logits, [B, C]. */
  logits: tf.Tensor2D;
}

/** Initial values drawn from `rng` in the order of `variableSpecs`. */
export function initialValues(spec: ResNetSpec, rng: Rng): Float32Array[] {
  return variableSpecs(spec).map(({ name, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    const kind = name.slice(name.lastIndexOf('/') + 1);
    if (kind === 'gamma' || kind === 'running_var') values.fill(1);
    else if (kind === 'beta' || kind === 'running_mean') values.fill(0);
    else if (kind === 'bias') {
      // PyTorch nn.Linear: uniform(−1/√fan_in, 1/√fan_in), fan_in = the layer's input size.
      const fanIn = name.startsWith('projection') ? variableSpecs(spec).find((v) => v.name === 'projection/weight')!.shape[0] : FEATURE_DIM;
      const bound = 1 / Math.sqrt(fanIn);
      for (let i = 0; i < size; i++) values[i] = (2 * rng.next() - 1) * bound;
    } else {
      // Kaiming normal, fan_in: every dimension but the last (output) one of a tfjs filter/matrix.
      const fanIn = size / shape[shape.length - 1];
      const std = Math.sqrt(2 / fanIn);
      for (let i = 0; i < size; i++) values[i] = rng.normal() * std;
    }
    return values;
  });
}

function batchNorm(x: tf.Tensor4D, bn: BatchNormVars, training: boolean): tf.Tensor4D {
  if (!training) return tf.batchNorm4d(x, bn.runningMean as tf.Tensor1D, bn.runningVar as tf.Tensor1D, bn.beta as tf.Tensor1D, bn.gamma as tf.Tensor1D, BN_EPSILON);
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  // Running statistics use the unbiased variance, as PyTorch does. Assigning here, inside the
  // taped step, is safe: the running values are not read in training mode.
  const m = x.shape[0] * x.shape[1] * x.shape[2];
  const unbiased = m > 1 ? tf.mul(variance, m / (m - 1)) : variance;
  bn.runningMean.assign(tf.add(tf.mul(bn.runningMean, 1 - BN_MOMENTUM), tf.mul(mean, BN_MOMENTUM)));
  bn.runningVar.assign(tf.add(tf.mul(bn.runningVar, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
  return tf.batchNorm4d(x, mean as tf.Tensor1D, variance as tf.Tensor1D, bn.beta as tf.Tensor1D, bn.gamma as tf.Tensor1D, BN_EPSILON);
}

/**
 * Option-A shortcut: keep every second pixel and zero-pad the new channels on both sides.
 * tfjs has no gradient for StridedSlice, so the subsampling is a 1×1 average pool of stride 2.
 */
function shortcutA(x: tf.Tensor4D, outChannels: number): tf.Tensor4D {
  const sub = tf.avgPool(x, 1, 2, 'valid');
  const extra = outChannels - x.shape[3];
  return tf.pad(sub, [[0, 0], [0, 0], [0, 0], [Math.floor(extra / 2), extra - Math.floor(extra / 2)]]);
}

export class ResNet {
  readonly spec: ResNetSpec;
  /** In `variableSpecs` order. */
  readonly variables: tf.Variable[];
  /** The learned subset, in the same order (what SGD updates and what gets momentum buffers). */
  readonly trainable: tf.Variable[];
  /** Number of convolution groups: the stem plus one per residual block. */
  readonly groups: number;
  private readonly stem: { conv: tf.Variable; bn: BatchNormVars };
  private readonly blocks: BasicBlock[];
  private readonly projection: { weight: tf.Variable; bias: tf.Variable };
  private readonly classifier: { weight: tf.Variable; bias: tf.Variable };

  /** Builds a network whose variables hold `values` (from `initialValues` or a saved state). */
  constructor(spec: ResNetSpec, values: ArrayLike<number>[]) {
    this.spec = spec;
    const specs = variableSpecs(spec);
    if (values.length !== specs.length) throw new Error(`ResNet: expected ${specs.length} variables, got ${values.length}.`);
    const byName = new Map<string, tf.Variable>();
    this.variables = specs.map((v, i) => {
      const size = v.shape.reduce((a, b) => a * b, 1);
      if (values[i].length !== size) throw new Error(`ResNet: ${v.name} needs ${size} values, got ${values[i].length}.`);
      // tidy releases the temporary tensor; the variable keeps its own reference to the data.
      const variable = tf.tidy(() => tf.variable(tf.tensor(Float32Array.from(values[i]), v.shape, 'float32'), v.trainable));
      byName.set(v.name, variable);
      return variable;
    });
    this.trainable = this.variables.filter((_, i) => specs[i].trainable);
    const get = (name: string) => byName.get(name)!;
    const bn = (name: string): BatchNormVars => ({
      gamma: get(`${name}/gamma`),
      beta: get(`${name}/beta`),
      runningMean: get(`${name}/running_mean`),
      runningVar: get(`${name}/running_var`),
    });
    this.stem = { conv: get('stem/conv'), bn: bn('stem/bn') };
    this.blocks = [];
    const channels = stageChannels(spec.width);
    let inC = channels[0];
    channels.forEach((outC, stage) => {
      for (let b = 0; b < spec.blocksPerStage; b++) {
        const prefix = `stage${stage + 1}/block${b + 1}`;
        this.blocks.push({
          conv1: get(`${prefix}/conv1`),
          bn1: bn(`${prefix}/bn1`),
          conv2: get(`${prefix}/conv2`),
          bn2: bn(`${prefix}/bn2`),
          stride: stage > 0 && b === 0 ? 2 : 1,
          inChannels: inC,
          outChannels: outC,
        });
        inC = outC;
      }
    });
    this.projection = { weight: get('projection/weight'), bias: get('projection/bias') };
    this.classifier = { weight: get('classifier/weight'), bias: get('classifier/bias') };
    this.groups = 1 + this.blocks.length;
  }

  static create(spec: ResNetSpec, rng: Rng): ResNet {
    return new ResNet(spec, initialValues(spec, rng));
  }

  /** x: normalised images [B, 32, 32, 3]. Call inside tf.tidy (or a gradient function). */
  forward(x: tf.Tensor4D, options: ForwardOptions): ForwardResult {
    const { training, mixingPoint = 0, atMixingPoint } = options;
    if (atMixingPoint && (mixingPoint < 1 || mixingPoint > this.groups)) {
      throw new Error(`Mixing point must be between 1 and ${this.groups} (got ${mixingPoint}).`);
    }
    let h = tf.relu(batchNorm(conv3x3(x, this.stem.conv as tf.Tensor4D, 1), this.stem.bn, training));
    if (atMixingPoint && mixingPoint === 1) h = atMixingPoint(h);
    this.blocks.forEach((block, i) => {
      h = this.basicBlock(h, block, training);
      if (atMixingPoint && mixingPoint === i + 2) h = atMixingPoint(h);
    });
    const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
    const features = tf.add(tf.matMul(pooled, this.projection.weight as tf.Tensor2D), this.projection.bias) as tf.Tensor2D;
    const logits = this.logits(features);
    return { features, logits };
  }

  /** The linear classifier on the 2-D feature. */
  logits(features: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(features, this.classifier.weight as tf.Tensor2D), this.classifier.bias) as tf.Tensor2D;
  }

  /** Classifier weight [2, C] and bias [C] (for the decision regions in the views). */
  classifierVariables(): { weight: tf.Variable; bias: tf.Variable } {
    return this.classifier;
  }

  private basicBlock(x: tf.Tensor4D, block: BasicBlock, training: boolean): tf.Tensor4D {
    let out = tf.relu(batchNorm(conv3x3(x, block.conv1 as tf.Tensor4D, block.stride), block.bn1, training));
    out = batchNorm(conv3x3(out, block.conv2 as tf.Tensor4D, 1), block.bn2, training);
    const shortcut = block.stride !== 1 || block.inChannels !== block.outChannels ? shortcutA(x, block.outChannels) : x;
    return tf.relu(tf.add(out, shortcut)) as tf.Tensor4D;
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
