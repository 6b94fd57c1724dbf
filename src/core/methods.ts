/**
 * The method lab's methods as data. A method is a spec (loss, re-weighting, head, mixing); a lane is
 * one network trained with one spec. Every formula follows its authors' code as
 * ../shared/research/methods.md gives it (sources in each comment). No tfjs here: the engine builds
 * its tensors from these numbers, and the views and the command line read the same specs.
 *
 * A lane is written `name` or `name:key=value:key=value` (links, the command line, recordings), e.g.
 * `la:tau=1.5`; its id is that text in canonical form (parameters at their defaults left out).
 */
import type { WeightMode } from '../config/experiment.ts';
import { Rng } from '../util/rng.ts';
import { mfwWeights } from './mfwWeights.ts';

export type LossSpec =
  /** Cross-entropy. */
  | { kind: 'ce' }
  /**
   * LDAM (kaidic/LDAM-DRW losses.py LDAMLoss): CE(s·(z − m_y·onehot_y), y), m_c = max_m·(N_min/N_c)^{1/4};
   * the margin on the target logit only, in training only. `scale` is s, which also scales a cosine head's logits.
   */
  | { kind: 'ldam'; maxMargin: number; scale: number }
  /** Logit-adjusted loss (google-research logit_adjustment): CE(z + τ·log π, y), π_c = N_c/N; ≡ Balanced Softmax at τ = 1. */
  | { kind: 'la'; tau: number };

export type ReweightSpec =
  | { kind: 'none' }
  /**
   * Per-class weights in the cross-entropy from `start`·epochs on (0: throughout; 0.8: DRW as in
   * kaidic/LDAM-DRW, idx = epoch // 160 of 200; 1: never). 'cb': class-balanced, (1−β)/(1−β^{N_c})
   * (richardaecn/class-balanced-loss); 'inverse': 1/N_c. Both normalised to sum to C.
   */
  | { kind: 'cb'; beta: number; start: number }
  | { kind: 'inverse'; start: number };

/** linear: logits = W·f + b. cosine: LDAM's NormedLinear, logits = ⟨f/‖f‖, w_c/‖w_c‖⟩ (times LDAM's s), no bias. */
export type HeadKind = 'linear' | 'cosine';

/** Where a mixing method mixes: the input images, after convolution group k, or per batch at random among {input, end of stage 1, end of stage 2}. */
export type MixingPoint = 'input' | 'random' | number;

export type MixingSpec =
  | { kind: 'none' }
  /** MFW (seed paper Alg. 1): z̃_n = (1 − λ_n)·z_n + λ_n·z_perm(n), λ_n = s(N_{y_n})·Beta(α, α) per sample, labels unchanged. */
  | { kind: 'mfw'; alpha: number; weightMode: WeightMode; beta: number; point: number }
  /** mixup (facebookresearch/mixup-cifar10): one λ ~ Beta(α, α) per batch, x̃ = λ·x + (1 − λ)·x[perm], loss λ·CE(y) + (1 − λ)·CE(y[perm]). */
  | { kind: 'mixup'; alpha: number; point: MixingPoint }
  /** Remix (Chou et al. 2020, Eq. 8–10): mixup's images, the label share λ_y set to 0 or 1 by the class-size rule (κ, τ). */
  | { kind: 'remix'; alpha: number; kappa: number; tau: number; point: MixingPoint };

export interface MethodSpec {
  loss: LossSpec;
  reweight: ReweightSpec;
  head: HeadKind;
  mixing: MixingSpec;
}

/** The settings that parameterise the MFW lanes by default (the app's MFW settings). */
export interface MfwSettings {
  alpha: number;
  mixingPoint: number;
  weightMode: WeightMode;
  beta: number;
}

export const METHOD_NAMES = ['erm', 'mfw', 'mfw-drw', 'drw', 'rw', 'ldam-drw', 'la', 'mixup', 'manifold-mixup', 'remix-drw'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];
/** Other names a method is known by. */
const ALIASES: Record<string, MethodName> = { bs: 'la' };

export const MAX_LANES = 6;
export const DEFAULT_LANES: readonly string[] = ['erm', 'mfw'];
/** An old link's `drw=1` (DRW on both runs) as lanes. */
export const LEGACY_DRW_LANES: readonly string[] = ['drw', 'mfw-drw'];
/** The two runs of a recording or weights file made before the method lab, in lane order. */
export const LEGACY_RUNS: readonly string[] = ['erm', 'mfw'];

const CB_BETA = 0.9999;
/** DRW switches on at 80 % of the epochs (epoch 160 of 200, kaidic/LDAM-DRW). */
export const DRW_START = 0.8;

interface NamedMethod {
  label: string;
  /** One line: what the method changes and where it comes from. */
  summary: string;
  spec: (mfw: MfwSettings) => MethodSpec;
}

const ce: LossSpec = { kind: 'ce' };
const none = { kind: 'none' } as const;
const mfwMixing = (mfw: MfwSettings): MixingSpec => ({ kind: 'mfw', alpha: mfw.alpha, weightMode: mfw.weightMode, beta: mfw.beta, point: mfw.mixingPoint });
const drw: ReweightSpec = { kind: 'cb', beta: CB_BETA, start: DRW_START };

export const METHODS: Record<MethodName, NamedMethod> = {
  erm: { label: 'ERM', summary: 'Plain cross-entropy training.', spec: () => ({ loss: ce, reweight: none, head: 'linear', mixing: none }) },
  mfw: {
    label: 'MFW',
    summary: 'Major Feature Weakening: major-class features mixed with a partner’s at a hidden layer, labels kept (Ye et al., ICCV 2021).',
    spec: (mfw) => ({ loss: ce, reweight: none, head: 'linear', mixing: mfwMixing(mfw) }),
  },
  'mfw-drw': {
    label: 'MFW-DRW',
    summary: 'MFW with deferred class-balanced re-weighting from 80 % of the epochs (the seed paper’s “MFW w/ DRW”).',
    spec: (mfw) => ({ loss: ce, reweight: drw, head: 'linear', mixing: mfwMixing(mfw) }),
  },
  drw: {
    label: 'DRW',
    summary: 'Cross-entropy, class-balanced weights (β = 0.9999) from 80 % of the epochs (Cao et al., NeurIPS 2019).',
    spec: () => ({ loss: ce, reweight: drw, head: 'linear', mixing: none }),
  },
  rw: {
    label: 'RW',
    summary: 'Cross-entropy with class-balanced weights (β = 0.9999) from the first epoch (Cui et al., CVPR 2019).',
    spec: () => ({ loss: ce, reweight: { kind: 'cb', beta: CB_BETA, start: 0 }, head: 'linear', mixing: none }),
  },
  'ldam-drw': {
    label: 'LDAM-DRW',
    summary: 'Cosine classifier, larger margins for smaller classes (max 0.5, s = 30), DRW from 80 % of the epochs (Cao et al., NeurIPS 2019).',
    spec: () => ({ loss: { kind: 'ldam', maxMargin: 0.5, scale: 30 }, reweight: drw, head: 'cosine', mixing: none }),
  },
  la: {
    label: 'LA',
    summary: 'Logit-adjusted loss CE(z + τ·log π), the same as Balanced Softmax at τ = 1 (Menon et al., ICLR 2021; Ren et al., NeurIPS 2020).',
    spec: () => ({ loss: { kind: 'la', tau: 1 }, reweight: none, head: 'linear', mixing: none }),
  },
  mixup: {
    label: 'mixup',
    summary: 'Input images and labels mixed pairwise, one λ ~ Beta(1, 1) per batch (Zhang et al., ICLR 2018).',
    spec: () => ({ loss: ce, reweight: none, head: 'linear', mixing: { kind: 'mixup', alpha: 1, point: 'input' } }),
  },
  'manifold-mixup': {
    label: 'manifold mixup',
    summary: 'mixup at a layer drawn per batch among the input and the ends of stages 1 and 2, λ ~ Beta(2, 2) (Verma et al., ICML 2019).',
    spec: () => ({ loss: ce, reweight: none, head: 'linear', mixing: { kind: 'mixup', alpha: 2, point: 'random' } }),
  },
  'remix-drw': {
    label: 'Remix-DRW',
    summary: 'mixup whose label goes wholly to the minority class of a lopsided pair (κ = 3, τ = 0.5), with DRW (Chou et al., ECCV-W 2020).',
    spec: () => ({ loss: ce, reweight: drw, head: 'linear', mixing: { kind: 'remix', alpha: 1, kappa: 3, tau: 0.5, point: 'input' } }),
  },
};

/** One editable parameter of a spec: where it lives, its range, how it is written. */
interface ParameterDef {
  key: string;
  label: string;
  appliesTo: (spec: MethodSpec) => boolean;
  get: (spec: MethodSpec) => number | string;
  /** Returns the spec with the value set, or an error message. */
  set: (spec: MethodSpec, text: string) => MethodSpec | string;
}

function numberIn(label: string, min: number, max: number, integer = false) {
  return (text: string): number | string => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) return `${label} must be a number (got “${text}”)`;
    if (integer && !Number.isInteger(value)) return `${label} must be a whole number (got ${text})`;
    if (value < min || value > max) return `${label} must be between ${min} and ${max} (got ${text})`;
    return value;
  };
}

function parsePoint(text: string): MixingPoint | string {
  if (text === 'input' || text === 'random') return text;
  const k = numberIn('point', 1, 28, true)(text);
  return typeof k === 'string' ? `point must be input, random or a convolution group 1–28 (got “${text}”)` : k;
}

type Mixing<K extends MixingSpec['kind']> = Extract<MixingSpec, { kind: K }>;
const isMixing = <K extends MixingSpec['kind']>(spec: MethodSpec, ...kinds: K[]): spec is MethodSpec & { mixing: Mixing<K> } =>
  (kinds as string[]).includes(spec.mixing.kind);

function numberParameter(
  key: string,
  label: string,
  range: [number, number, boolean?],
  appliesTo: (spec: MethodSpec) => boolean,
  get: (spec: MethodSpec) => number,
  set: (spec: MethodSpec, value: number) => MethodSpec,
): ParameterDef {
  const parse = numberIn(label, ...range);
  return { key, label, appliesTo, get, set: (spec, text) => { const value = parse(text); return typeof value === 'string' ? value : set(spec, value); } };
}

const withMixing = (spec: MethodSpec, patch: Partial<Record<string, unknown>>): MethodSpec => ({ ...spec, mixing: { ...spec.mixing, ...patch } as MixingSpec });
const withLoss = (spec: MethodSpec, patch: Partial<Record<string, unknown>>): MethodSpec => ({ ...spec, loss: { ...spec.loss, ...patch } as LossSpec });
const withReweight = (spec: MethodSpec, patch: Partial<Record<string, unknown>>): MethodSpec => ({ ...spec, reweight: { ...spec.reweight, ...patch } as ReweightSpec });

/** Every parameter a lane may set, in the order a canonical id writes them. */
export const PARAMETERS: readonly ParameterDef[] = [
  numberParameter('alpha', 'α (Beta distribution of λ)', [0.05, 10], (s) => s.mixing.kind !== 'none', (s) => (s.mixing as Mixing<'mfw'>).alpha, (s, v) => withMixing(s, { alpha: v })),
  numberParameter('k', 'MFW mixing point (after convolution group k)', [1, 28, true], (s) => isMixing(s, 'mfw'), (s) => (s.mixing as Mixing<'mfw'>).point, (s, v) => withMixing(s, { point: v })),
  {
    key: 'sn', label: 'MFW weight s(N): eq12 or two-level', appliesTo: (s) => isMixing(s, 'mfw'), get: (s) => (s.mixing as Mixing<'mfw'>).weightMode,
    set: (s, text) => (text === 'eq12' || text === 'two-level' ? withMixing(s, { weightMode: text }) : `sn must be eq12 or two-level (got “${text}”)`),
  },
  numberParameter('beta', 'MFW β (softness of Eq. 12)', [0.001, 10], (s) => isMixing(s, 'mfw'), (s) => (s.mixing as Mixing<'mfw'>).beta, (s, v) => withMixing(s, { beta: v })),
  {
    key: 'point', label: 'mixing point: input, random or group k', appliesTo: (s) => isMixing(s, 'mixup', 'remix'), get: (s) => (s.mixing as Mixing<'mixup'>).point,
    set: (s, text) => { const point = parsePoint(text); return typeof point === 'string' && point !== 'input' && point !== 'random' ? point : withMixing(s, { point }); },
  },
  numberParameter('kappa', 'Remix κ (class-size ratio)', [1, 1000], (s) => isMixing(s, 'remix'), (s) => (s.mixing as Mixing<'remix'>).kappa, (s, v) => withMixing(s, { kappa: v })),
  {
    // τ is the logit adjustment's strength for LA and Remix's label threshold for Remix.
    key: 'tau', label: 'τ (LA: adjustment strength 0–5; Remix: label threshold 0–1)',
    appliesTo: (s) => s.loss.kind === 'la' || isMixing(s, 'remix'),
    get: (s) => (s.loss.kind === 'la' ? s.loss.tau : (s.mixing as Mixing<'remix'>).tau),
    set: (s, text) => {
      const value = numberIn('τ', 0, s.loss.kind === 'la' ? 5 : 1)(text);
      if (typeof value === 'string') return value;
      return s.loss.kind === 'la' ? withLoss(s, { tau: value }) : withMixing(s, { tau: value });
    },
  },
  numberParameter('maxm', 'LDAM largest margin max_m', [0, 2], (s) => s.loss.kind === 'ldam', (s) => (s.loss as Extract<LossSpec, { kind: 'ldam' }>).maxMargin, (s, v) => withLoss(s, { maxMargin: v })),
  numberParameter('s', 'LDAM logit scale s', [1, 100], (s) => s.loss.kind === 'ldam', (s) => (s.loss as Extract<LossSpec, { kind: 'ldam' }>).scale, (s, v) => withLoss(s, { scale: v })),
  {
    key: 'weights', label: 'class weights: cb (class-balanced) or inverse (1/N)', appliesTo: (s) => s.reweight.kind !== 'none', get: (s) => s.reweight.kind,
    set: (s, text) => {
      const start = (s.reweight as { start: number }).start;
      if (text === 'cb') return { ...s, reweight: { kind: 'cb', beta: CB_BETA, start } };
      if (text === 'inverse') return { ...s, reweight: { kind: 'inverse', start } };
      return `weights must be cb or inverse (got “${text}”)`;
    },
  },
  numberParameter('cbbeta', 'class-balanced β', [0, 0.999999], (s) => s.reweight.kind === 'cb', (s) => (s.reweight as Extract<ReweightSpec, { kind: 'cb' }>).beta, (s, v) => withReweight(s, { beta: v })),
  numberParameter('start', 're-weighting start, fraction of the epochs (0 throughout, 0.8 DRW, 1 never)', [0, 1], (s) => s.reweight.kind !== 'none', (s) => (s.reweight as { start: number }).start, (s, v) => withReweight(s, { start: v })),
];

export interface Lane {
  /** Canonical text: the method's name and the parameters that differ from its defaults. */
  id: string;
  method: MethodName;
  /** For display: e.g. “LA τ=1.5”. */
  label: string;
  spec: MethodSpec;
}

/**
 * A lane id as part of a file name: ids such as `la:tau=1.5` hold characters that Windows forbids
 * (`:`) or shells mangle, so `:` becomes `_` and `=` becomes `-` (`la_tau-1.5`); ids of methods
 * without parameters (`erm`, `mfw-drw`) stay as they are.
 */
export function fileSafeLaneId(lane: string): string {
  return lane.replaceAll(':', '_').replaceAll('=', '-').replace(/[^A-Za-z0-9._-]/g, '_');
}

/** The parameters a method's spec takes, with its values. */
export function specParameters(spec: MethodSpec): { key: string; label: string; value: string }[] {
  return PARAMETERS.filter((p) => p.appliesTo(spec)).map((p) => ({ key: p.key, label: p.label, value: String(p.get(spec)) }));
}

/** The parameters a named method offers, with their defaults under these MFW settings. */
export function methodParameters(method: MethodName, mfw: MfwSettings): { key: string; label: string; value: string }[] {
  return specParameters(METHODS[method].spec(mfw));
}

/** Parses `name(:key=value)*`; the error names the part that is wrong. */
export function parseLane(text: string, mfw: MfwSettings): Lane | { error: string } {
  const [rawName, ...assignments] = text.trim().split(':');
  const name = rawName.toLowerCase();
  const method = (METHOD_NAMES as readonly string[]).includes(name) ? (name as MethodName) : ALIASES[name];
  if (!method) return { error: `unknown method “${rawName}” (known: ${[...METHOD_NAMES, ...Object.keys(ALIASES)].join(', ')})` };
  const defaults = METHODS[method].spec(mfw);
  let spec = defaults;
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    const key = eq < 0 ? assignment : assignment.slice(0, eq);
    const parameter = PARAMETERS.find((p) => p.key === key && p.appliesTo(spec));
    if (!parameter || eq < 0) {
      const offered = PARAMETERS.filter((p) => p.appliesTo(defaults)).map((p) => p.key);
      return { error: `${method}: “${assignment}” is not a parameter=value of this method (${offered.length ? `it takes ${offered.join(', ')}` : 'it takes none'})` };
    }
    const next = parameter.set(spec, assignment.slice(eq + 1));
    if (typeof next === 'string') return { error: `${method}: ${next}` };
    spec = next;
  }
  const changed = PARAMETERS.filter((p) => p.appliesTo(spec) && String(p.get(spec)) !== String(p.get(defaults))).map((p) => `${p.key}=${p.get(spec)}`);
  const label = [METHODS[method].label, ...changed.map((c) => c.replace('alpha=', 'α=').replace('tau=', 'τ=').replace('kappa=', 'κ='))].join(' ');
  return { id: [method, ...changed].join(':'), method, label, spec };
}

/** The lane with one parameter set (its id canonical again: a value back at the default drops out of it), or why not. */
export function withLaneParameter(lane: Lane, key: string, text: string, mfw: MfwSettings): Lane | { error: string } {
  return parseLane(`${lane.id}:${key}=${text}`, mfw);
}

/** Lanes from their texts: each valid, unique by id, at most MAX_LANES; null with the reasons otherwise. */
export function parseLanes(texts: readonly string[], mfw: MfwSettings): { lanes: Lane[]; problems: string[] } {
  const problems: string[] = [];
  const lanes: Lane[] = [];
  if (texts.length === 0) problems.push('at least one method is needed');
  if (texts.length > MAX_LANES) problems.push(`at most ${MAX_LANES} methods train at once (got ${texts.length})`);
  for (const text of texts) {
    const lane = parseLane(text, mfw);
    if ('error' in lane) problems.push(lane.error);
    else if (lanes.some((l) => l.id === lane.id)) problems.push(`the method ${lane.id} is listed twice`);
    else lanes.push(lane);
  }
  return { lanes, problems };
}

// ---- Formulas -------------------------------------------------------------------------------------

/** Class-balanced weights w_c = (1 − β)/(1 − β^{N_c}), normalised to sum to C (richardaecn/class-balanced-loss cifar_main.py). */
export function classBalancedWeights(counts: readonly number[], beta = CB_BETA): number[] {
  const raw = counts.map((n) => (1 - beta) / (1 - Math.pow(beta, n)));
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => (w / sum) * counts.length);
}

/** Inverse-frequency weights w_c ∝ 1/N_c, normalised to sum to C (mean 1; the LDAM paper's “RW”). */
export function inverseFrequencyWeights(counts: readonly number[]): number[] {
  const raw = counts.map((n) => 1 / n);
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => (w / sum) * counts.length);
}

/** The 0-based epoch from which a re-weighting starts: floor(start·epochs) (DRW: 160 of 200). */
export function reweightStartEpoch(start: number, epochs: number): number {
  return Math.floor(start * epochs);
}

/** The class weights in force during 0-based `epoch`, or null (every weight 1). */
export function classWeightsAt(reweight: ReweightSpec, counts: readonly number[], epoch: number, epochs: number): number[] | null {
  if (reweight.kind === 'none' || epoch < reweightStartEpoch(reweight.start, epochs)) return null;
  return reweight.kind === 'cb' ? classBalancedWeights(counts, reweight.beta) : inverseFrequencyWeights(counts);
}

/** LDAM margins (kaidic/LDAM-DRW losses.py): m_c = 1/N_c^{1/4}, rescaled so the largest is max_m. */
export function ldamMargins(counts: readonly number[], maxMargin: number): number[] {
  const raw = counts.map((n) => 1 / Math.sqrt(Math.sqrt(n)));
  const largest = Math.max(...raw);
  return raw.map((m) => m * (maxMargin / largest));
}

/** log π_c = log(N_c/N + 1e-12), the class prior of the logit adjustment (google-research logit_adjustment utils.py). */
export function logPrior(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((n) => Math.log(n / total + 1e-12));
}

/** The factor on a cosine head's logits: LDAM's s; 1 for a cosine head under another loss. */
export function logitScale(spec: MethodSpec): number {
  return spec.head === 'cosine' && spec.loss.kind === 'ldam' ? spec.loss.scale : 1;
}

/**
 * Per-class logit offsets added in training: LA's τ·log π_c for every sample, LDAM's −s·m_{y} on the
 * target entry. Returns, per label y, the offset row [C] a sample of class y gets; null when none.
 */
export function trainingLogitOffsets(spec: MethodSpec, counts: readonly number[]): number[][] | null {
  const C = counts.length;
  if (spec.loss.kind === 'la') {
    const { tau } = spec.loss;
    const row = logPrior(counts).map((l) => tau * l);
    return counts.map(() => row);
  }
  if (spec.loss.kind === 'ldam') {
    const margins = ldamMargins(counts, spec.loss.maxMargin);
    const scale = logitScale(spec);
    return margins.map((m, y) => Array.from({ length: C }, (_, c) => (c === y ? -scale * m : 0)));
  }
  return null;
}

// ---- Each lane's random draws -----------------------------------------------------------------------

/**
 * What a lane's draws depend on. Lanes with equal keys draw equal numbers (same pairs, same λ), so
 * Remix at τ = 0 equals mixup and an MFW lane with DRW mixes exactly like MFW: a controlled comparison.
 * Null for a lane without draws.
 */
export function drawKey(spec: MethodSpec): string | null {
  const m = spec.mixing;
  if (m.kind === 'none') return null;
  if (m.kind === 'mfw') return `mfw:alpha=${m.alpha}`;
  return `pair:alpha=${m.alpha}:point=${m.point}`;
}

/** 32-bit FNV-1a of a text. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A lane's own stream, from the seed and its draw key only (so other lanes never change it). */
export function laneStream(seed: number, key: string): Rng {
  return new Rng(fnv1a(`${seed}|${key}`));
}

/** One step's mixing for a lane, drawn on the host. */
export interface MixingDraw {
  /** 'input' or the convolution group after which features mix. */
  point: 'input' | number;
  /** Partner of each sample. */
  permutation: Int32Array;
  /** Per sample, the partner's share in the mixed input or feature: MFW's λ_n; mixup's and Remix's 1 − λ. */
  partnerWeight: Float32Array;
  /** Per sample, the share of the loss on the sample's own label (the rest on its partner's): 1 for MFW, λ for mixup, λ_y for Remix. */
  labelShare: Float32Array;
}

/** The groups manifold mixup draws among: the input, and the ends of stages 1 and 2 (vikasverma1077/manifold_mixup, k ∈ {0, 1, 2}). */
export function randomMixingPoints(blocksPerStage: number): ('input' | number)[] {
  return ['input', 1 + blocksPerStage, 1 + 2 * blocksPerStage];
}

/**
 * Draws one step's mixing from the lane's stream, in a fixed order: MFW, the permutation then one
 * Beta per sample (Alg. 1); mixup and Remix, λ then the permutation then, for a random point, the point.
 */
export function drawMixing(
  mixing: Exclude<MixingSpec, { kind: 'none' }>,
  labels: ArrayLike<number>,
  counts: readonly number[],
  blocksPerStage: number,
  rng: Rng,
  /** MFW's s(N_c) per class in place of the spec's (tests: all 0 makes MFW ERM). */
  mfwScale?: readonly number[],
): MixingDraw {
  const B = labels.length;
  if (mixing.kind === 'mfw') {
    const s = mfwScale ?? mfwWeights(counts, mixing.weightMode, mixing.beta);
    const permutation = rng.permutation(B);
    const partnerWeight = Float32Array.from(labels, (y) => s[y] * rng.beta(mixing.alpha, mixing.alpha));
    return { point: mixing.point, permutation, partnerWeight, labelShare: new Float32Array(B).fill(1) };
  }
  const lambda = rng.beta(mixing.alpha, mixing.alpha);
  const permutation = rng.permutation(B);
  let point: 'input' | number;
  if (mixing.point === 'random') {
    const points = randomMixingPoints(blocksPerStage);
    point = points[rng.int(points.length)];
  } else point = mixing.point;
  const partnerWeight = new Float32Array(B).fill(1 - lambda);
  const labelShare = new Float32Array(B).fill(lambda);
  if (mixing.kind === 'remix') {
    for (let n = 0; n < B; n++) labelShare[n] = remixLabelShare(lambda, counts[labels[n]], counts[labels[permutation[n]]], mixing.kappa, mixing.tau);
  }
  return { point, permutation, partnerWeight, labelShare };
}

/**
 * Remix's λ_y (Eq. 10; zhangyongshun/BagofTricks-LT combiner.py remix): 0 when the sample's class is
 * κ times larger than its partner's and λ < τ; 1 when it is κ times smaller and 1 − λ < τ; else λ.
 */
export function remixLabelShare(lambda: number, ownCount: number, partnerCount: number, kappa: number, tau: number): number {
  let share = lambda;
  if (lambda < tau && ownCount / partnerCount >= kappa) share = 0;
  if (1 - lambda < tau && (ownCount * kappa) / partnerCount <= 1) share = 1;
  return share;
}

/**
 * The loss targets of a batch [B·C], row-major: T[n, y_n] += w_{y_n}·a_n and T[n, y_perm(n)] +=
 * w_{y_perm(n)}·(1 − a_n), with a the label share and w the class weights in force (1 without). The
 * loss is Σ T·(−log p) / Σ T: PyTorch's weighted mean for one-hot rows, and the mixed-label loss
 * λ·CE(y) + (1 − λ)·CE(y[perm]) with each term's weighted mean (their denominators are equal).
 */
export function lossTargets(labels: ArrayLike<number>, numClasses: number, classWeights: readonly number[] | null, draw: MixingDraw | null): Float32Array {
  const B = labels.length;
  const targets = new Float32Array(B * numClasses);
  const weight = (c: number) => (classWeights ? classWeights[c] : 1);
  for (let n = 0; n < B; n++) {
    const y = labels[n];
    const share = draw ? draw.labelShare[n] : 1;
    targets[n * numClasses + y] += weight(y) * share;
    if (draw && share !== 1) {
      const partner = labels[draw.permutation[n]];
      targets[n * numClasses + partner] += weight(partner) * (1 - share);
    }
  }
  return targets;
}
