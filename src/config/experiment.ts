/**
 * The whole configuration of one twin experiment (ERM beside MFW): the single source of defaults,
 * ranges and validation for the settings panel, the URL, the engine and the headless scripts.
 * Nothing outside this module decides whether a setting is in range.
 */
import { MAX_TRAIN_PER_CLASS, PAPER_SECTION4_COUNTS, TEST_PER_CLASS, presetCounts, type ImbalancePreset } from './imbalance.ts';
import { DEFAULT_LANES, LEGACY_DRW_LANES, parseLanes, type Lane } from '../core/methods.ts';
import type { FeatureDim } from '../core/architecture.ts';
import { LDAM_WARMUP_EPOCHS, type ScheduleName } from '../core/schedule.ts';

export const CIFAR10_CLASS_NAMES = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
] as const;

/** Classes the app trains and shows (its settings, links, recordings and weights files). */
export const NUM_CHOSEN_CLASSES = 4;
/**
 * Classes the engine and the command line train (npm run experiment, npm run sweep): 2 to all 10 of
 * CIFAR-10, for the paper's Table 1 settings beside the app's four.
 */
export const ENGINE_CLASS_COUNTS = { min: 2, max: 10 } as const;
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
  /**
   * The feature the classifier reads. 2: the pooled feature projected to the plotted 2-D feature (the
   * app's network, the seed paper's §4). 64: the pooled feature itself, no projection: 64·width
   * dimensions, 64 on the width-1 network that Table 1 and kaidic/LDAM-DRW use. The app shows 2 only.
   */
  featureDim: FeatureDim;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /**
   * The learning-rate schedule (core/schedule.ts): 'cosine' (§4, after warmupEpochs of linear warm-up)
   * or 'ldam' (kaidic/LDAM-DRW's: 5 epochs of warm-up, ×0.01 and ×0.0001 at 80 % and 90 % of the
   * epochs, i.e. epochs 160 and 180 of 200). The app trains with 'cosine' only.
   */
  schedule: ScheduleName;
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
  featureDim: { kind: 'number', min: 2, max: 64, integer: true, choices: [2, 64], label: 'Feature dimension' },
  epochs: { kind: 'number', min: 1, max: 400, integer: true, label: 'Epochs' },
  batchSize: { kind: 'number', min: 2, max: 512, integer: true, label: 'Batch size' },
  learningRate: { kind: 'number', min: 1e-5, max: 1, integer: false, label: 'Learning rate' },
  schedule: { kind: 'enum', choices: ['cosine', 'ldam'], label: 'Learning-rate schedule' },
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
  featureDim: 2,
  epochs: 200,
  batchSize: 128,
  learningRate: 0.1,
  schedule: 'cosine',
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

/** The settings in which two configurations differ, those in `ignored` aside (whatever the order of their keys). */
export function differingSettings(a: ExperimentConfig, b: ExperimentConfig, ignored: ReadonlySet<keyof ExperimentConfig> = new Set()): (keyof ExperimentConfig)[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])] as (keyof ExperimentConfig)[];
  return keys.filter((key) => !ignored.has(key) && JSON.stringify(a[key]) !== JSON.stringify(b[key]));
}

/** Whether two configurations are equal in every setting. */
export function sameConfig(a: ExperimentConfig, b: ExperimentConfig): boolean {
  return differingSettings(a, b).length === 0;
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
 * Who a configuration is for. 'app': the page, its links, recordings and weights files: four classes,
 * the plotted 2-D feature and the cosine schedule. 'engine': the engine's command line (npm run
 * experiment, npm run sweep), which also trains 2 to 10 classes, the 64-d feature and the LDAM
 * schedule: the paper's Table 1 protocol.
 */
export type ConfigScope = 'app' | 'engine';

/** Why the app cannot take settings that only the command line trains; null for the app's defaults. */
function appOnlyProblem(key: 'featureDim' | 'schedule', value: unknown): string | null {
  if (key === 'featureDim' && value !== 2) {
    return `${FIELDS.featureDim.label} ${String(value)} (fd) is for the command line (npm run experiment, the paper's Table 1 protocol): the app plots the 2-D feature; using 2.`;
  }
  if (key === 'schedule' && value !== 'cosine') {
    return `${FIELDS.schedule.label} “${String(value)}” (sched) is for the command line (npm run experiment, the paper's Table 1 protocol): the app trains with the cosine schedule; using cosine.`;
  }
  return null;
}

/**
 * Validates a possibly partial, possibly hostile configuration. Every invalid field is replaced by
 * the default's value and reported, so the result is always a configuration the engine accepts.
 * `scope` says whose limits apply (ConfigScope): the app's unless the command line asks.
 */
export function validateConfig(input: ConfigInput, base: ExperimentConfig = DEFAULT_CONFIG, scope: ConfigScope = 'app'): ValidationResult {
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
    if (!problem && scope === 'app' && (key === 'featureDim' || key === 'schedule')) problem = appOnlyProblem(key, value);
    if (problem) problems.push(problem);
    else out[key] = value;
  }
  // A seed without a (valid) subset seed sets both: that is what one seed meant before the split, so a
  // link, file or command line of that time draws the same subset. (The settings panel passes both.)
  if (input.seed !== undefined && config.seed === input.seed && config.subsetSeed !== input.subsetSeed) config.subsetSeed = config.seed;

  const classCounts = scope === 'app' ? { min: NUM_CHOSEN_CLASSES, max: NUM_CHOSEN_CLASSES } : ENGINE_CLASS_COUNTS;
  const howMany = classCounts.min === classCounts.max ? String(classCounts.min) : `${classCounts.min} to ${classCounts.max}`;
  if (input.classes !== undefined) {
    const classes = input.classes;
    const valid =
      Array.isArray(classes) &&
      classes.length >= classCounts.min &&
      classes.length <= classCounts.max &&
      classes.every((c) => Number.isInteger(c) && c >= 0 && c < CIFAR10_CLASS_NAMES.length) &&
      new Set(classes).size === classes.length;
    if (valid) config.classes = [...(classes as number[])];
    else {
      // The app names where other class counts train, when that is all that is wrong.
      const elsewhere =
        scope === 'app' && Array.isArray(classes) && classes.length !== NUM_CHOSEN_CLASSES && classes.length >= ENGINE_CLASS_COUNTS.min && classes.length <= ENGINE_CLASS_COUNTS.max
          ? ` The app trains ${NUM_CHOSEN_CLASSES} classes; ${ENGINE_CLASS_COUNTS.min} to ${ENGINE_CLASS_COUNTS.max} train from the command line (npm run experiment).`
          : '';
      problems.push(`Classes must be ${howMany} different CIFAR-10 class ids from 0 to 9 (got ${JSON.stringify(classes)}).${elsewhere}`);
    }
  }
  const K = config.classes.length;

  if (config.imbalance === 'paper' && K !== PAPER_SECTION4_COUNTS.length) {
    problems.push(`The paper preset is §4's ${PAPER_SECTION4_COUNTS.length} classes (${PAPER_SECTION4_COUNTS.join(', ')}), not ${K}: choose imbalance long-tailed, step or custom.`);
    config.classes = [...(base.classes.length === PAPER_SECTION4_COUNTS.length ? base : DEFAULT_CONFIG).classes];
  }
  if (config.imbalance === 'custom') {
    if (input.trainCounts !== undefined) {
      const counts = input.trainCounts;
      const valid =
        Array.isArray(counts) &&
        counts.length === config.classes.length &&
        counts.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_TRAIN_PER_CLASS);
      if (valid) config.trainCounts = [...(counts as number[])];
      else problems.push(`Training counts must be ${config.classes.length} whole numbers (one per class) from 1 to ${MAX_TRAIN_PER_CLASS} (got ${JSON.stringify(counts)}).`);
    }
    if (config.trainCounts.length !== config.classes.length) {
      // Said already when the counts given were wrong; otherwise the classes changed without counts.
      if (input.trainCounts === undefined) problems.push(`Custom imbalance needs one training count per class: ${config.classes.length} classes, ${config.trainCounts.length} counts.`);
      config.classes = [...base.classes];
      config.trainCounts = [...base.trainCounts];
    }
  } else {
    config.trainCounts = presetCounts(config.imbalance, config.classes.length, config.ratio);
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
  if (config.schedule === 'ldam' && config.warmupEpochs > 0) {
    problems.push(`The LDAM schedule has its own warm-up (${LDAM_WARMUP_EPOCHS} epochs, as kaidic/LDAM-DRW), so Linear warm-up epochs must be 0 with it (got ${config.warmupEpochs}); warm-up turned off.`);
    config.warmupEpochs = 0;
  }
  return { config, problems };
}

/** What a file or link without these settings trained: every one before they existed. */
export const LEGACY_TRAINING = { featureDim: 2, schedule: 'cosine' } as const satisfies Partial<ExperimentConfig>;

/**
 * A configuration read from a file (a recording, a weights file): it must be complete and valid as
 * it stands, since replacing a value would misdescribe what the file holds. Null with the reasons otherwise.
 */
export function strictConfig(value: unknown, scope: ConfigScope = 'app'): { config: ExperimentConfig | null; problems: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { config: null, problems: ['the configuration must be an object of settings.'] };
  // Files made before the method lab have no lanes (`drw` instead) and the first seed semantics;
  // files made before the subset seed was split off have none: their seed drew the subset too;
  // files made before the 64-d feature and the LDAM schedule trained the 2-D feature with the cosine one.
  const input: ConfigInput = { seedVersion: 1, ...LEGACY_TRAINING, ...(value as ConfigInput) };
  const legacy = predatesMethodLab(input);
  const missing = Object.keys(DEFAULT_CONFIG).filter((key) => !(key in input) && !(key === 'methods' && legacy) && key !== 'subsetSeed');
  const { config, problems } = validateConfig(legacy ? { ...input, methods: input.drw === true ? LEGACY_DRW_LANES : DEFAULT_LANES } : input, DEFAULT_CONFIG, scope);
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

/**
 * Why the app cannot open a configuration the command line accepted (as a link, a recording or a
 * weights file): other than four classes, the 64-d feature or the LDAM schedule. Empty when it can.
 */
export function appProblems(config: ExperimentConfig): string[] {
  const problems: string[] = [];
  if (config.classes.length !== NUM_CHOSEN_CLASSES) problems.push(`it trains ${config.classes.length} classes (the app shows ${NUM_CHOSEN_CLASSES})`);
  if (config.featureDim !== 2) problems.push(`its feature is ${config.featureDim}-dimensional (fd=${config.featureDim}; the app plots the 2-D feature)`);
  if (config.schedule !== 'cosine') problems.push(`it uses the ${config.schedule} schedule (sched=${config.schedule}; the app trains with the cosine schedule)`);
  return problems;
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
