/**
 * What the engine reports once per epoch: plain numbers and typed arrays only (no tensors), so it
 * crosses the worker boundary and the views can import it without tfjs.
 */
export type Method = 'erm' | 'mfw';
export const METHODS: readonly Method[] = ['erm', 'mfw'];

export interface RunSnapshot {
  /** Mean training loss over the epoch's steps (with augmentation and, for MFW, mixing). */
  trainLoss: number;
  /** Per-class accuracy on the training subset, evaluation mode (no augmentation, no mixing, running BN stats). */
  trainAccuracy: number[];
  /** Per-class accuracy on the balanced test set, evaluation mode. */
  testAccuracy: number[];
  /** Per class: training images predicted as c ÷ training images truly of c (paper Fig. 1b). */
  classificationRatio: number[];
  /** Per class: mean over the epoch's training samples of ‖∇_{g(x)} ℓ‖₂ at the mixing point (paper Fig. 4). */
  featureGradientNorm: number[];
  /** Per class: dis(c) of §5.4 between ℓ2-normalised training and test features. */
  featureDeviation: number[];
  /** 2-D features f(x) of the plotted training subsample, interleaved x0, y0, x1, y1, … */
  trainFeatures: Float32Array;
  /** 2-D features of every test image, interleaved. */
  testFeatures: Float32Array;
  /** Linear classifier on the 2-D feature: logits_c = weight[c]·f + bias[c]. */
  classifier: { weight: [number, number][]; bias: number[] };
}

export interface EpochSnapshot {
  /** 1-based number of completed epochs. */
  epoch: number;
  learningRate: number;
  /** Training images per second over this epoch (both runs together count once per image). */
  imagesPerSecond: number;
  /** Labels (chosen-class indices) of the plotted training subsample; same for both runs. */
  trainFeatureLabels: Uint8Array;
  /** Labels of the test images, in the order of `testFeatures`. */
  testLabels: Uint8Array;
  runs: Record<Method, RunSnapshot>;
}
