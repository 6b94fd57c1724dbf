/**
 * What the engine reports once per epoch: plain numbers and typed arrays only (no tensors), so it
 * crosses the worker boundary and the views can import it without tfjs.
 */

/** One lane's report. Lanes are keyed by their id (core/methods.ts), e.g. `erm`, `la:tau=1.5`. */
export interface RunSnapshot {
  /**
   * Mean training loss over the epoch's steps, as the lane's method defines it (mixing, weights,
   * margins and offsets included): not comparable across methods; `cleanTrainLoss` is.
   */
  trainLoss: number;
  /** Cross-entropy of the network's logits on the training subset in evaluation mode (no augmentation, mixing, weights, margins or offsets). */
  cleanTrainLoss: number;
  /** Per-class accuracy on the training subset, evaluation mode (no augmentation, no mixing, running BN stats). */
  trainAccuracy: number[];
  /** Per-class accuracy on the balanced test set, evaluation mode. */
  testAccuracy: number[];
  /** Per class: training images predicted as c ÷ training images truly of c (paper Fig. 1b). */
  classificationRatio: number[];
  /** Per class: mean over the epoch's training samples of ‖∇_{g(x)} ℓ‖₂ at the mixing point (paper Fig. 4). */
  featureGradientNorm: number[];
  /**
   * Mean feature-gradient norm of the minor classes ÷ that of the major classes (Fig. 4's point, and
   * comparable across methods, whose raw norms differ in scale); NaN when not measured.
   */
  gradientNormRatio: number;
  /** Per class: dis(c) of §5.4 between ℓ2-normalised training and test features (2-D, or all 64 dimensions). */
  featureDeviation: number[];
  /**
   * 2-D features f(x) of the plotted training subsample, interleaved x0, y0, x1, y1, … Empty for the
   * 64-d feature (featureDim 64, command line only): nothing to plot, and the file stays small.
   */
  trainFeatures: Float32Array;
  /** 2-D features of every test image, interleaved; empty for the 64-d feature. */
  testFeatures: Float32Array;
  /**
   * Linear classifier on the 2-D feature whose arg max is the lane's prediction: logits_c =
   * weight[c]·f + bias[c]. A cosine head (LDAM) is given as its unit-length class weights and bias 0,
   * which predicts as it does (the regions become sectors from the origin). Empty (no weight, no
   * bias) for the 64-d feature, which has no plane to draw regions in; its norms are below.
   */
  classifier: { weight: [number, number][]; bias: number[] };
  /** Per class, ‖w_c‖ of the classifier as trained (before a cosine head's normalisation), whatever the feature's dimension. */
  classifierWeightNorm: number[];
  /** Per class, the loss weight in force at the epoch's end (all 1 without re-weighting). */
  classWeights: number[];
  /** Remix: the fraction of the epoch's samples whose label went wholly to one side (λ_y ∈ {0, 1}); null for other methods. */
  relabelledFraction: number | null;
  /** Mixing methods: per class, the mean share of the partner in the mixed input or feature (MFW's λ_n, mixup's 1 − λ); null without mixing. */
  meanPartnerShare: number[] | null;
}

export interface EpochSnapshot {
  /** 1-based number of completed epochs. */
  epoch: number;
  learningRate: number;
  /** Training images per second over this epoch (both runs together count once per image). */
  imagesPerSecond: number;
  /** Labels (chosen-class indices) of the plotted training subsample; same for every lane. */
  trainFeatureLabels: Uint8Array;
  /** Labels of the test images, in the order of `testFeatures`. */
  testLabels: Uint8Array;
  /** Every lane's report by lane id, in the configuration's lane order. */
  runs: Record<string, RunSnapshot>;
}

/** The lane ids of a snapshot, in lane order. */
export function laneIdsOf(snapshot: EpochSnapshot): string[] {
  return Object.keys(snapshot.runs);
}

/** Each epoch's number, learning rate and speed with every lane mapped by `mapRun`: the epochs of the metrics and recording files. */
export function epochsWithRuns<R>(history: readonly EpochSnapshot[], mapRun: (run: RunSnapshot) => R) {
  return history.map((snapshot) => ({
    epoch: snapshot.epoch,
    learningRate: snapshot.learningRate,
    imagesPerSecond: snapshot.imagesPerSecond,
    runs: Object.fromEntries(Object.entries(snapshot.runs).map(([lane, run]) => [lane, mapRun(run)])),
  }));
}

/** A number kept in a plain array or field: a double. */
const NUMBER_BYTES = 8;

/** Per-class numbers of a run: five per-class metrics, the classifier's 2-D weight and bias, its weight norm, the class weights and the mean partner share. */
const NUMBERS_PER_CLASS = 11;
/** Numbers per run besides the per-class ones: the two losses, the gradient ratio, the relabelled fraction. */
const NUMBERS_PER_RUN = 4;

/**
 * The payload one epoch's snapshot keeps, in bytes (typed arrays at their length, other numbers
 * as doubles, object overhead aside), for `plotted` training points, `testImages` test images,
 * `classes` classes and `lanes` lanes: what the page's history and the browser's storage grow by per
 * epoch. E.g. the Paper preset (2000 points, 4000 test images, 4 classes, 2 lanes): 102,792 bytes,
 * 20.6 MB for 200 epochs.
 */
export function snapshotPayloadBytes(plotted: number, testImages: number, classes: number, lanes: number): number {
  const labels = plotted + testImages;
  const perRun = (plotted + testImages) * 2 * Float32Array.BYTES_PER_ELEMENT + (NUMBERS_PER_RUN + NUMBERS_PER_CLASS * classes) * NUMBER_BYTES;
  return labels + 3 * NUMBER_BYTES + lanes * perRun;
}

/** The same payload counted from a snapshot itself. */
export function measureSnapshotBytes(snapshot: EpochSnapshot): number {
  const numbers = (values: readonly unknown[]): number => values.flat(2).length * NUMBER_BYTES;
  let bytes = snapshot.trainFeatureLabels.byteLength + snapshot.testLabels.byteLength + numbers([snapshot.epoch, snapshot.learningRate, snapshot.imagesPerSecond]);
  for (const run of Object.values(snapshot.runs)) {
    bytes += run.trainFeatures.byteLength + run.testFeatures.byteLength;
    bytes += numbers([run.trainLoss, run.cleanTrainLoss, run.gradientNormRatio, run.relabelledFraction, run.trainAccuracy, run.testAccuracy, run.classificationRatio, run.featureGradientNorm, run.featureDeviation]);
    bytes += numbers([run.classifier.weight, run.classifier.bias, run.classifierWeightNorm, run.classWeights, run.meanPartnerShare ?? run.classWeights.map(() => 0)]);
  }
  return bytes;
}
