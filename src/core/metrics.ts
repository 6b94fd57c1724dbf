/**
 * Per-epoch measurements computed on the CPU from read-back features: the plotted 2-D features (2
 * floats per image, so one read-back per epoch is cheap), or the 64-d feature of Table 1's protocol
 * (the command line only), for which every function takes the feature's dimension from the
 * classifier's rows or its `dim` argument. No tfjs here.
 */
import type { Rng } from '../util/rng.ts';
import { FEATURE_DIM } from './architecture.ts';

export interface LinearClassifier {
  /** weight[c] = [w_c0, w_c1]: logits_c = weight[c]·f + bias[c]. */
  weight: [number, number][];
  bias: number[];
}

/** A linear classifier on a feature of any dimension D: weight[c] has D entries. */
export interface DenseClassifier {
  weight: number[][];
  bias: number[];
}

/** Either: what the measurements below read. */
export type AnyClassifier = { readonly weight: readonly (readonly number[])[]; readonly bias: readonly number[] };

/** The feature dimension of a classifier (2 when it has no class). */
function dimOf(classifier: AnyClassifier): number {
  return classifier.weight[0]?.length ?? FEATURE_DIM;
}

/** Classifier from the flat tfjs weight [2, C] (row-major) and bias [C]. */
export function classifierFromFlat(weight: ArrayLike<number>, bias: ArrayLike<number>, numClasses: number): LinearClassifier {
  return {
    weight: Array.from({ length: numClasses }, (_, c) => [weight[c], weight[numClasses + c]] as [number, number]),
    bias: Array.from(bias),
  };
}

/** Classifier from the flat tfjs weight [D, C] (row-major) and bias [C], for a feature of any dimension D. */
export function denseClassifierFromFlat(weight: ArrayLike<number>, bias: ArrayLike<number>, numClasses: number, dim: number): DenseClassifier {
  return {
    weight: Array.from({ length: numClasses }, (_, c) => Array.from({ length: dim }, (_, d) => weight[d * numClasses + c])),
    bias: Array.from(bias),
  };
}

/** Arg-max class of each feature (interleaved: D values per image, D the classifier's). */
export function predict(features: Float32Array, classifier: AnyClassifier): Uint8Array {
  const D = dimOf(classifier);
  const n = features.length / D;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestLogit = -Infinity;
    classifier.weight.forEach((w, c) => {
      // Summed in the same order as w0·f0 + w1·f1 + b always was, so 2-D predictions do not move by a rounding.
      let logit = 0;
      for (let d = 0; d < D; d++) logit += w[d] * features[D * i + d];
      logit += classifier.bias[c];
      if (logit > bestLogit) {
        bestLogit = logit;
        best = c;
      }
    });
    out[i] = best;
  }
  return out;
}

export interface ClassStatistics {
  /** Per class: correctly predicted ÷ truly of the class (NaN for an empty class). */
  accuracy: number[];
  /** Per class: predicted as c ÷ truly of c (paper Fig. 1b). */
  classificationRatio: number[];
}

export function classStatistics(predictions: Uint8Array, labels: Uint8Array, numClasses: number): ClassStatistics {
  const truly = new Array<number>(numClasses).fill(0);
  const predicted = new Array<number>(numClasses).fill(0);
  const correct = new Array<number>(numClasses).fill(0);
  labels.forEach((y, i) => {
    truly[y]++;
    predicted[predictions[i]]++;
    if (predictions[i] === y) correct[y]++;
  });
  return {
    accuracy: truly.map((n, c) => correct[c] / n),
    classificationRatio: truly.map((n, c) => predicted[c] / n),
  };
}

function normalisedFeaturesOfClass(features: Float32Array, labels: Uint8Array, c: number, D: number): Float32Array {
  const rows: number[] = [];
  labels.forEach((y, i) => {
    if (y !== c) return;
    const row = features.subarray(D * i, D * (i + 1));
    const norm = Math.hypot(...row) || 1;
    for (const value of row) rows.push(value / norm);
  });
  return Float32Array.from(rows);
}

/**
 * Feature deviation dis(c) of §5.4: on ℓ2-normalised features, the mean over `rounds` rounds of
 * ‖mean(K random training features of c) − mean(all test features of c)‖₂, K = the smallest
 * training class size (so the minor class uses all its features every round). Features of `dim`
 * dimensions, interleaved (2 for the plotted feature).
 */
export function featureDeviation(
  trainFeatures: Float32Array,
  trainLabels: Uint8Array,
  testFeatures: Float32Array,
  testLabels: Uint8Array,
  numClasses: number,
  rng: Rng,
  rounds = 1000,
  dim = FEATURE_DIM,
): number[] {
  const D = dim;
  const trainByClass = Array.from({ length: numClasses }, (_, c) => normalisedFeaturesOfClass(trainFeatures, trainLabels, c, D));
  const k = Math.min(...trainByClass.map((f) => f.length / D));
  return trainByClass.map((train, c) => {
    const test = normalisedFeaturesOfClass(testFeatures, testLabels, c, D);
    const testCount = test.length / D;
    if (testCount === 0 || k === 0) return NaN;
    const testMean = new Float64Array(D);
    for (let i = 0; i < testCount; i++) for (let d = 0; d < D; d++) testMean[d] += test[D * i + d];
    for (let d = 0; d < D; d++) testMean[d] /= testCount;
    const n = train.length / D;
    const pool = Int32Array.from({ length: n }, (_, i) => i);
    const sum = new Float64Array(D);
    const gap = new Float64Array(D);
    let total = 0;
    for (let r = 0; r < rounds; r++) {
      // Partial Fisher–Yates: the first k entries of `pool` become a uniform k-subset.
      sum.fill(0);
      for (let i = 0; i < k; i++) {
        const j = i + rng.int(n - i);
        const picked = pool[j];
        pool[j] = pool[i];
        pool[i] = picked;
        for (let d = 0; d < D; d++) sum[d] += train[D * picked + d];
      }
      for (let d = 0; d < D; d++) gap[d] = sum[d] / k - testMean[d];
      total += Math.hypot(...gap);
    }
    return total / rounds;
  });
}

/**
 * A seeded subsample of at most `max` training indices, chosen by water-filling across classes:
 * every class gets an equal share, and what a small class cannot use flows to the larger ones, so
 * minor classes are shown in full. Returned in increasing index order.
 */
export function waterFillSample(labels: Uint8Array, numClasses: number, max: number, rng: Rng): Int32Array {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((y, i) => byClass[y].push(i));
  const quota = new Array<number>(numClasses).fill(0);
  let left = Math.min(max, labels.length);
  const order = byClass.map((members, c) => ({ c, size: members.length })).sort((a, b) => a.size - b.size);
  order.forEach(({ c, size }, rank) => {
    const share = Math.floor(left / (numClasses - rank));
    quota[c] = Math.min(size, share);
    left -= quota[c];
  });
  // Rounding may leave a few slots: hand them to classes that still have images.
  for (const { c, size } of order.reverse()) {
    const extra = Math.min(left, size - quota[c]);
    quota[c] += extra;
    left -= extra;
  }
  const chosen: number[] = [];
  byClass.forEach((members, c) => {
    const shuffled = rng.shuffle([...members]);
    chosen.push(...shuffled.slice(0, quota[c]));
  });
  return Int32Array.from(chosen.sort((a, b) => a - b));
}

/** Per class, ‖w_c‖ of a classifier's weights. */
export function classifierWeightNorms(classifier: AnyClassifier): number[] {
  return classifier.weight.map((w) => Math.hypot(...w));
}

/**
 * A cosine head (scale·cos(f, w_c), no bias) as the linear classifier with the same arg max: the unit
 * class weights and bias 0 (cos(f, w_c) = ⟨f, w_c/‖w_c‖⟩ / ‖f‖, and ‖f‖ is the same for every class).
 */
export function unitClassifier<T extends LinearClassifier | DenseClassifier>(classifier: T): T {
  return {
    weight: classifier.weight.map((w) => {
      const norm = Math.max(Math.hypot(...w), 1e-12);
      return w.map((value) => value / norm);
    }),
    bias: classifier.bias.map(() => 0),
  } as T;
}

/**
 * Mean cross-entropy of interleaved features (the classifier's dimension) under a classifier: linear
 * (W·f + b), or with `cosineScale` a cosine head (scale·⟨f/‖f‖, w_c/‖w_c‖⟩, PyTorch's F.normalize floor
 * 1e-12). In double precision, with a stable log-sum-exp.
 */
export function meanCrossEntropy(features: Float32Array, labels: Uint8Array, classifier: LinearClassifier | DenseClassifier, cosineScale: number | null): number {
  const C = classifier.bias.length;
  const D = dimOf(classifier);
  const head: AnyClassifier = cosineScale === null ? classifier : unitClassifier(classifier);
  const logits = new Float64Array(C);
  const f = new Float64Array(D);
  let total = 0;
  for (let n = 0; n < labels.length; n++) {
    for (let d = 0; d < D; d++) f[d] = features[D * n + d];
    if (cosineScale !== null) {
      const norm = Math.max(Math.hypot(...f), 1e-12);
      for (let d = 0; d < D; d++) f[d] = (cosineScale * f[d]) / norm;
    }
    let top = -Infinity;
    for (let c = 0; c < C; c++) {
      let logit = 0;
      for (let d = 0; d < D; d++) logit += head.weight[c][d] * f[d];
      logits[c] = logit + head.bias[c];
      top = Math.max(top, logits[c]);
    }
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(logits[c] - top);
    total += top + Math.log(sum) - logits[labels[n]];
  }
  return labels.length ? total / labels.length : Number.NaN;
}

/** Mean of the minor classes' values ÷ mean of the major classes' (isMajorClass); NaN when either group is empty. */
export function minorMajorRatio(values: readonly number[], major: readonly boolean[]): number {
  const mean = (wanted: boolean) => {
    const chosen = values.filter((_, c) => major[c] === wanted);
    return chosen.length ? chosen.reduce((a, b) => a + b, 0) / chosen.length : Number.NaN;
  };
  return mean(false) / mean(true);
}
