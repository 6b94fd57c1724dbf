/**
 * The whole configuration in the URL's query string, with short parameter names, so a link
 * reproduces an experiment. Parsing never throws: whatever a link carries goes through
 * validateConfig, and every ignored parameter is reported for a visible notice.
 */
import { DEFAULT_CONFIG, FIELDS, LEGACY_TRAINING, validateConfig, type ConfigInput, type ExperimentConfig } from '../config/experiment.ts';

/** Short URL name of every configuration field (tensorflow/playground style). */
export const URL_PARAMS: Record<keyof ExperimentConfig, string> = {
  classes: 'c',
  trainCounts: 'n',
  imbalance: 'imb',
  ratio: 'rho',
  seed: 'seed',
  subsetSeed: 'ss',
  blocksPerStage: 'depth',
  width: 'w',
  featureDim: 'fd',
  epochs: 'ep',
  batchSize: 'bs',
  learningRate: 'lr',
  schedule: 'sched',
  warmupEpochs: 'wu',
  momentum: 'mom',
  weightDecay: 'wd',
  methods: 'm',
  seedVersion: 'sv',
  alpha: 'a',
  mixingPoint: 'k',
  weightMode: 'sn',
  beta: 'beta',
  trainFeatureSample: 'pts',
  testPerClass: 'tpc',
  backend: 'be',
};

/** Names a recording next to the app (a relative path) to replay instead of training. */
export const RECORDING_PARAM = 'rec';

/** Links made before the method lab: `drw=1` trained DRW on both runs (now the lanes DRW and MFW-DRW). */
export const LEGACY_DRW_PARAM = 'drw';

/** The old `drw` setting's value from its text (1/true, 0/false; anything else for validateConfig to report). */
export function parseLegacyDrw(text: string): unknown {
  return text === '1' || text === 'true' ? true : text === '0' || text === 'false' ? false : text;
}

const KEY_OF_PARAM = new Map(Object.entries(URL_PARAMS).map(([key, param]) => [param, key as keyof ExperimentConfig]));

/** The configuration field a link's short name (`ep`) or a long name (`epochs`) stands for; null when neither. */
export function settingKeyOf(name: string): keyof ExperimentConfig | null {
  return KEY_OF_PARAM.get(name) ?? (name in URL_PARAMS ? (name as keyof ExperimentConfig) : null);
}

/**
 * The config as a query string (without '?'), every field, in a fixed order: also the storage key of
 * its training. Two kinds of field are written only where they say something a link made before them
 * did not: the subset seed where it differs from the seed (a link without it means that), and the
 * settings of the command line's Table 1 protocol (fd, sched) where they differ from what every link
 * meant before them (LEGACY_TRAINING). So the app's links and stored trainings keep their text.
 */
export function configToSearch(config: ExperimentConfig): string {
  const params = new URLSearchParams();
  const legacy: Partial<Record<keyof ExperimentConfig, unknown>> = LEGACY_TRAINING;
  for (const [key, param] of Object.entries(URL_PARAMS) as [keyof ExperimentConfig, string][]) {
    if (key === 'subsetSeed' && config.subsetSeed === config.seed) continue;
    const value = config[key];
    if (key in legacy && legacy[key] === value) continue;
    params.set(param, Array.isArray(value) ? value.join(',') : String(value));
  }
  // Commas, colons and '=' inside a value are safe in a query string; readable, links are easier to edit by hand.
  return params.toString().replaceAll('%2C', ',').replaceAll('%3A', ':').replaceAll('%3D', '=');
}

function parseNumberList(text: string): unknown {
  const parts = text.split(',');
  return parts.map((part) => (part.trim() === '' ? Number.NaN : Number(part)));
}

/** A setting's value from its text in a link (or on a command line); validateConfig judges the result. */
export function parseSettingText(key: keyof ExperimentConfig, text: string): unknown {
  // Lane ids hold no commas (their parameters are joined by colons).
  if (key === 'methods') return text.split(',').map((lane) => lane.trim());
  if (key === 'classes' || key === 'trainCounts') return parseNumberList(text);
  const spec = FIELDS[key];
  if (spec.kind === 'number') return text.trim() === '' ? Number.NaN : Number(text);
  return text;
}

export interface ParsedUrlConfig {
  config: ExperimentConfig;
  /** Human-readable reasons for every parameter that was ignored or corrected. */
  problems: string[];
  /** Whether the URL carried any configuration at all. */
  fromUrl: boolean;
}

/** Reads a config from a query string; invalid or unknown parameters fall back to defaults and are reported. */
export function configFromSearch(search: string, base: ExperimentConfig = DEFAULT_CONFIG): ParsedUrlConfig {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(search);
  } catch {
    return { config: base, problems: ['The link’s settings could not be read; defaults are used.'], fromUrl: false };
  }
  const input: ConfigInput = {};
  const problems: string[] = [];
  let fromUrl = false;
  for (const [param, text] of params) {
    if (param === LEGACY_DRW_PARAM) {
      fromUrl = true;
      input.drw = parseLegacyDrw(text);
      continue;
    }
    const key = KEY_OF_PARAM.get(param);
    if (!key) {
      problems.push(`Unknown setting “${param}” in the link was ignored.`);
      continue;
    }
    fromUrl = true;
    input[key] = parseSettingText(key, text);
  }
  // Every link since the method lab names its seed semantics; one without them predates it and means the first.
  if (fromUrl && !params.has(URL_PARAMS.seedVersion)) input.seedVersion = 1;
  const result = validateConfig(input, base);
  const counts = input.trainCounts;
  if (result.config.imbalance !== 'custom' && counts !== undefined && JSON.stringify(counts) !== JSON.stringify(result.config.trainCounts)) {
    problems.push(`Training counts in the link (${String(params.get(URL_PARAMS.trainCounts))}) were ignored: the “${result.config.imbalance}” preset sets them.`);
  }
  return { config: result.config, problems: [...problems, ...result.problems], fromUrl };
}
