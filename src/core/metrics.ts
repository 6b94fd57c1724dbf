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
