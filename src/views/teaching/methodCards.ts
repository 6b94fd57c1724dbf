/**
 * A short card per lane's method: what it changes (loss, class weights, head or features) with its
 * formula as its authors' code writes it (../shared/research/methods.md) and the lane's parameters,
 * where it comes from, and a caption in the style of findings.ts: what the method is expected to do,
 * then what this run shows at the epoch on screen, with the numbers, against the baseline lane (the
 * first). Pure functions of the lanes and the snapshot, so they are unit-tested.
 */
import { isMajorClass } from '../../core/mfwWeights.ts';
import { ldamMargins, logPrior, reweightStartEpoch, type Lane, type MethodName, type MethodSpec } from '../../core/methods.ts';
import type { EpochSnapshot, RunSnapshot } from '../../core/snapshot.ts';

export interface MethodCardInput {
  /** The epoch on screen, as trained; null before the first epoch ends. */
  snapshot: EpochSnapshot | null;
  /** The configuration's lanes; the first is the baseline. */
  lanes: readonly Lane[];
  trainCounts: readonly number[];
  /** The run's length, for when a deferred re-weighting starts. */
  epochs: number;
}

export interface MethodCard {
  lane: string;
  label: string;
  /** What the method changes against plain training. */
  changes: string;
  /** Its formulas in plain text, one line each, with the lane's parameters. */
  formulas: string[];
  /** Paper, venue, year and the authors' code. */
  source: string;
  /** What the method is expected to do. */
  expected: string;
  /** What this run shows at the epoch on screen; null before the first epoch. */
  shows: string | null;
}

const SOURCES: Record<MethodName, string> = {
  erm: 'Plain empirical risk minimisation with cross-entropy, trained as in kaidic/LDAM-DRW (Cao et al., NeurIPS 2019) and the seed paper’s §4 (ICCV 2021).',
  mfw: 'Ye, Zhan, Chao: Procrustean Training for Imbalanced Deep Learning, ICCV 2021 (Algorithm 1, Eq. 12); this page reproduces it.',
  'mfw-drw': 'Ye, Zhan, Chao, ICCV 2021 (“MFW w/ DRW”, Table 1); DRW from Cao et al., NeurIPS 2019 (kaidic/LDAM-DRW).',
  drw: 'Cao et al.: Learning Imbalanced Datasets with Label-Distribution-Aware Margin Loss, NeurIPS 2019 (kaidic/LDAM-DRW, train_rule DRW); weights of Cui et al., CVPR 2019.',
  rw: 'Cui et al.: Class-Balanced Loss Based on Effective Number of Samples, CVPR 2019 (richardaecn/class-balanced-loss).',
  'ldam-drw': 'Cao et al.: Learning Imbalanced Datasets with Label-Distribution-Aware Margin Loss, NeurIPS 2019 (kaidic/LDAM-DRW: losses.py LDAMLoss, NormedLinear).',
  la: 'Menon et al.: Long-tail learning via logit adjustment, ICLR 2021 (google-research/google-research logit_adjustment); the same loss as Balanced Softmax, Ren et al., NeurIPS 2020.',
  mixup: 'Zhang et al.: mixup: Beyond Empirical Risk Minimization, ICLR 2018 (facebookresearch/mixup-cifar10).',
  'manifold-mixup': 'Verma et al.: Manifold Mixup, ICML 2019 (vikasverma1077/manifold_mixup).',
  'remix-drw': 'Chou et al.: Remix: Rebalanced Mixup, ECCV 2020 Workshops (no official code; zhangyongshun/BagofTricks-LT follows it); DRW from Cao et al., NeurIPS 2019.',
};

const EXPECTED: Record<MethodName, string> = {
  erm: 'The yardstick: trained on the data as they are, the classifier learns the class sizes as a prior (larger biases for the major classes) and the minor classes lag in test accuracy.',
  mfw: 'Weakening the major classes’ features lets the minor classes be fitted with smaller feature gradients (paper Fig. 4): the minor ÷ major gradient ratio should fall below the baseline’s and the minor classes’ test accuracy rise.',
  'mfw-drw': 'MFW’s weaker major features, then class weights late in training to move the boundaries towards the major classes: the minor classes should gain most after the switch.',
  drw: 'The features are learnt without weights first; from the switch on the weights move the boundaries towards the major classes, so the minor classes’ accuracy should jump then.',
  rw: 'Weighting from the start inflates the minor classes’ feature gradients (the opposite of MFW) and can spoil the features; the LDAM authors deferred it for this reason.',
  'ldam-drw': 'Larger margins for smaller classes keep the minor features farther from the boundaries; with DRW the minor classes’ accuracy should end above the baseline’s.',
  la: 'The prior added in training makes the plain logits used at test favour the minor classes by about τ·log π: its biases should rise for the minor classes against the baseline’s.',
  mixup: 'Mixing images and labels regularises every class alike; it does not target the imbalance, so the minor classes are expected near the baseline.',
  'manifold-mixup': 'Like mixup at hidden layers: a regulariser for every class alike, not aimed at the imbalance, so the minor classes are expected near the baseline.',
  'remix-drw': 'A lopsided pair’s label goes wholly to its minor class, moving the boundaries towards the major classes; with DRW late in training the minor classes should gain.',
};

/** Three significant digits, or a dash. */
const number = (value: number): string => (Number.isFinite(value) ? Number(value.toPrecision(3)).toString() : '—');
const list = (values: readonly number[]): string => values.map(number).join(', ');
/** A no-break space keeps "48.0 %" on one line. */
const percent = (fraction: number): string => (Number.isFinite(fraction) ? `${(fraction * 100).toFixed(1)}\u00a0%` : '—');

function mean(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? Number.NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
}

interface Groups {
  major: number[];
  minor: number[];
}
const groupMean = (values: readonly number[], classes: readonly number[]): number => mean(classes.map((c) => values[c]));

function changesOf(spec: MethodSpec): string {
  const parts: string[] = [];
  if (spec.reweight.kind !== 'none') parts.push(spec.reweight.start > 0 ? 'class weights in the loss, deferred' : 'class weights in the loss');
  if (spec.loss.kind === 'ldam') parts.push('loss (per-class margins)');
  if (spec.head === 'cosine') parts.push('head (cosine classifier, no bias)');
  if (spec.loss.kind === 'la') parts.push('loss (logit offsets)');
  const mixing = spec.mixing;
  if (mixing.kind === 'mfw') parts.push('features (major classes weakened at a hidden layer, labels kept)');
  if (mixing.kind === 'mixup') parts.push(mixing.point === 'input' ? 'inputs and labels (mixed pairwise)' : 'hidden features and labels (mixed pairwise)');
  if (mixing.kind === 'remix') parts.push('inputs and labels (a lopsided pair’s label to its minor class)');
  return parts.length === 0 ? 'nothing: plain cross-entropy' : parts.join('; ');
}

function formulasOf(spec: MethodSpec, epochs: number): string[] {
  const lines: string[] = [];
  const { loss, reweight, mixing } = spec;
  if (loss.kind === 'ce' && reweight.kind === 'none' && mixing.kind === 'none') lines.push('ℓ = CE(z, y) = −log softmax(z)_y, z_c = w_c·f + b_c');
  if (loss.kind === 'ldam') {
    lines.push(`z_c = s·cos θ_c = s·⟨f/‖f‖, w_c/‖w_c‖⟩ (no bias); predicts argmax_c cos θ_c`);
    lines.push(`ℓ = CE(s·(cos θ − Δ_y·e_y), y), Δ_c = max_m·(N_min/N_c)^¼, max_m = ${loss.maxMargin}, s = ${loss.scale}`);
  }
  if (loss.kind === 'la') lines.push(`ℓ = CE(z + τ·log π, y), π_c = N_c/N, τ = ${loss.tau}; predicts argmax_c z_c (no offset)`);
  if (reweight.kind !== 'none') {
    const start = reweightStartEpoch(reweight.start, epochs);
    const when = start === 0 ? 'from the first epoch' : start >= epochs ? 'never in this run' : `from epoch ${start + 1} of ${epochs}`;
    const weights = reweight.kind === 'cb' ? `w_c = (1 − β)/(1 − β^N_c), β = ${reweight.beta}` : 'w_c ∝ 1/N_c';
    lines.push(`ℓ = Σ_n w_(y_n)·CE_n / Σ_n w_(y_n), ${weights}, scaled to Σ_c w_c = C, ${when}`);
  }
  if (mixing.kind === 'mfw') {
    const s = mixing.weightMode === 'two-level' ? 's = 0.5 for a major class, 0 for a minor one' : `s(N_c) = 0.5·σ((N_c − μ)/(β·γ)), β = ${mixing.beta}`;
    lines.push(`z̃_n = (1 − λ_n)·g(x_n) + λ_n·g(x_perm(n)) after group k = ${mixing.point}, label y_n kept`);
    lines.push(`λ_n = s(N_(y_n))·Beta(α, α), α = ${mixing.alpha}; ${s}`);
  }
  if (mixing.kind === 'mixup' || mixing.kind === 'remix') {
    const where =
      mixing.point === 'input' ? 'at the input' : mixing.point === 'random' ? 'at a layer drawn per batch among the input and the ends of stages 1 and 2' : `after group k = ${mixing.point}`;
    lines.push(`x̃ = λ·x + (1 − λ)·x_perm ${where}, one λ ~ Beta(α, α) per batch, α = ${mixing.alpha}`);
    if (mixing.kind === 'mixup') lines.push('ℓ = λ·CE(z̃, y) + (1 − λ)·CE(z̃, y_perm)');
    else {
      lines.push('ℓ = λ_y·CE(z̃, y) + (1 − λ_y)·CE(z̃, y_perm)');
      lines.push(`λ_y = 0 if N_y/N_perm ≥ κ and λ < τ; 1 if N_perm/N_y ≥ κ and 1 − λ < τ; else λ; κ = ${mixing.kappa}, τ = ${mixing.tau}`);
    }
  }
  return lines;
}

/** "4.2 points above", "1.0 points below" or, within 0.05 points (what one decimal shows), "level with". */
function relation(difference: number): string {
  const points = difference * 100;
  if (Math.abs(points) < 0.05) return 'level with';
  return `${Math.abs(points).toFixed(1)} points ${points > 0 ? 'above' : 'below'}`;
}

/** The numbers of the lane's own mechanism at this epoch, one sentence each. */
function mechanismNumbers(lane: Lane, run: RunSnapshot, baseline: { lane: Lane; run: RunSnapshot } | null, groups: Groups, trainCounts: readonly number[], epochs: number): string[] {
  const { spec } = lane;
  const sentences: string[] = [];
  const biasGap = (r: RunSnapshot) => groupMean(r.classifier.bias, groups.minor) - groupMean(r.classifier.bias, groups.major);
  if (lane.method === 'erm') {
    const gap = biasGap(run);
    sentences.push(`Its biases b_c average ${number(groupMean(run.classifier.bias, groups.major))} for the major classes and ${number(groupMean(run.classifier.bias, groups.minor))} for the minor ones: the learnt prior ${gap < 0 ? 'favours' : 'does not favour'} the major classes.`);
  }
  if (spec.reweight.kind !== 'none') {
    const weights = run.classWeights;
    if (weights.every((w) => w === 1)) {
      const start = reweightStartEpoch(spec.reweight.start, epochs);
      sentences.push(`No class weights yet (all 1); they start at epoch ${start + 1}.`);
    } else {
      const ratio = groupMean(weights, groups.minor) / groupMean(weights, groups.major);
      sentences.push(`Class weights in force: ${list(weights)}, so a minor-class image counts ${number(ratio)}× a major-class one.`);
    }
  }
  if (spec.loss.kind === 'ldam') {
    const f = run.testFeatures;
    const lengths: number[] = [];
    for (let i = 0; i + 1 < f.length; i += 2) lengths.push(Math.hypot(f[i], f[i + 1]));
    sentences.push(`Margins Δ_c = ${list(ldamMargins(trainCounts, spec.loss.maxMargin))}; its test features have mean length ‖f‖ = ${number(mean(lengths))}, which the cosine head ignores.`);
  }
  if (spec.loss.kind === 'la') {
    const tau = spec.loss.tau;
    const offsets = logPrior(trainCounts).map((l) => tau * l);
    const gap = biasGap(run);
    const comparable = baseline && baseline.lane.spec.head === 'linear' && baseline.lane.spec.loss.kind !== 'la';
    const against = comparable ? `, ${gap > biasGap(baseline.run) ? 'above' : 'not above'} ${baseline.lane.label}’s ${number(biasGap(baseline.run))}` : '';
    sentences.push(`Training offsets τ·log π_c = ${list(offsets)}; its learnt biases give b_minor − b_major = ${number(gap)}${against}.`);
  }
  if (spec.mixing.kind === 'remix' && run.relabelledFraction !== null) {
    sentences.push(`${percent(run.relabelledFraction)} of its samples had their label moved wholly to one class this epoch.`);
  }
  if (spec.mixing.kind !== 'none' && run.meanPartnerShare) {
    const share = run.meanPartnerShare;
    sentences.push(`Mean partner share: ${number(groupMean(share, groups.major))} for the major classes, ${number(groupMean(share, groups.minor))} for the minor ones.`);
  }
  if (spec.mixing.kind === 'mfw' && baseline && baseline.lane.id !== lane.id) {
    const [own, base] = [run.gradientNormRatio, baseline.run.gradientNormRatio];
    if (Number.isFinite(own) && Number.isFinite(base)) {
      sentences.push(`Minor ÷ major feature-gradient norm: ${number(own)}, ${own < base ? 'below' : 'not below'} ${baseline.lane.label}’s ${number(base)}.`);
    }
  }
  return sentences;
}

/** What this run shows for one lane at the epoch on screen. */
function runShows(lane: Lane, input: MethodCardInput, groups: Groups | null): string | null {
  const { snapshot, lanes, trainCounts, epochs } = input;
  const run = snapshot?.runs[lane.id] as RunSnapshot | undefined;
  if (!snapshot || !run) return null;
  const at = `At epoch ${snapshot.epoch}`;
  if (!groups) return `${at}: all classes have equally many training images, so there is no major/minor contrast to read.`;
  const baseLane = lanes[0];
  const baseRun = snapshot.runs[baseLane.id] as RunSnapshot | undefined;
  const baseline = baseRun ? { lane: baseLane, run: baseRun } : null;
  const minor = groupMean(run.testAccuracy, groups.minor);
  const major = groupMean(run.testAccuracy, groups.major);
  let accuracy: string;
  if (lane.id === baseLane.id) accuracy = `${at}, the baseline’s minor classes reach ${percent(minor)} test accuracy, its major classes ${percent(major)}.`;
  else if (!baseline) accuracy = `${at}, the minor classes reach ${percent(minor)} test accuracy, the major classes ${percent(major)}.`;
  else {
    const baseMinor = groupMean(baseline.run.testAccuracy, groups.minor);
    accuracy = `${at}, the minor classes reach ${percent(minor)} test accuracy, ${relation(minor - baseMinor)} ${baseLane.label}’s ${percent(baseMinor)}; the major classes ${percent(major)}.`;
  }
  return [accuracy, ...mechanismNumbers(lane, run, baseline, groups, trainCounts, epochs)].join(' ');
}

export function methodCards(input: MethodCardInput): MethodCard[] {
  const isMajor = isMajorClass(input.trainCounts);
  const major = isMajor.flatMap((m, c) => (m ? [c] : []));
  const minor = isMajor.flatMap((m, c) => (m ? [] : [c]));
  const groups = major.length > 0 && minor.length > 0 ? { major, minor } : null;
  return input.lanes.map((lane) => ({
    lane: lane.id,
    label: lane.label,
    changes: changesOf(lane.spec),
    formulas: formulasOf(lane.spec, input.epochs),
    source: SOURCES[lane.method],
    expected: EXPECTED[lane.method],
    shows: runShows(lane, input, groups),
  }));
}

