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
 *   With featureDim 64 (Table 1's protocol) there is no projection: the classifier reads the pooled
 *   64w-d feature, as resnet_cifar's does.
 *
 * Convolutions have no bias (BN follows each). The projection keeps a bias, as a PyTorch
 * nn.Linear would; that is the design brief's "≈ 0.46 M" count (463,646 for ResNet-32, C = 4).
 * Init as resnet_cifar: kaiming_normal_ (fan_in, std = √(2/fan_in)) on conv and linear weights,
 * PyTorch's default uniform(±1/√fan_in) on linear biases, BN γ = 1, β = 0; drawn from a seeded Rng.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/rng.ts';
import { kernelsFor, type Kernels, type Shortcut } from './kernels/index.ts';
import { logitScale, type HeadKind, type MethodSpec } from '../core/methods.ts';
import { cosineLogits, targetCrossEntropy } from './losses.ts';
import { featureSize, hasProjection, stageChannels, variableSpecs, type ResNetSpec, type VariableSpec } from '../core/architecture.ts';

export { FEATURE_DIM, featureSize, parameterCount, variableSpecs, type ResNetSpec, type VariableSpec } from '../core/architecture.ts';

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
  /**
   * Called with the output z of every convolution group (1 = the stem, then one per residual block);
   * what it returns replaces z before the rest of the network runs (feature mixing, gradient capture).
   */
  afterGroup?: (group: number, z: tf.Tensor4D) => tf.Tensor4D;
}

/** The classifier on the 2-D feature: linear (W·f + b) or LDAM's cosine classifier (scale·cos, no bias). */
export interface HeadOptions {
  head: HeadKind;
  /** The factor on a cosine head's logits (LDAM's s); 1 for linear. */
  logitScale: number;
}

export const LINEAR_HEAD: HeadOptions = { head: 'linear', logitScale: 1 };

/** Whether SGD updates a variable (and keeps its momentum): every trainable one but a cosine head's unused bias. */
export function isLearned(variable: VariableSpec, head: HeadKind): boolean {
  return variable.trainable && !(head === 'cosine' && variable.name === 'classifier/bias');
}

/** The head a method trains. */
export function headOptionsFor(spec: MethodSpec): HeadOptions {
  return { head: spec.head, logitScale: logitScale(spec) };
}

/**
 * A cosine head's start from shared initial values (`variableSpecs` order): each class's weight
 * column normalised to unit length (LDAM's NormedLinear is scale-free in w_c, so this keeps the shared
 * initial directions), the unused bias 0.
 */
export function cosineHeadValues(spec: ResNetSpec, values: readonly Float32Array[]): Float32Array[] {
  const names = variableSpecs(spec).map((v) => v.name);
  const C = spec.numClasses;
  const D = featureSize(spec);
  return values.map((array, i) => {
    if (names[i] === 'classifier/bias') return new Float32Array(array.length);
    if (names[i] !== 'classifier/weight') return array;
    const out = Float32Array.from(array);
    for (let c = 0; c < C; c++) {
      let norm = 0;
      for (let d = 0; d < D; d++) norm += array[d * C + c] ** 2;
      const scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
      for (let d = 0; d < D; d++) out[d * C + c] = array[d * C + c] * scale;
    }
    return out;
  });
}

export interface ForwardResult {
  /** The feature the classifier reads: the 2-D f(x), [B, 2], or without the projection the pooled one, [B, 64w]. */
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
      const fanIn = name.startsWith('projection') ? variableSpecs(spec).find((v) => v.name === 'projection/weight')!.shape[0] : featureSize(spec);
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

/** What follows a batch norm in the network: the block's shortcut (added) and a ReLU. */
interface AfterBatchNorm {
  relu: boolean;
  /** The block input, added as is or (when the block changes shape) through the option-A shortcut. */
  shortcut?: tf.Tensor4D;
}

/** relu?(BN(x) + shortcut), as `kernels` compute it (one op on webgpu and wasm). */
function batchNormUnit(x: tf.Tensor4D, bn: BatchNormVars, training: boolean, after: AfterBatchNorm, kernels: Kernels): tf.Tensor4D {
  const input = after.shortcut;
  const subsample = input !== undefined && (input.shape[1] !== x.shape[1] || input.shape[3] !== x.shape[3]);
  const shortcut: Shortcut | undefined = input && { input, subsample, channelOffset: subsample ? Math.floor((x.shape[3] - input.shape[3]) / 2) : 0 };
  const running = { mean: bn.runningMean, variance: bn.runningVar, momentum: BN_MOMENTUM };
  return kernels.batchNormUnit(x, bn.gamma as tf.Tensor1D, bn.beta as tf.Tensor1D, running, { epsilon: BN_EPSILON, relu: after.relu, shortcut }, training);
}

export class ResNet {
  readonly spec: ResNetSpec;
  /** In `variableSpecs` order. */
  readonly variables: tf.Variable[];
  /** The learned subset, in the same order (what SGD updates and what gets momentum buffers); a cosine head has no bias to learn. */
  readonly trainable: tf.Variable[];
  /** Number of convolution groups: the stem plus one per residual block. */
  readonly groups: number;
  private readonly stem: { conv: tf.Variable; bn: BatchNormVars };
  private readonly blocks: BasicBlock[];
  /** Null without the projection (featureDim 64). */
  private readonly projection: { weight: tf.Variable; bias: tf.Variable } | null;
  private readonly classifier: { weight: tf.Variable; bias: tf.Variable };

  /** Builds a network whose variables hold `values` (from `initialValues` or a saved state). */
  constructor(
    spec: ResNetSpec,
    values: ArrayLike<number>[],
    /** How it computes (kernels/index.ts); the same numbers within float32 rounding either way. */
    readonly kernels: Kernels = kernelsFor(tf.getBackend(), true),
    readonly headOptions: HeadOptions = LINEAR_HEAD,
  ) {
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
    this.trainable = this.variables.filter((_, i) => isLearned(specs[i], headOptions.head));
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
    this.projection = hasProjection(spec) ? { weight: get('projection/weight'), bias: get('projection/bias') } : null;
    this.classifier = { weight: get('classifier/weight'), bias: get('classifier/bias') };
    this.groups = 1 + this.blocks.length;
  }

  static create(spec: ResNetSpec, rng: Rng, kernels?: Kernels): ResNet {
    return new ResNet(spec, initialValues(spec, rng), kernels);
  }

  /** x: normalised images [B, 32, 32, 3]. Call inside tf.tidy (or a gradient function). */
  forward(x: tf.Tensor4D, options: ForwardOptions): ForwardResult {
    const pooled = tf.mean(this.trunk(x, options), [1, 2]) as tf.Tensor2D;
    const { projection } = this;
    const features = projection ? (tf.add(tf.matMul(pooled, projection.weight as tf.Tensor2D), projection.bias) as tf.Tensor2D) : pooled;
    const logits = this.logits(features);
    return { features, logits };
  }

  /**
   * The training loss of a batch: cross-entropy against the target matrix [B, C] (class weights and
   * mixed labels folded in), after per-sample logit offsets [B, C] when given (losses.ts); one op
   * where the kernels have it (webgpu). Call inside a gradient function.
   */
  trainingLoss(x: tf.Tensor4D, options: ForwardOptions, targets: tf.Tensor2D, logitOffsets?: tf.Tensor2D): tf.Scalar {
    const { headLoss } = this.kernels;
    const { projection } = this;
    // The fused head is written for the projection to 2-D; the 64-d network composes its head.
    if (!headLoss || !projection) return targetCrossEntropy(this.forward(x, options).logits, targets, logitOffsets);
    const cosine = this.headOptions.head === 'cosine';
    const parameters = {
      projectionWeight: projection.weight as tf.Tensor2D,
      projectionBias: projection.bias as tf.Tensor1D,
      classifierWeight: this.classifier.weight as tf.Tensor2D,
      classifierBias: cosine ? undefined : (this.classifier.bias as tf.Tensor1D),
    };
    return headLoss(this.trunk(x, options), parameters, targets, { logitOffsets, cosine: cosine ? { scale: this.headOptions.logitScale } : undefined });
  }

  /** The convolutional part: stem and residual blocks (with the mixing point's replacement), [B, H, W, C]. */
  private trunk(x: tf.Tensor4D, options: ForwardOptions): tf.Tensor4D {
    const { training, afterGroup = (_group: number, z: tf.Tensor4D) => z } = options;
    const { kernels } = this;
    let h = afterGroup(1, batchNormUnit(kernels.conv3x3(x, this.stem.conv as tf.Tensor4D, 1), this.stem.bn, training, { relu: true }, kernels));
    this.blocks.forEach((block, i) => {
      h = afterGroup(i + 2, this.basicBlock(h, block, training));
    });
    return h;
  }

  /** The classifier on the feature (linear, or cosine without bias). */
  logits(features: tf.Tensor2D): tf.Tensor2D {
    const weight = this.classifier.weight as tf.Tensor2D;
    if (this.headOptions.head === 'cosine') return cosineLogits(features, weight, this.headOptions.logitScale);
    return tf.add(tf.matMul(features, weight), this.classifier.bias) as tf.Tensor2D;
  }

  /** Classifier weight [D, C] (D = 2, or 64w without the projection) and bias [C] (the decision regions in the views, for D = 2). */
  classifierVariables(): { weight: tf.Variable; bias: tf.Variable } {
    return this.classifier;
  }

  private basicBlock(x: tf.Tensor4D, block: BasicBlock, training: boolean): tf.Tensor4D {
    const { kernels } = this;
    const out = batchNormUnit(kernels.conv3x3(x, block.conv1 as tf.Tensor4D, block.stride), block.bn1, training, { relu: true }, kernels);
    return batchNormUnit(kernels.conv3x3(out, block.conv2 as tf.Tensor4D, 1), block.bn2, training, { relu: true, shortcut: x }, kernels);
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}
