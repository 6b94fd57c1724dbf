/**
 * Per-epoch measurements computed on the CPU from read-back 2-D features (2 floats per image, so
 * one read-back per epoch is cheap). No tfjs here.
 */
import type { Rng } from '../util/rng.ts';
import { FEATURE_DIM } from './architecture.ts';

export interface LinearClassifier {
  /** weight[c] = [w_c0, w_c1]: logits_c = weight[c]·f + bias[c]. */
  weight: [number, number][];
  bias: number[];
}

/** Classifier from the flat tfjs weight [2, C] (row-major) and bias [C]. */
export function classifierFromFlat(weight: ArrayLike<number>, bias: ArrayLike<number>, numClasses: number): LinearClassifier {
  return {
    weight: Array.from({ length: numClasses }, (_, c) => [weight[c], weight[numClasses + c]] as [number, number]),
    bias: Array.from(bias),
  };
}

/** Arg-max class of each interleaved 2-D feature. */
export function predict(features: Float32Array, classifier: LinearClassifier): Uint8Array {
  const n = features.length / FEATURE_DIM;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const f0 = features[FEATURE_DIM * i];
    const f1 = features[FEATURE_DIM * i + 1];
    let best = 0;
    let bestLogit = -Infinity;
    classifier.weight.forEach(([w0, w1], c) => {
      const logit = w0 * f0 + w1 * f1 + classifier.bias[c];
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

function normalisedFeaturesOfClass(features: Float32Array, labels: Uint8Array, c: number): Float32Array {
  const rows: number[] = [];
  labels.forEach((y, i) => {
    if (y !== c) return;
    const f0 = features[FEATURE_DIM * i];
    const f1 = features[FEATURE_DIM * i + 1];
    const norm = Math.hypot(f0, f1) || 1;
    rows.push(f0 / norm, f1 / norm);
  });
  return Float32Array.from(rows);
}

/**
 * Feature deviation dis(c) of §5.4: on ℓ2-normalised features, the mean over `rounds` rounds of
 * ‖mean(K random training features of c) − mean(all test features of c)‖₂, K = the smallest
 * training class size (so the minor class uses all its features every round).
 */
export function featureDeviation(
  trainFeatures: Float32Array,
  trainLabels: Uint8Array,
  testFeatures: Float32Array,
  testLabels: Uint8Array,
  numClasses: number,
  rng: Rng,
  rounds = 1000,
): number[] {
  const trainByClass = Array.from({ length: numClasses }, (_, c) => normalisedFeaturesOfClass(trainFeatures, trainLabels, c));
  const k = Math.min(...trainByClass.map((f) => f.length / FEATURE_DIM));
  return trainByClass.map((train, c) => {
    const test = normalisedFeaturesOfClass(testFeatures, testLabels, c);
    const testCount = test.length / FEATURE_DIM;
    if (testCount === 0 || k === 0) return NaN;
    let t0 = 0;
    let t1 = 0;
    for (let i = 0; i < testCount; i++) {
      t0 += test[2 * i];
      t1 += test[2 * i + 1];
    }
    t0 /= testCount;
    t1 /= testCount;
    const n = train.length / FEATURE_DIM;
    const pool = Int32Array.from({ length: n }, (_, i) => i);
    let total = 0;
    for (let r = 0; r < rounds; r++) {
      // Partial Fisher–Yates: the first k entries of `pool` become a uniform k-subset.
      let s0 = 0;
      let s1 = 0;
      for (let i = 0; i < k; i++) {
        const j = i + rng.int(n - i);
        const picked = pool[j];
        pool[j] = pool[i];
        pool[i] = picked;
        s0 += train[2 * picked];
        s1 += train[2 * picked + 1];
      }
      total += Math.hypot(s0 / k - t0, s1 / k - t1);
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

/** Per class, ‖w_c‖ of a classifier's 2-D weights. */
export function classifierWeightNorms(classifier: LinearClassifier): number[] {
  return classifier.weight.map(([a, b]) => Math.hypot(a, b));
}

/**
 * A cosine head (scale·cos(f, w_c), no bias) as the linear classifier with the same arg max: the unit
 * class weights and bias 0 (cos(f, w_c) = ⟨f, w_c/‖w_c‖⟩ / ‖f‖, and ‖f‖ is the same for every class).
 */
export function unitClassifier(classifier: LinearClassifier): LinearClassifier {
  return {
    weight: classifier.weight.map(([a, b]) => {
      const norm = Math.max(Math.hypot(a, b), 1e-12);
      return [a / norm, b / norm] as [number, number];
    }),
    bias: classifier.bias.map(() => 0),
  };
}

/**
 * Mean cross-entropy of interleaved 2-D features under a classifier: linear (W·f + b), or with
 * `cosineScale` a cosine head (scale·⟨f/‖f‖, w_c/‖w_c‖⟩, PyTorch's F.normalize floor 1e-12). In double
 * precision, with a stable log-sum-exp.
 */
export function meanCrossEntropy(features: Float32Array, labels: Uint8Array, classifier: LinearClassifier, cosineScale: number | null): number {
  const C = classifier.bias.length;
  const head = cosineScale === null ? classifier : unitClassifier(classifier);
  const logits = new Float64Array(C);
  let total = 0;
  for (let n = 0; n < labels.length; n++) {
    let f0 = features[2 * n];
    let f1 = features[2 * n + 1];
    if (cosineScale !== null) {
      const norm = Math.max(Math.hypot(f0, f1), 1e-12);
      f0 = (cosineScale * f0) / norm;
      f1 = (cosineScale * f1) / norm;
    }
    let top = -Infinity;
    for (let c = 0; c < C; c++) {
      logits[c] = head.weight[c][0] * f0 + head.weight[c][1] * f1 + head.bias[c];
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
