/**
 * The weights files of a run (docs/WEIGHTS.md): a model.json in TensorFlow.js's weights-manifest
 * format, with the architecture and the experiment it belongs to, beside a .bin of little-endian
 * float32 values in `variableSpecs` order. `readWeightsFiles` checks chosen files completely
 * (names, shapes, sizes, finite values, one experiment) before any of it is used. Imports no tfjs.
 */
import { NUM_CHOSEN_CLASSES, predatesMethodLab, sameConfig, strictConfig, type ExperimentConfig } from '../config/experiment.ts';
import { FEATURE_DIM, variableSpecs, type ResNetSpec } from './architecture.ts';
import { LEGACY_RUNS, MAX_LANES } from './methods.ts';

export const WEIGHTS_FORMAT = 'imbalance-playground/cifar-resnet';
export const WEIGHTS_VERSION = 1;

export interface WeightsModelJson {
  format: typeof WEIGHTS_FORMAT;
  version: typeof WEIGHTS_VERSION;
  generatedBy: string;
  /** `method`: the lane's id, one of the experiment's `methods` (files made before the method lab: "erm" or "mfw", the first or second lane). */
  architecture: ResNetSpec & { featureDim: number; mixingPoint: number; method: string; classIds: number[] };
  /** The run these weights belong to: its configuration and how far it had trained (epochs completed, steps into the next). */
  experiment: { config: ExperimentConfig; epoch: number; step: number };
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: 'float32' }[] }[];
}

/** A chosen file: text for a .json, bytes for anything else. */
export interface ChosenFile {
  name: string;
  text?: string;
  bytes?: ArrayBuffer;
}

/** Weights ready to continue or inspect a run: per lane id present, one array per variable. */
export interface LoadedWeights {
  config: ExperimentConfig;
  epoch: number;
  runs: Record<string, Float32Array[]>;
}

export class WeightsFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`These weights cannot be loaded: ${problems.join(' ')}`);
    this.name = 'WeightsFileError';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One model.json checked against its experiment's architecture; throws WeightsFileError. */
function checkModelJson(name: string, text: string): { model: WeightsModelJson; config: ExperimentConfig; lane: string } {
  const fail = (problem: string): never => {
    throw new WeightsFileError([`${name}: ${problem}`]);
  };
  let model: unknown;
  try {
    model = JSON.parse(text);
  } catch (error) {
    return fail(`it is not JSON (${(error as Error).message}).`);
  }
  if (!isObject(model) || model.format !== WEIGHTS_FORMAT) return fail(`it is not an Imbalance Playground weights file (format ${JSON.stringify(isObject(model) ? model.format : undefined)}).`);
  if (model.version !== WEIGHTS_VERSION || !isObject(model.experiment)) {
    return fail(`it is version ${JSON.stringify(model.version)}, without the experiment it belongs to; this app reads version ${WEIGHTS_VERSION} (export the weights again).`);
  }
  const { config, problems } = strictConfig(model.experiment.config);
  if (!config) return fail(`experiment.config: ${problems.join(' ')}`);
  const { epoch, step } = model.experiment;
  if (!Number.isInteger(epoch) || (epoch as number) < 0 || (epoch as number) > config.epochs) fail(`experiment.epoch must be a whole number from 0 to ${config.epochs}.`);
  if (!Number.isInteger(step) || (step as number) < 0) fail('experiment.step must be a whole number ≥ 0.');
  const architecture = model.architecture;
  if (!isObject(architecture)) return fail('architecture is missing.');
  const expected = {
    blocksPerStage: config.blocksPerStage,
    width: config.width,
    numClasses: NUM_CHOSEN_CLASSES,
    featureDim: FEATURE_DIM,
    mixingPoint: config.mixingPoint,
    classIds: config.classes,
  };
  for (const [key, value] of Object.entries(expected)) {
    if (JSON.stringify(architecture[key]) !== JSON.stringify(value)) fail(`architecture.${key} is ${JSON.stringify(architecture[key])}, but its experiment has ${JSON.stringify(value)}.`);
  }
  const legacy = predatesMethodLab(model.experiment.config);
  const lane = legacy ? config.methods[LEGACY_RUNS.indexOf(architecture.method as string)] : (architecture.method as string);
  if (typeof lane !== 'string' || !config.methods.includes(lane)) {
    fail(`architecture.method must be one of the experiment's methods, ${(legacy ? LEGACY_RUNS : config.methods).join(', ')} (got ${JSON.stringify(architecture.method)}).`);
  }
  const manifest = model.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length !== 1 || !isObject(manifest[0]) || !Array.isArray(manifest[0].paths) || manifest[0].paths.length !== 1 || typeof manifest[0].paths[0] !== 'string') {
    return fail('weightsManifest must name one weights file.');
  }
  const specs = variableSpecs({ blocksPerStage: config.blocksPerStage, width: config.width, numClasses: NUM_CHOSEN_CLASSES });
  const entries = manifest[0].weights;
  if (!Array.isArray(entries) || entries.length !== specs.length) fail(`weightsManifest must list the network's ${specs.length} variables.`);
  specs.forEach((spec, i) => {
    const entry: unknown = (entries as unknown[])[i];
    if (!isObject(entry) || entry.name !== spec.name || JSON.stringify(entry.shape) !== JSON.stringify(spec.shape) || entry.dtype !== 'float32' || 'quantization' in entry) {
      fail(`weight ${i + 1} must be ${spec.name}, float32 of shape [${spec.shape.join(', ')}] (got ${JSON.stringify(entry)}).`);
    }
  });
  return { model: model as unknown as WeightsModelJson, config, lane };
}

/** The bytes of a model.json's weights file as one array per variable; throws WeightsFileError. */
function splitWeights(name: string, bytes: ArrayBuffer, model: WeightsModelJson): Float32Array[] {
  const sizes = model.weightsManifest[0].weights.map((w) => w.shape.reduce((a, b) => a * b, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (bytes.byteLength !== 4 * total) throw new WeightsFileError([`${name} has ${bytes.byteLength} bytes; its model.json describes ${total} float32 values (${4 * total} bytes).`]);
  const values = new Float32Array(bytes.slice(0));
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new WeightsFileError([`${name} holds a value that is not finite (${values[bad]}, value ${bad + 1}).`]);
  let offset = 0;
  return sizes.map((size) => values.subarray(offset, (offset += size)));
}

/**
 * Reads the chosen files: one model.json per lane of the same run (one lane's, some or all) and the
 * .bin each names (a lone pair is matched even when the browser renamed the .bin on download).
 */
export function readWeightsFiles(files: readonly ChosenFile[]): LoadedWeights {
  const jsons = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  const bins = files.filter((f) => !f.name.toLowerCase().endsWith('.json'));
  if (jsons.length === 0 || jsons.length > MAX_LANES) {
    throw new WeightsFileError([`choose one model.json per lane (at most ${MAX_LANES}, e.g. ERM’s and MFW’s) with its weights .bin file; got ${jsons.length} .json files.`]);
  }
  const checked = jsons.map((file) => ({ file, ...checkModelJson(file.name, file.text ?? '') }));
  const [first] = checked;
  const lanes = checked.map(({ lane }) => lane);
  const twice = lanes.find((lane, i) => lanes.indexOf(lane) !== i);
  if (twice) throw new WeightsFileError([`two model.json files are the ${twice} lane’s; choose one file per lane.`]);
  for (const other of checked.slice(1)) {
    if (!sameConfig(other.config, first.config) || other.model.experiment.epoch !== first.model.experiment.epoch) {
      throw new WeightsFileError([`${first.file.name} and ${other.file.name} come from different runs (settings or epoch differ).`]);
    }
  }
  const runs: Record<string, Float32Array[]> = {};
  for (const { file, model, lane } of checked) {
    const binName = model.weightsManifest[0].paths[0];
    const bin = bins.find((b) => b.name === binName) ?? (checked.length === 1 && bins.length === 1 ? bins[0] : undefined);
    if (!bin?.bytes) throw new WeightsFileError([`${file.name} names its weights file ${binName}: choose it too.`]);
    runs[lane] = splitWeights(bin.name, bin.bytes, model);
  }
  return { config: first.config, epoch: first.model.experiment.epoch, runs };
}
