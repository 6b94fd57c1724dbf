/**
 * The CIFAR ResNet's architecture as plain data: its channels, the name, shape and order of every
 * variable (the order of init, save, restore and the weights files), and its arithmetic per image.
 * Imports no tfjs, so the page can check a weights file and estimate a run's cost.
 */

/** The plotted feature f(x) is 2-D. */
export const FEATURE_DIM = 2;

/**
 * The feature the classifier reads (ExperimentConfig.featureDim): 2, the pooled feature projected to
 * the plotted 2-D f(x); 64, the pooled feature itself without the projection (64·width dimensions).
 */
export type FeatureDim = 2 | 64;

export interface ResNetSpec {
  blocksPerStage: number;
  width: number;
  numClasses: number;
  /** Absent: 2, the projection to the plotted 2-D feature. */
  featureDim?: FeatureDim;
}

/** Whether the network projects its pooled feature to the plotted 2-D feature. */
export function hasProjection(spec: ResNetSpec): boolean {
  return (spec.featureDim ?? FEATURE_DIM) === FEATURE_DIM;
}

/** Dimensions of the feature the classifier reads: 2, or the last stage's channels (64 at width 1) without the projection. */
export function featureSize(spec: ResNetSpec): number {
  return hasProjection(spec) ? FEATURE_DIM : stageChannels(spec.width)[2];
}

/** One parameter or buffer as it is saved and exported: a stable name and its shape. */
export interface VariableSpec {
  name: string;
  shape: number[];
  /** Learned by SGD (false for BN running statistics). */
  trainable: boolean;
}

/** Channels of the three stages: 16/32/64 times the width multiplier. */
export function stageChannels(width: number): [number, number, number] {
  return [Math.round(16 * width), Math.round(32 * width), Math.round(64 * width)];
}

/** Multiply-accumulates of one forward pass of one 32×32 image through the 3×3 convolutions (the head is negligible). */
export function forwardMacsPerImage(blocksPerStage: number, width: number): number {
  const channels = stageChannels(width);
  let macs = 32 * 32 * 9 * 3 * channels[0];
  let inChannels = channels[0];
  channels.forEach((outChannels, stage) => {
    const pixels = (32 >> stage) ** 2;
    for (let block = 0; block < blocksPerStage; block++) {
      macs += pixels * 9 * inChannels * outChannels + pixels * 9 * outChannels * outChannels;
      inChannels = outChannels;
    }
  });
  return macs;
}

/**
 * Names and shapes of every variable, in the fixed order used by init, save, restore and export. The
 * 64-d network has no projection: its classifier is [64·width, C] on the pooled feature.
 */
export function variableSpecs(spec: ResNetSpec): VariableSpec[] {
  const specs: VariableSpec[] = [];
  const conv = (name: string, inC: number, outC: number) => specs.push({ name, shape: [3, 3, inC, outC], trainable: true });
  const bn = (name: string, c: number) => {
    specs.push({ name: `${name}/gamma`, shape: [c], trainable: true });
    specs.push({ name: `${name}/beta`, shape: [c], trainable: true });
    specs.push({ name: `${name}/running_mean`, shape: [c], trainable: false });
    specs.push({ name: `${name}/running_var`, shape: [c], trainable: false });
  };
  const channels = stageChannels(spec.width);
  conv('stem/conv', 3, channels[0]);
  bn('stem/bn', channels[0]);
  let inC = channels[0];
  channels.forEach((outC, stage) => {
    for (let b = 0; b < spec.blocksPerStage; b++) {
      const prefix = `stage${stage + 1}/block${b + 1}`;
      conv(`${prefix}/conv1`, inC, outC);
      bn(`${prefix}/bn1`, outC);
      conv(`${prefix}/conv2`, outC, outC);
      bn(`${prefix}/bn2`, outC);
      inC = outC;
    }
  });
  if (hasProjection(spec)) {
    specs.push({ name: 'projection/weight', shape: [inC, FEATURE_DIM], trainable: true });
    specs.push({ name: 'projection/bias', shape: [FEATURE_DIM], trainable: true });
  }
  specs.push({ name: 'classifier/weight', shape: [featureSize(spec), spec.numClasses], trainable: true });
  specs.push({ name: 'classifier/bias', shape: [spec.numClasses], trainable: true });
  return specs;
}

/** Learned parameters (BN γ/β included, running statistics excluded). */
export function parameterCount(spec: ResNetSpec): number {
  return variableSpecs(spec)
    .filter((v) => v.trainable)
    .reduce((sum, v) => sum + v.shape.reduce((a, b) => a * b, 1), 0);
}
