/**
 * Post-hoc corrections of a trained classifier, without training: they change the last layer's
 * decision only, so the page redraws a lane's regions and recomputes its per-class test accuracy
 * from the stored 2-D features at once. No tfjs here.
 *
 * - Logit adjustment (Menon et al., ICLR 2021, Eq. 3): predict argmax_c z_c − τ·log π_c, π the
 *   training class prior (google-research logit_adjustment: τ = 1 is Bayes-optimal for the balanced
 *   error under their assumptions). On a linear head that is the bias b_c − τ·log π_c.
 * - τ-normalisation (Kang et al., ICLR 2020, decoupling): w_c ← w_c / ‖w_c‖^τ (τ = 1: unit norms;
 *   τ = 0: unchanged), the bias kept or dropped.
 *
 * Both are offered for a linear head only: a cosine head (LDAM) already predicts from unit weights,
 * and a prior shift on its s·cos logits is not a linear decision on the feature.
 */
import { logPrior, type MethodSpec } from './methods.ts';
import { classStatistics, predict, type LinearClassifier } from './metrics.ts';
import type { EpochSnapshot, RunSnapshot } from './snapshot.ts';

export type PostHocKind = 'none' | 'logit-adjustment' | 'tau-norm';

export interface PostHocSetting {
  kind: PostHocKind;
  /** τ, 0–2. */
  tau: number;
  /** τ-normalisation: keep the trained bias (true) or drop it. */
  keepBias: boolean;
}

export const NO_CORRECTION: PostHocSetting = { kind: 'none', tau: 1, keepBias: true };
export const TAU_RANGE = { min: 0, max: 2, step: 0.05 } as const;

/** argmax_c w_c·f + b_c − τ·log π_c as a linear classifier: the bias shifted by −τ·log π_c. */
export function logitAdjusted(classifier: LinearClassifier, trainCounts: readonly number[], tau: number): LinearClassifier {
  const prior = logPrior(trainCounts);
  return { weight: classifier.weight.map(([a, b]) => [a, b] as [number, number]), bias: classifier.bias.map((b, c) => b - tau * (prior[c] ?? 0)) };
}

/** w_c / ‖w_c‖^τ, the bias kept or dropped (a zero weight stays zero). */
export function tauNormalised(classifier: LinearClassifier, tau: number, keepBias: boolean): LinearClassifier {
  return {
    weight: classifier.weight.map(([a, b]) => {
      const norm = Math.hypot(a, b);
      const factor = norm > 0 ? Math.pow(norm, -tau) : 1;
      return [a * factor, b * factor] as [number, number];
    }),
    bias: classifier.bias.map((b) => (keepBias ? b : 0)),
  };
}

/** The classifier a setting predicts with. */
export function correctedClassifier(classifier: LinearClassifier, setting: PostHocSetting, trainCounts: readonly number[]): LinearClassifier {
  if (setting.kind === 'logit-adjustment') return logitAdjusted(classifier, trainCounts, setting.tau);
  if (setting.kind === 'tau-norm') return tauNormalised(classifier, setting.tau, setting.keepBias);
  return classifier;
}

/** Whether a lane's head takes a post-hoc correction (a linear one; see the file's comment). */
export function acceptsPostHoc(spec: MethodSpec): boolean {
  return spec.head === 'linear';
}

/**
 * Whether a lane's training already compensates for the imbalance (class weights, margins, a
 * prior-shifted loss or Remix's labels): a post-hoc correction on top counts the prior twice.
 * True for drw, rw, ldam-drw, la, remix-drw and mfw-drw.
 */
export function alreadyCompensates(spec: MethodSpec): boolean {
  return spec.reweight.kind !== 'none' || spec.loss.kind !== 'ce' || spec.mixing.kind === 'remix';
}

/** A short name of a correction for labels (plot titles, table heads), e.g. “LA τ=1.00”; empty for none. */
export function postHocLabel(setting: PostHocSetting): string {
  if (setting.kind === 'logit-adjustment') return `LA τ=${setting.tau.toFixed(2)}`;
  if (setting.kind === 'tau-norm') return `τ-norm τ=${setting.tau.toFixed(2)}${setting.keepBias ? '' : ' no bias'}`;
  return '';
}

/**
 * A lane's report with the corrected classifier and the test accuracy recomputed from its stored
 * test features (every test image). Everything else stays as trained: the training accuracy and the
 * classification ratio are over the whole training subset, whose features are not all stored.
 */
export function correctedRun(run: RunSnapshot, testLabels: Uint8Array, setting: PostHocSetting, trainCounts: readonly number[]): RunSnapshot {
  if (setting.kind === 'none') return run;
  const classifier = correctedClassifier(run.classifier, setting, trainCounts);
  const predictions = predict(run.testFeatures, classifier);
  return { ...run, classifier, testAccuracy: classStatistics(predictions, testLabels, classifier.bias.length).accuracy };
}

/** The snapshot with each lane's correction applied; the same object when none applies. */
export function applyPostHoc(snapshot: EpochSnapshot, settings: Readonly<Record<string, PostHocSetting>>, trainCounts: readonly number[]): EpochSnapshot {
  const corrected = Object.keys(snapshot.runs).filter((lane) => (settings[lane]?.kind ?? 'none') !== 'none');
  if (corrected.length === 0) return snapshot;
  const runs = { ...snapshot.runs };
  for (const lane of corrected) runs[lane] = correctedRun(runs[lane], snapshot.testLabels, settings[lane], trainCounts);
  return { ...snapshot, runs };
}
