/**
 * Shared pieces of the engine's Node scripts (experiment, bench): the experiment's settings from
 * the command line (the same names as the app's links), the Node backend, and loading the data
 * (prepared CIFAR-10 or synthetic).
 * Nothing here imports tfjs, so WebGPU globals can be installed before the engine is loaded.
 */
import { existsSync, readFileSync } from 'node:fs';
import { CIFAR10_CLASS_NAMES, DEFAULT_CONFIG, ENGINE_CLASS_COUNTS, FIELDS, NUM_CHOSEN_CLASSES, subsetRequestOf, validateConfig, type ConfigInput, type ExperimentConfig } from '../../src/config/experiment.ts';
import { MAX_LANES, METHOD_NAMES, METHODS, methodParameters } from '../../src/core/methods.ts';
import { MAX_TRAIN_PER_CLASS } from '../../src/config/imbalance.ts';
import type { ExperimentData } from '../../src/data/types.ts';
import type { BackendInfo, EngineBackendChoice } from '../../src/engine/backend.ts';
import { LEGACY_DRW_PARAM, parseLegacyDrw, parseSettingText, settingKeyOf, URL_PARAMS } from '../../src/state/urlConfig.ts';
import { UsageError } from './cli.ts';
import { installNodeWebGpu } from './engine-node-gpu.ts';

/** Setting names the scripts accept: the long field names and the short names of the app's links. */
const SETTING_KEYS = Object.keys(URL_PARAMS) as (keyof ExperimentConfig)[];

function describeSetting(key: keyof ExperimentConfig): string {
  if (key === 'classes') {
    return (
      `${ENGINE_CLASS_COUNTS.min} to ${ENGINE_CLASS_COUNTS.max} different CIFAR-10 class ids 0–9, most to fewest images (${CIFAR10_CLASS_NAMES.map((name, id) => `${id} ${name}`).join(', ')}); ` +
      `the app shows ${NUM_CHOSEN_CLASSES}; c=0,1,2,3,4,5,6,7,8,9 with imbalance long-tailed or step is the paper's Table 1`
    );
  }
  if (key === 'trainCounts') return `one training count 1–${MAX_TRAIN_PER_CLASS} per class, used when imbalance=custom (a preset sets them otherwise)`;
  if (key === 'featureDim') {
    return `${FIELDS.featureDim.label}: 2 (the pooled feature projected to the plotted 2-D feature, the app's) or 64 (no projection: the classifier reads the pooled 64·width-d feature, as Table 1's numbers; command line only)`;
  }
  if (key === 'schedule') {
    return (
      `${FIELDS.schedule.label}: cosine (§4's, from lr to 0 after warmupEpochs) or ldam (kaidic/LDAM-DRW's: 5 warm-up epochs, then lr×0.01 from 80 % and lr×0.0001 from 90 % of the epochs, ` +
      `i.e. epochs 160 and 180 of 200; needs warmupEpochs=0; command line only)`
    );
  }
  if (key === 'methods') return `the lanes trained side by side: 1–${MAX_LANES} methods, comma-separated, each NAME or NAME:param=value:… (listed below)`;
  const field = FIELDS[key];
  // A link carries the page's backend choice; in Node the --backend flag decides.
  if (key === 'backend') return `${field.label} in the browser (accepted from links; here --backend decides)`;
  if ((key === 'seed' || key === 'subsetSeed') && field.kind === 'number') {
    const range = `a whole number from ${field.min} to ${field.max}`;
    if (key === 'seed') return `${field.label} of the initial weights, batch order, augmentation and each lane's draws (and of the subset unless subsetSeed is given): ${range}`;
    return `${field.label}: which images of each class are drawn (the training subset; the test sample when tpc < 1000), ${range}; default: the seed`;
  }
  if (field.kind === 'enum') return `${field.label}: one of ${field.choices.join(', ')}`;
  if (field.choices) return `${field.label}: one of ${field.choices.join(', ')}`;
  return `${field.label}: ${field.integer ? 'a whole number' : 'a number'} from ${field.min} to ${field.max}`;
}

/** Help lines listing every setting: long name, short name, what it accepts, default. */
export function settingsHelp(base: ExperimentConfig = DEFAULT_CONFIG): string[] {
  return SETTING_KEYS.map((key) => {
    const value = base[key];
    const shown = Array.isArray(value) ? value.join(',') : String(value);
    // The subset seed's default is the seed, whatever that is; its description says so.
    return `  ${`${key} (${URL_PARAMS[key]})`.padEnd(28)}${describeSetting(key)}${key === 'subsetSeed' ? '' : `; default ${shown}`}`;
  });
}

/** Help lines listing every method: name, label, parameters with their defaults (under the default MFW settings), what it is. */
export function methodsHelp(base: ExperimentConfig = DEFAULT_CONFIG): string[] {
  return METHOD_NAMES.flatMap((name) => {
    const parameters = methodParameters(name, base).map(({ key, label, value }) => `      ${`${key}=${value}`.padEnd(22)}${label}`);
    return [`  ${name.padEnd(16)}${METHODS[name].label}: ${METHODS[name].summary}`, ...parameters];
  });
}

/** Splits one command-line argument into (name, text) pairs: a link (or its query string), key=value, or a JSON file. */
function settingPairs(arg: string): { pairs: [string, unknown][]; fromJson: boolean; fromLink: boolean } {
  const fromLink = /^https?:\/\//i.test(arg) || arg.startsWith('?') || arg.includes('&');
  if (fromLink || arg.includes('=')) {
    let query = arg;
    if (/^https?:\/\//i.test(arg)) {
      try {
        query = new URL(arg).search;
      } catch {
        throw new UsageError(`"${arg}" is not a valid link.`);
      }
    }
    return { pairs: [...new URLSearchParams(query.replace(/^\?/, ''))], fromJson: false, fromLink };
  }
  if (existsSync(arg)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(arg, 'utf8'));
    } catch (error) {
      throw new UsageError(`${arg} is not valid JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`${arg} must hold a JSON object of settings.`);
    return { pairs: Object.entries(parsed), fromJson: true, fromLink: false };
  }
  throw new UsageError(`"${arg}" is neither key=value, a link (or its query string) nor an existing JSON file.`);
}

/**
 * The experiment's configuration from its arguments, over `base`: key=value pairs with the long names
 * (epochs=40) or the app's short link names (ep=40), a link from the app or its query string pasted
 * whole, and JSON files of settings; later arguments win. Strict: an unknown name or an invalid value
 * is a UsageError naming it and what is accepted — nothing is silently replaced by a default.
 */
export function configFromArguments(args: readonly string[], base: ExperimentConfig = DEFAULT_CONFIG): ExperimentConfig {
  const input: ConfigInput = {};
  for (const arg of args) {
    const { pairs, fromJson, fromLink } = settingPairs(arg);
    // As in the app: a link without seed semantics predates the method lab and means the first.
    if (fromLink && !pairs.some(([name]) => settingKeyOf(name) === 'seedVersion')) input.seedVersion = 1;
    for (const [name, value] of pairs) {
      if (name === LEGACY_DRW_PARAM) {
        // A setting before the method lab: DRW on both runs, now the lanes DRW and MFW-DRW.
        input.drw = fromJson ? value : parseLegacyDrw(String(value));
        continue;
      }
      const key = settingKeyOf(name);
      if (!key) {
        throw new UsageError(`Unknown setting "${name}". Settings (long or short name): ${SETTING_KEYS.map((k) => `${k} (${URL_PARAMS[k]})`).join(', ')}.`);
      }
      // Brackets are accepted around lists ("n=[5000,5000,50,50]") as in JSON.
      input[key] = fromJson ? value : parseSettingText(key, String(value).replace(/^\[(.*)\]$/, '$1'));
    }
  }
  return strictConfig(input, base);
}

/**
 * validateConfig, but every problem is an error (a script must not run something other than asked),
 * under the engine's limits: 2 to 10 classes, the 64-d feature and the LDAM schedule allowed.
 */
export function strictConfig(input: ConfigInput, base: ExperimentConfig = DEFAULT_CONFIG): ExperimentConfig {
  const { config, problems } = validateConfig(input, base, 'engine');
  const counts = input.trainCounts;
  if (config.imbalance !== 'custom' && counts !== undefined && JSON.stringify(counts) !== JSON.stringify(config.trainCounts)) {
    problems.push(`trainCounts ${JSON.stringify(counts)} conflict with the "${config.imbalance}" preset (which sets ${config.trainCounts.join(',')}): add imbalance=custom to use your own counts.`);
  }
  // The app replaces a rejected value and says with what ("; using 2."); a script stops instead, so
  // that part of the message would be untrue here.
  if (problems.length > 0) throw new UsageError(problems.map((problem) => problem.replace(/; (using .*|warm-up turned off)\.$/, '.')).join('\n'));
  return config;
}

/**
 * tfjs's console warnings, of which Node scripts only ever see the advice to install tfjs-node (a
 * native build the engine deliberately does not use); quieted so stderr carries the script's own messages.
 */
export async function quietTfjsWarnings(): Promise<void> {
  const tf = await import('@tensorflow/tfjs');
  tf.env().set('PROD', true);
}

/**
 * Makes the chosen backend current. 'auto' follows the engine's automatic order (backend.ts): a
 * hardware WebGPU adapter through Dawn, else wasm; a software adapter (SwiftShader) and the plain
 * cpu backend only last. Must run before the engine modules are imported (see engine-node-gpu.ts).
 */
export async function startNodeBackend(choice: EngineBackendChoice): Promise<BackendInfo> {
  const gpuProblem = choice === 'auto' || choice === 'webgpu' ? await installNodeWebGpu() : null;
  await quietTfjsWarnings();
  if (choice === 'webgpu' && gpuProblem) throw new Error(`WebGPU unavailable: ${gpuProblem}`);
  const { initBackend } = await import('../../src/engine/backend.ts');
  return initBackend(choice);
}

/**
 * Where the scripts read the prepared CIFAR-10: $IMBALANCE_DATA_DIR where set (the GPU bundle's run.sh
 * points it at the data it carries; a node may keep the data anywhere), else public/data/cifar10.
 */
export function dataDir(): string {
  return process.env.IMBALANCE_DATA_DIR || 'public/data/cifar10';
}

/**
 * CIFAR-10 from the prepared assets, or synthetic colour classes with the same counts; either drawn by
 * the subset seed (synthetic images stand in for the subset, so they follow it too).
 */
export async function loadData(config: ExperimentConfig, synthetic: boolean, dir = dataDir()): Promise<ExperimentData> {
  const { syntheticExperimentData } = await import('../../src/engine/syntheticData.ts');
  if (synthetic) return syntheticExperimentData(config.trainCounts, 100, config.subsetSeed);
  if (!existsSync(`${dir}/manifest.json`)) {
    throw new Error(`No prepared CIFAR-10 in ${dir}: run \`npm run data\` first, or pass --synthetic for stand-in data.`);
  }
  const { loadExperimentDataFromDir } = await import('../../src/data/node.ts');
  return loadExperimentDataFromDir(dir, subsetRequestOf(config));
}
