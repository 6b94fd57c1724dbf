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
 * A cosine head (LDAM) predicts from its logits s·cos θ_c = s·⟨f/‖f‖, w_c/‖w_c‖⟩ (the engine's
 * prediction; the stored classifier is its unit weights, bias 0). Logit adjustment is well defined
 * there, argmax_c s·cos θ_c − τ·log π_c, and is linear in the unit feature f/‖f‖: the corrected lane
 * predicts, and is drawn, on its features at unit length with weights s·w_c. τ-normalisation is not
 * offered on it: the head divides w_c by ‖w_c‖ already, so every τ predicts the same.
 */
import { logPrior, logitScale, type Lane, type MethodSpec } from './methods.ts';
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

/** The corrections a lane's head takes ('none' first): both on a linear head, logit adjustment only on a cosine one. */
export function postHocKindsFor(spec: MethodSpec): readonly PostHocKind[] {
  return spec.head === 'linear' ? ['none', 'logit-adjustment', 'tau-norm'] : ['none', 'logit-adjustment'];
}

/** Whether a correction shows the lane's features at unit length: logit adjustment on a cosine head (see the file's comment). */
export function onUnitCircle(spec: MethodSpec, setting: PostHocSetting | undefined): boolean {
  return spec.head === 'cosine' && setting?.kind === 'logit-adjustment';
}

/** Interleaved 2-D features at unit length, f/max(‖f‖, 1e-12) as PyTorch's F.normalize. */
export function unitFeatures(features: Float32Array): Float32Array {
  const out = new Float32Array(features.length);
  for (let i = 0; i + 1 < features.length; i += 2) {
    const norm = Math.max(Math.hypot(features[i], features[i + 1]), 1e-12);
    out[i] = features[i] / norm;
    out[i + 1] = features[i + 1] / norm;
  }
  return out;
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
 * classification ratio are over the whole training subset, whose features are not all stored. On a
 * cosine head the features come at unit length and the classifier is s·w_c with the adjustment as
 * its bias, so every view's linear prediction is the head's s·cos θ_c − τ·log π_c.
 */
export function correctedRun(run: RunSnapshot, testLabels: Uint8Array, setting: PostHocSetting, trainCounts: readonly number[], spec: MethodSpec): RunSnapshot {
  if (setting.kind === 'none' || !postHocKindsFor(spec).includes(setting.kind)) return run;
  let shown = run;
  if (spec.head === 'cosine') {
    const scale = logitScale(spec);
    const scaled = { weight: run.classifier.weight.map(([a, b]) => [scale * a, scale * b] as [number, number]), bias: run.classifier.bias };
    shown = { ...run, classifier: scaled, trainFeatures: unitFeatures(run.trainFeatures), testFeatures: unitFeatures(run.testFeatures) };
  }
  const classifier = correctedClassifier(shown.classifier, setting, trainCounts);
  const predictions = predict(shown.testFeatures, classifier);
  return { ...shown, classifier, testAccuracy: classStatistics(predictions, testLabels, classifier.bias.length).accuracy };
}

/** The snapshot with each lane's correction applied; the same object when none applies. */
export function applyPostHoc(
  snapshot: EpochSnapshot,
  settings: Readonly<Record<string, PostHocSetting>>,
  trainCounts: readonly number[],
  lanes: readonly Pick<Lane, 'id' | 'spec'>[],
): EpochSnapshot {
  const corrected = lanes.filter((lane) => lane.id in snapshot.runs && (settings[lane.id]?.kind ?? 'none') !== 'none');
  if (corrected.length === 0) return snapshot;
  const runs = { ...snapshot.runs };
  for (const { id, spec } of corrected) runs[id] = correctedRun(runs[id], snapshot.testLabels, settings[id], trainCounts, spec);
  return { ...snapshot, runs };
}
