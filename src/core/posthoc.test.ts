import { describe, expect, it } from 'vitest';
import { PAPER_CONFIG } from '../config/experiment.ts';
import { runSnapshot } from '../state/runFixture.ts';
import { Rng } from '../util/rng.ts';
import { METHOD_NAMES, METHODS, logPrior, type MethodSpec } from './methods.ts';
import { classStatistics, predict, type LinearClassifier } from './metrics.ts';
import {
  NO_CORRECTION,
  alreadyCompensates,
  applyPostHoc,
  correctedClassifier,
  correctedRun,
  logitAdjusted,
  onUnitCircle,
  postHocKindsFor,
  postHocLabel,
  tauNormalised,
  unitFeatures,
} from './posthoc.ts';
import type { EpochSnapshot } from './snapshot.ts';

const counts = [5000, 5000, 50, 50];
const specOf = (m: (typeof METHOD_NAMES)[number]): MethodSpec => METHODS[m].spec(PAPER_CONFIG);
const ERM = specOf('erm');
const LDAM = specOf('ldam-drw');
// Major classes with long weights and positive biases: the classifier of an imbalanced training.
const classifier: LinearClassifier = {
  weight: [
    [3, 0.5],
    [-2.5, 2],
    [0.4, -0.6],
    [-0.3, -0.5],
  ],
  bias: [0.8, 0.7, -0.4, -0.5],
};

function randomFeatures(n: number, seed = 1): { features: Float32Array; labels: Uint8Array } {
  const rng = new Rng(seed);
  const features = new Float32Array(2 * n);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 4;
    features[2 * i] = 2 * rng.normal();
    features[2 * i + 1] = 2 * rng.normal();
  }
  return { features, labels };
}

describe('post-hoc corrections', () => {
  const { features, labels } = randomFeatures(2000);
  const base = predict(features, classifier);

  it('leave every prediction identical at τ = 0', () => {
    for (const kind of ['logit-adjustment', 'tau-norm'] as const) {
      const fixed = correctedClassifier(classifier, { kind, tau: 0, keepBias: true }, counts);
      expect(predict(features, fixed)).toEqual(base);
    }
    expect(correctedClassifier(classifier, NO_CORRECTION, counts)).toBe(classifier);
  });

  it('logit adjustment subtracts τ·log π_c from each logit, so the minor classes gain', () => {
    const adjusted = logitAdjusted(classifier, counts, 1.5);
    const prior = logPrior(counts);
    adjusted.bias.forEach((b, c) => expect(b).toBeCloseTo(classifier.bias[c] - 1.5 * prior[c], 12));
    expect(adjusted.weight).toEqual(classifier.weight);
    const predicted = (c: number, p: Uint8Array) => p.filter((y) => y === c).length;
    const after = predict(features, adjusted);
    expect(predicted(2, after) + predicted(3, after)).toBeGreaterThan(predicted(2, base) + predicted(3, base));
    // A uniform prior shifts every logit alike: no prediction changes.
    expect(predict(features, logitAdjusted(classifier, [7, 7, 7, 7], 2))).toEqual(base);
  });

  it('τ-normalisation divides w_c by ‖w_c‖^τ: unit norms at τ = 1, the bias kept or dropped', () => {
    const unit = tauNormalised(classifier, 1, false);
    for (const [a, b] of unit.weight) expect(Math.hypot(a, b)).toBeCloseTo(1, 12);
    expect(unit.bias).toEqual([0, 0, 0, 0]);
    const half = tauNormalised(classifier, 0.5, true);
    half.weight.forEach(([a, b], c) => expect(Math.hypot(a, b)).toBeCloseTo(Math.sqrt(Math.hypot(...classifier.weight[c])), 12));
    expect(half.bias).toEqual(classifier.bias);
    expect(tauNormalised({ weight: [[0, 0]], bias: [1] }, 1, true).weight).toEqual([[0, 0]]);
  });

  it('recompute a lane’s test accuracy from its stored features, keeping what cannot be recomputed', () => {
    const run = runSnapshot({ testFeatures: features, classifier, testAccuracy: classStatistics(base, labels, 4).accuracy, trainAccuracy: [0.9, 0.9, 0.1, 0.1] });
    const setting = { kind: 'logit-adjustment', tau: 1, keepBias: true } as const;
    const fixed = correctedRun(run, labels, setting, counts, ERM);
    expect(fixed.testAccuracy).toEqual(classStatistics(predict(features, logitAdjusted(classifier, counts, 1)), labels, 4).accuracy);
    expect(fixed.testAccuracy).not.toEqual(run.testAccuracy);
    expect(fixed.trainAccuracy).toBe(run.trainAccuracy);
    expect(correctedRun(run, labels, { ...setting, tau: 0 }, counts, ERM).testAccuracy).toEqual(run.testAccuracy);

    const snapshot: EpochSnapshot = { epoch: 3, learningRate: 0.1, imagesPerSecond: 0, trainFeatureLabels: new Uint8Array(), testLabels: labels, runs: { erm: run, mfw: run } };
    const lanes = [{ id: 'erm', spec: ERM }, { id: 'mfw', spec: specOf('mfw') }];
    expect(applyPostHoc(snapshot, {}, counts, lanes)).toBe(snapshot);
    expect(applyPostHoc(snapshot, { mfw: NO_CORRECTION }, counts, lanes)).toBe(snapshot);
    const applied = applyPostHoc(snapshot, { mfw: setting }, counts, lanes);
    expect(applied.runs.erm).toBe(run);
    expect(applied.runs.mfw.testAccuracy).toEqual(fixed.testAccuracy);
    expect(snapshot.runs.mfw).toBe(run);
  });

  it('warn for exactly the lanes that already compensate; a cosine head is offered logit adjustment only', () => {
    expect(METHOD_NAMES.filter((m) => alreadyCompensates(specOf(m))).sort()).toEqual(['drw', 'la', 'ldam-drw', 'mfw-drw', 'remix-drw', 'rw']);
    expect(METHOD_NAMES.filter((m) => !postHocKindsFor(specOf(m)).includes('tau-norm'))).toEqual(['ldam-drw']);
    expect(postHocKindsFor(LDAM)).toEqual(['none', 'logit-adjustment']);
  });

  it('adjust a cosine head’s logits s·cos θ_c − τ·log π_c, on the features at unit length', () => {
    // The stored cosine classifier: unit weights, bias 0; features of any length (LDAM's grow to thousands).
    const unit: LinearClassifier = { weight: classifier.weight.map(([a, b]) => [a / Math.hypot(a, b), b / Math.hypot(a, b)] as [number, number]), bias: [0, 0, 0, 0] };
    const long = Float32Array.from(features, (v, i) => v * (1 + 500 * ((i >> 1) % 3)));
    const run = runSnapshot({ testFeatures: long, trainFeatures: long.slice(0, 40), classifier: unit });
    const adjusted = (tau: number) => correctedRun(run, labels, { kind: 'logit-adjustment', tau, keepBias: true }, counts, LDAM);
    const s = 30;
    const prior = logPrior(counts);
    const expected = (tau: number) =>
      Uint8Array.from(labels, (_, n) => {
        const [x, y] = [long[2 * n], long[2 * n + 1]];
        const logits = unit.weight.map(([a, b], c) => (s * (a * x + b * y)) / Math.hypot(x, y) - tau * prior[c]);
        return logits.indexOf(Math.max(...logits));
      });
    for (const tau of [0, 1, 2]) expect(classStatistics(predict(adjusted(tau).testFeatures, adjusted(tau).classifier), labels, 4).accuracy).toEqual(classStatistics(expected(tau), labels, 4).accuracy);
    expect(adjusted(1).testAccuracy).toEqual(classStatistics(expected(1), labels, 4).accuracy);
    // τ = 0 predicts as trained; τ = 2 moves some predictions to the minor classes.
    expect(predict(adjusted(0).testFeatures, adjusted(0).classifier)).toEqual(predict(long, unit));
    expect(predict(adjusted(2).testFeatures, adjusted(2).classifier)).not.toEqual(predict(long, unit));
    for (let i = 0; i < 20; i++) expect(Math.hypot(adjusted(1).trainFeatures[2 * i], adjusted(1).trainFeatures[2 * i + 1])).toBeCloseTo(1, 5);
    expect(onUnitCircle(LDAM, { kind: 'logit-adjustment', tau: 0, keepBias: true })).toBe(true);
    expect(onUnitCircle(LDAM, NO_CORRECTION)).toBe(false);
    expect(onUnitCircle(ERM, { kind: 'logit-adjustment', tau: 1, keepBias: true })).toBe(false);
    // τ-normalisation is not offered there: the lane stays as trained.
    expect(correctedRun(run, labels, { kind: 'tau-norm', tau: 1, keepBias: true }, counts, LDAM)).toBe(run);
    expect(unitFeatures(Float32Array.from([3, 4, 0, 0]))).toEqual(Float32Array.from([0.6, 0.8, 0, 0]));
  });

  it('name the correction for labels', () => {
    expect(postHocLabel(NO_CORRECTION)).toBe('');
    expect(postHocLabel({ kind: 'logit-adjustment', tau: 1, keepBias: true })).toBe('LA τ=1.00');
    expect(postHocLabel({ kind: 'tau-norm', tau: 0.5, keepBias: false })).toBe('τ-norm τ=0.50 no bias');
  });
});
