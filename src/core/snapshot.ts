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

/** Each epoch's number, learning rate and speed with both runs mapped by `mapRun`: the epochs of the metrics and recording files. */
export function epochsWithRuns<R>(history: readonly EpochSnapshot[], mapRun: (run: RunSnapshot) => R) {
  return history.map((snapshot) => ({
    epoch: snapshot.epoch,
    learningRate: snapshot.learningRate,
    imagesPerSecond: snapshot.imagesPerSecond,
    runs: Object.fromEntries(METHODS.map((method) => [method, mapRun(snapshot.runs[method])])) as Record<Method, R>,
  }));
}

/** A number kept in a plain array or field: a double. */
const NUMBER_BYTES = 8;

/** Per-class numbers of a run: five per-class metrics, the classifier's 2-D weight and its bias. */
const NUMBERS_PER_CLASS = 8;

/**
 * The payload one epoch's snapshot keeps, in bytes (typed arrays at their length, other numbers
 * as doubles, object overhead aside), for `plotted` training points, `testImages` test images and
 * `classes` classes: what the page's history and the browser's storage grow by per epoch. E.g. the
 * Paper preset (2000 points, 4000 test images, 4 classes): 102,552 bytes, 20.5 MB for 200 epochs.
 */
export function snapshotPayloadBytes(plotted: number, testImages: number, classes: number): number {
  const labels = plotted + testImages;
  const perRun = (plotted + testImages) * 2 * Float32Array.BYTES_PER_ELEMENT + (1 + NUMBERS_PER_CLASS * classes) * NUMBER_BYTES;
  return labels + 3 * NUMBER_BYTES + METHODS.length * perRun;
}

/** The same payload counted from a snapshot itself. */
export function measureSnapshotBytes(snapshot: EpochSnapshot): number {
  const numbers = (values: readonly unknown[]): number => values.flat(2).length * NUMBER_BYTES;
  let bytes = snapshot.trainFeatureLabels.byteLength + snapshot.testLabels.byteLength + numbers([snapshot.epoch, snapshot.learningRate, snapshot.imagesPerSecond]);
  for (const run of Object.values(snapshot.runs)) {
    bytes += run.trainFeatures.byteLength + run.testFeatures.byteLength;
    bytes += numbers([run.trainLoss, run.trainAccuracy, run.testAccuracy, run.classificationRatio, run.featureGradientNorm, run.featureDeviation]);
    bytes += numbers([run.classifier.weight, run.classifier.bias]);
  }
  return bytes;
}
