/**
 * The whole configuration of one twin experiment (ERM beside MFW): the single source of defaults,
 * ranges and validation for the settings panel, the URL, the engine and the headless scripts.
 * Nothing outside this module decides whether a setting is in range.
 */
import { MAX_TRAIN_PER_CLASS, TEST_PER_CLASS, presetCounts, type ImbalancePreset } from './imbalance.ts';
import { DEFAULT_LANES, LEGACY_DRW_LANES, parseLanes, type Lane } from '../core/methods.ts';

export const CIFAR10_CLASS_NAMES = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
] as const;

export const NUM_CHOSEN_CLASSES = 4;
export const BLOCKS_PER_STAGE_CHOICES = [1, 2, 3, 5, 7, 9] as const;
export const WIDTH_CHOICES = [0.25, 0.5, 1] as const;

export type WeightMode = 'eq12' | 'two-level';
export type BackendChoice = 'auto' | 'webgpu' | 'webgl' | 'wasm';

export interface ExperimentConfig {
  /** CIFAR-10 class ids, ordered major → minor. */
  classes: number[];
  /** Training images per chosen class (same order as `classes`). */
  trainCounts: number[];
  /** Which preset produced `trainCounts` (for display and the URL); 'custom' when edited by hand. */
  imbalance: ImbalancePreset;
  /** ρ for the step and long-tailed presets. */
  ratio: number;
  /** Seeds the initial weights, the batch order, the augmentation, the plotted sample and every lane's draws. */
  seed: number;
  /**
   * Seeds which images of each class are drawn: the imbalanced training subset, and the test sample
   * when testPerClass is below the whole test set. Links, files and command lines that give a seed
   * without one mean this seed (before the split one seed did both), so they reproduce as before.
   */
  subsetSeed: number;
  /** BasicBlocks per stage, n: ResNet-(6n+2). */
  blocksPerStage: number;
  /** Channel multiplier on 16/32/64 (1 = the paper's network; smaller for quick tests). */
  width: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  warmupEpochs: number;
  momentum: number;
  weightDecay: number;
  /**
   * The lanes trained side by side, in order: method ids as core/methods.ts writes them (`mfw`,
   * `la:tau=1.5`), canonical, unique, 1 to MAX_LANES. The MFW settings below are the MFW lanes' defaults.
   */
  methods: string[];
  /**
   * What the seed means for the lanes' own random draws. 2: each lane draws from a stream of (seed,
   * its spec), so lanes never change each other's numbers. 1: before the method lab, MFW drew from
   * one shared stream; links, recordings and weights made then open with 1 and reproduce exactly.
   */
  seedVersion: 1 | 2;
  /** MFW: Beta(α, α) for λ. */
  alpha: number;
  /** MFW: number of convolution groups (stem = 1, then one per residual block) in g_θ. */
  mixingPoint: number;
  /** MFW: s(N_c) by Eq. 12, or 0.5 for major / 0 for minor classes (§4). */
  weightMode: WeightMode;
  /** MFW: softness β of Eq. 12 (2.0 long-tailed, 0.01 step). */
  beta: number;
  /** At most this many training points per scatter plot (a seeded subsample). */
  trainFeatureSample: number;
  /**
   * Test images per class for the epoch-end evaluation and the test scatter: a seeded subset
   * sampled like the training one; TEST_PER_CLASS (1000) is the whole balanced test set.
   */
  testPerClass: number;
  backend: BackendChoice;
}

interface NumberField {
  kind: 'number';
  min: number;
  max: number;
  integer: boolean;
  label: string;
  /** Allowed values, where the field is a choice among numbers. */
  choices?: readonly number[];
}
interface EnumField<T extends string> {
  kind: 'enum';
  choices: readonly T[];
  label: string;
}

type ScalarKey = Exclude<keyof ExperimentConfig, 'classes' | 'trainCounts' | 'methods'>;
type FieldSpec = NumberField | EnumField<string>;

/** Ranges and labels for every scalar setting. */
export const FIELDS: Record<ScalarKey, FieldSpec> = {
  imbalance: { kind: 'enum', choices: ['paper', 'step', 'long-tailed', 'custom'], label: 'Imbalance preset' },
  ratio: { kind: 'number', min: 10, max: 200, integer: true, choices: [10, 100, 200], label: 'Imbalance ratio ρ' },
  seed: { kind: 'number', min: 0, max: 2 ** 31 - 1, integer: true, label: 'Seed' },
  subsetSeed: { kind: 'number', min: 0, max: 2 ** 31 - 1, integer: true, label: 'Subset seed' },
  blocksPerStage: { kind: 'number', min: 1, max: 9, integer: true, choices: BLOCKS_PER_STAGE_CHOICES, label: 'Blocks per stage n (ResNet-6n+2)' },
  width: { kind: 'number', min: 0.25, max: 1, integer: false, choices: WIDTH_CHOICES, label: 'Width multiplier' },
  epochs: { kind: 'number', min: 1, max: 400, integer: true, label: 'Epochs' },
  batchSize: { kind: 'number', min: 2, max: 512, integer: true, label: 'Batch size' },
  learningRate: { kind: 'number', min: 1e-5, max: 1, integer: false, label: 'Learning rate' },
  warmupEpochs: { kind: 'number', min: 0, max: 20, integer: true, label: 'Linear warm-up epochs' },
  momentum: { kind: 'number', min: 0, max: 0.99, integer: false, label: 'Momentum' },
  weightDecay: { kind: 'number', min: 0, max: 1e-2, integer: false, label: 'Weight decay' },
  seedVersion: { kind: 'number', min: 1, max: 2, integer: true, choices: [1, 2], label: 'Seed semantics version' },
  alpha: { kind: 'number', min: 0.05, max: 10, integer: false, label: 'MFW α (Beta distribution)' },
  mixingPoint: { kind: 'number', min: 1, max: 28, integer: true, label: 'MFW mixing point (after group k)' },
  weightMode: { kind: 'enum', choices: ['eq12', 'two-level'], label: 'MFW weight s(N)' },
  beta: { kind: 'number', min: 0.001, max: 10, integer: false, label: 'MFW β (softness of Eq. 12)' },
  trainFeatureSample: { kind: 'number', min: 100, max: 10000, integer: true, label: 'Training points plotted' },
  testPerClass: { kind: 'number', min: 10, max: TEST_PER_CLASS, integer: true, label: 'Test images per class' },
  backend: { kind: 'enum', choices: ['auto', 'webgpu', 'webgl', 'wasm'], label: 'Backend' },
};

/** The paper's §4 illustrative experiment on the paper's network. */
export const PAPER_CONFIG: ExperimentConfig = {
  classes: [0, 1, 2, 3],
  trainCounts: presetCounts('paper', NUM_CHOSEN_CLASSES, 100),
  imbalance: 'paper',
  ratio: 100,
  seed: 1,
  subsetSeed: 1,
  blocksPerStage: 5,
  width: 1,
  epochs: 200,
  batchSize: 128,
  learningRate: 0.1,
  warmupEpochs: 0,
  momentum: 0.9,
  weightDecay: 2e-4,
  methods: [...DEFAULT_LANES],
  seedVersion: 2,
  alpha: 2,
  mixingPoint: 2,
  weightMode: 'two-level',
  beta: 0.01,
  trainFeatureSample: 2000,
  testPerClass: TEST_PER_CLASS,
  backend: 'auto',
};

/** The default: the same experiment on ResNet-8 for a few tens of epochs, so a class sees it in minutes. */
export const CLASSROOM_CONFIG: ExperimentConfig = { ...PAPER_CONFIG, blocksPerStage: 1, epochs: 40 };

/**
 * The same experiment in half the epochs, sized for a lesson. The cosine schedule still anneals to
 * zero, so the run ends converged enough to show MFW's effect on the minor classes in most seeds (the
 * evidence, measured, is PRESET_EVIDENCE.quick in src/views/controls/presets.ts).
 */
export const QUICK_CONFIG: ExperimentConfig = { ...CLASSROOM_CONFIG, epochs: 20 };

export const DEFAULT_CONFIG = CLASSROOM_CONFIG;

export type TimePresetName = 'quick' | 'classroom' | 'paper';

/** The presets for time, shortest first: they set the network and the length, not the classes, seeds or backend. */
export const TIME_PRESETS: Record<TimePresetName, ExperimentConfig> = { quick: QUICK_CONFIG, classroom: CLASSROOM_CONFIG, paper: PAPER_CONFIG };

/** `draft` with a time preset applied: the preset's settings, the user's classes, seeds, lanes and backend. */
export function withTimePreset(draft: ExperimentConfig, preset: ExperimentConfig): ExperimentConfig {
  const { config } = validateConfig({ ...preset, methods: draft.methods, seedVersion: draft.seedVersion }, { ...preset, methods: [...draft.methods] });
  return { ...config, classes: [...draft.classes], trainCounts: [...preset.trainCounts], seed: draft.seed, subsetSeed: draft.subsetSeed, backend: draft.backend };
}

/** The time preset `config` is (classes, seeds, lanes and backend aside), or null. */
export function timePresetOf(config: ExperimentConfig): TimePresetName | null {
  const names = Object.keys(TIME_PRESETS) as TimePresetName[];
  return names.find((name) => sameConfig(withTimePreset(config, TIME_PRESETS[name]), config)) ?? null;
}

/** Whether two configurations are equal in every setting (whatever the order of their keys). */
export function sameConfig(a: ExperimentConfig, b: ExperimentConfig): boolean {
  return (Object.keys(a) as (keyof ExperimentConfig)[]).every((key) => JSON.stringify(a[key]) === JSON.stringify(b[key]));
}

/** Number of convolution groups in a network with n blocks per stage: the stem plus 3n blocks. */
export function convolutionGroups(blocksPerStage: number): number {
  return 1 + 3 * blocksPerStage;
}

/**
 * Settings as they arrive from a link, a file or the command line. `drw` is the setting before the
 * method lab (DRW on both runs): `drw: true` without `methods` means the lanes DRW and MFW-DRW.
 */
export type ConfigInput = Partial<Record<keyof ExperimentConfig | 'drw', unknown>>;

export interface ValidationResult {
  config: ExperimentConfig;
  /** One human-readable message per rejected or corrected setting; empty when all was valid. */
  problems: string[];
}

function checkNumber(spec: NumberField, value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${spec.label} must be a number (got ${String(value)}).`;
  if (spec.integer && !Number.isInteger(value)) return `${spec.label} must be a whole number (got ${value}).`;
  if (spec.choices && !spec.choices.includes(value)) return `${spec.label} must be one of ${spec.choices.join(', ')} (got ${value}).`;
  if (value < spec.min || value > spec.max) return `${spec.label} must be between ${spec.min} and ${spec.max} (got ${value}).`;
  return null;
}

/**
 * Validates a possibly partial, possibly hostile configuration. Every invalid field is replaced by
 * the default's value and reported, so the result is always a configuration the engine accepts.
 */
export function validateConfig(input: ConfigInput, base: ExperimentConfig = DEFAULT_CONFIG): ValidationResult {
  const problems: string[] = [];
  const config: ExperimentConfig = { ...base, classes: [...base.classes], trainCounts: [...base.trainCounts], methods: [...base.methods] };
  const out = config as unknown as Record<string, unknown>;

  for (const key of Object.keys(FIELDS) as ScalarKey[]) {
    if (!(key in input) || input[key] === undefined) continue;
    const spec = FIELDS[key];
    const value = input[key];
    let problem: string | null = null;
    if (spec.kind === 'number') problem = checkNumber(spec, value);
    else problem = spec.choices.includes(value as string) ? null : `${spec.label} must be one of ${spec.choices.join(', ')} (got ${String(value)}).`;
    if (problem) problems.push(problem);
    else out[key] = value;
  }
  // A seed without a (valid) subset seed sets both: that is what one seed meant before the split, so a
  // link, file or command line of that time draws the same subset. (The settings panel passes both.)
  if (input.seed !== undefined && config.seed === input.seed && config.subsetSeed !== input.subsetSeed) config.subsetSeed = config.seed;

  if (input.classes !== undefined) {
    const classes = input.classes;
    const valid =
      Array.isArray(classes) &&
      classes.length === NUM_CHOSEN_CLASSES &&
      classes.every((c) => Number.isInteger(c) && c >= 0 && c < CIFAR10_CLASS_NAMES.length) &&
      new Set(classes).size === classes.length;
    if (valid) config.classes = [...(classes as number[])];
    else problems.push(`Classes must be ${NUM_CHOSEN_CLASSES} different CIFAR-10 class ids from 0 to 9 (got ${JSON.stringify(classes)}).`);
  }

  if (config.imbalance === 'custom') {
    if (input.trainCounts !== undefined) {
      const counts = input.trainCounts;
      const valid =
        Array.isArray(counts) &&
        counts.length === NUM_CHOSEN_CLASSES &&
        counts.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_TRAIN_PER_CLASS);
      if (valid) config.trainCounts = [...(counts as number[])];
      else problems.push(`Training counts must be ${NUM_CHOSEN_CLASSES} whole numbers from 1 to ${MAX_TRAIN_PER_CLASS} (got ${JSON.stringify(counts)}).`);
    }
  } else {
    config.trainCounts = presetCounts(config.imbalance, NUM_CHOSEN_CLASSES, config.ratio);
  }

  const groups = convolutionGroups(config.blocksPerStage);
  if (config.mixingPoint > groups) {
    problems.push(`MFW mixing point must be at most ${groups} for ResNet-${6 * config.blocksPerStage + 2} (got ${config.mixingPoint}); using ${Math.min(base.mixingPoint, groups)}.`);
    config.mixingPoint = Math.min(base.mixingPoint, groups);
  }
  const methods = input.methods ?? (input.drw === true ? LEGACY_DRW_LANES : undefined);
  if (input.drw !== undefined && typeof input.drw !== 'boolean') problems.push(`DRW must be true or false (got ${String(input.drw)}).`);
  if (methods !== undefined) {
    if (!Array.isArray(methods) || !methods.every((m) => typeof m === 'string')) problems.push(`Methods must be a list of method names (got ${JSON.stringify(methods)}).`);
    else {
      const { lanes, problems: laneProblems } = parseLanes(methods as string[], config);
      const tooDeep = lanes.filter((lane) => lane.spec.mixing.kind !== 'none' && typeof lane.spec.mixing.point === 'number' && lane.spec.mixing.point > groups);
      for (const lane of tooDeep) laneProblems.push(`${lane.id} mixes after group ${String(lane.spec.mixing.kind !== 'none' && lane.spec.mixing.point)}, but ResNet-${6 * config.blocksPerStage + 2} has ${groups}`);
      if (laneProblems.length) problems.push(`Methods: ${laneProblems.join('; ')}; using ${base.methods.join(', ')}.`);
      else config.methods = lanes.map((lane) => lane.id);
    }
  } else {
    // The defaults of MFW lanes follow the MFW settings: keep the ids canonical under the new ones.
    const { lanes, problems: laneProblems } = parseLanes(config.methods, config);
    if (!laneProblems.length) config.methods = lanes.map((lane) => lane.id);
  }
  if (config.warmupEpochs >= config.epochs && config.warmupEpochs > 0) {
    problems.push(`Warm-up (${config.warmupEpochs} epochs) must be shorter than the run (${config.epochs} epochs); warm-up turned off.`);
    config.warmupEpochs = 0;
  }
  return { config, problems };
}

/**
 * A configuration read from a file (a recording, a weights file): it must be complete and valid as
 * it stands, since replacing a value would misdescribe what the file holds. Null with the reasons otherwise.
 */
export function strictConfig(value: unknown): { config: ExperimentConfig | null; problems: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { config: null, problems: ['the configuration must be an object of settings.'] };
  // Files made before the method lab have no lanes (`drw` instead) and the first seed semantics;
  // files made before the subset seed was split off have none: their seed drew the subset too.
  const input: ConfigInput = { seedVersion: 1, ...(value as ConfigInput) };
  const legacy = predatesMethodLab(input);
  const missing = Object.keys(DEFAULT_CONFIG).filter((key) => !(key in input) && !(key === 'methods' && legacy) && key !== 'subsetSeed');
  const { config, problems } = validateConfig(legacy ? { ...input, methods: input.drw === true ? LEGACY_DRW_LANES : DEFAULT_LANES } : input);
  const all = [...(missing.length ? [`the configuration lacks ${missing.join(', ')}.`] : []), ...problems];
  if (JSON.stringify(config.trainCounts) !== JSON.stringify(input.trainCounts)) {
    all.push(`the training counts ${JSON.stringify(input.trainCounts)} do not match the “${config.imbalance}” imbalance preset.`);
  }
  return all.length ? { config: null, problems: all } : { config, problems: [] };
}

/** Whether a file's configuration was written before the method lab: it names no lanes (its runs are LEGACY_RUNS). */
export function predatesMethodLab(config: unknown): boolean {
  return typeof config === 'object' && config !== null && !('methods' in config);
}

/** The configuration's lanes (its methods are valid: validateConfig saw to that). */
export function lanesOf(config: ExperimentConfig): Lane[] {
  const { lanes, problems } = parseLanes(config.methods, config);
  if (problems.length) throw new Error(`Invalid methods: ${problems.join('; ')}`);
  return lanes;
}

/**
 * Which images a configuration trains and tests on, as the data module's subset request (src/data/subset.ts
 * SubsetRequest): drawn by the subset seed. Every loader of a configuration's data goes through here.
 */
export function subsetRequestOf(config: Pick<ExperimentConfig, 'classes' | 'trainCounts' | 'subsetSeed' | 'testPerClass'>) {
  return { classes: [...config.classes], trainCounts: [...config.trainCounts], seed: config.subsetSeed, testPerClass: config.testPerClass };
}

/** Total training images of a configuration. */
export function trainSetSize(config: ExperimentConfig): number {
  return config.trainCounts.reduce((a, b) => a + b, 0);
}
