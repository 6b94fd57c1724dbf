/**
 * Recorded runs: a finished or partial run of every lane as one JSON file (its configuration and
 * every epoch's snapshot: features, classifier, metrics), replayed later without training. Features
 * are kept at 16 bits with their range (version 2; version 1 kept float32), labels as bytes, both
 * base64, so six lanes of the 200-epoch Paper preset stay under 64 MB; the metrics stay exact. The format is documented in docs/RECORDING.md; every file is checked
 * completely before anything is shown. Files made before the method lab (a configuration without
 * `methods`, runs `erm` and `mfw`) open as the configuration's first and second lanes, the metrics
 * added since filled in from what they hold.
 */
import { CIFAR10_CLASS_NAMES, differingSettings, predatesMethodLab, strictConfig, type ExperimentConfig } from '../config/experiment.ts';
import { LEGACY_RUNS } from '../core/methods.ts';
import { classifierWeightNorms, minorMajorRatio } from '../core/metrics.ts';
import { isMajorClass } from '../core/mfwWeights.ts';
import { epochsWithRuns, type EpochSnapshot, type RunSnapshot } from '../core/snapshot.ts';
import { base64ToBytes, base64ToFloat32, bytesToBase64 } from '../util/base64.ts';
import { configToSearch } from './urlConfig.ts';

export const RECORDING_FORMAT = 'imbalance-playground/recording';
export const RECORDING_VERSION = 2;
/** Versions this app reads: 1 kept features as float32. */
const READABLE_VERSIONS = [1, 2];

/**
 * 2-D features at 16 bits: point i is (min[0] + q[2i]·step[0], min[1] + q[2i+1]·step[1]) with q the
 * little-endian uint16 values, so each is off by at most half a step (1/131070 of its axis's range).
 */
export interface QuantisedFeatures {
  min: [number, number];
  step: [number, number];
  uint16: string;
}

type RecordedRun = Omit<RunSnapshot, 'trainFeatures' | 'testFeatures'> & { trainFeatures: QuantisedFeatures; testFeatures: QuantisedFeatures };

const LEVELS = 65535;

export function quantiseFeatures(values: Float32Array): QuantisedFeatures {
  const min: [number, number] = [Infinity, Infinity];
  const max: [number, number] = [-Infinity, -Infinity];
  values.forEach((v, i) => {
    min[i % 2] = Math.min(min[i % 2], v);
    max[i % 2] = Math.max(max[i % 2], v);
  });
  if (values.length === 0) {
    min.fill(0);
    max.fill(0);
  }
  // A constant axis still needs a step that is not zero; its values all land on q = 0.
  const step = min.map((lo, axis) => (max[axis] > lo ? (max[axis] - lo) / LEVELS : 1)) as [number, number];
  const q = Uint16Array.from(values, (v, i) => Math.round((v - min[i % 2]) / step[i % 2]));
  return { min, step, uint16: bytesToBase64(new Uint8Array(q.buffer)) };
}

export function dequantiseFeatures({ min, step, uint16 }: QuantisedFeatures): Float32Array {
  const bytes = base64ToBytes(uint16);
  if (bytes.length % 2 !== 0) throw new Error(`${bytes.length} bytes are not whole uint16 values`);
  const q = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
  return Float32Array.from(q, (v, i) => min[i % 2] + v * step[i % 2]);
}

export interface RecordingFile {
  format: typeof RECORDING_FORMAT;
  version: typeof RECORDING_VERSION;
  /** ISO 8601 time of the export. */
  createdAt: string;
  /** The query string that trains the same experiment live. */
  link: string;
  config: ExperimentConfig;
  classNames: string[];
  /** The backend that trained it (for the label only). */
  backend: string | null;
  /** How a headless run was made (`npm run experiment`): its command line and this repository's commit; absent for the app's own saves. */
  provenance?: Provenance;
  /** Labels of the plotted training sample and of the test images: the same in every epoch. */
  trainFeatureLabels: string;
  testLabels: string;
  epochs: {
    epoch: number;
    learningRate: number;
    imagesPerSecond: number;
    /** By lane id, in the order of `config.methods`. */
    runs: Record<string, RecordedRun>;
  }[];
}

/** The command that trained a recording and the commit it ran from (with `+changes` when the checkout had uncommitted edits). */
export interface Provenance {
  command: string;
  commit: string | null;
}

/** A recording ready to replay. */
export interface Recording {
  config: ExperimentConfig;
  classNames: string[];
  backend: string | null;
  provenance: Provenance | null;
  createdAt: string;
  history: EpochSnapshot[];
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

export function recordingFile(
  config: ExperimentConfig,
  history: readonly EpochSnapshot[],
  backend: string | null,
  createdAt = new Date(),
  provenance?: Provenance,
): RecordingFile {
  if (history.length === 0) throw new Error('There is no epoch to record yet.');
  const [first] = history;
  if (!history.every((s) => sameBytes(s.trainFeatureLabels, first.trainFeatureLabels) && sameBytes(s.testLabels, first.testLabels))) {
    throw new Error('The epochs were plotted with different images, so they cannot share one recording.');
  }
  return {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    createdAt: createdAt.toISOString(),
    link: `?${configToSearch(config)}`,
    config,
    classNames: config.classes.map((id) => CIFAR10_CLASS_NAMES[id]),
    backend,
    ...(provenance ? { provenance } : {}),
    trainFeatureLabels: bytesToBase64(first.trainFeatureLabels),
    testLabels: bytesToBase64(first.testLabels),
    epochs: epochsWithRuns(history, (run): RecordedRun => ({ ...run, trainFeatures: quantiseFeatures(run.trainFeatures), testFeatures: quantiseFeatures(run.testFeatures) })),
  };
}

/** Thrown with every reason a file cannot be replayed (at most a few, the first ones found). */
export class RecordingError extends Error {
  constructor(readonly problems: string[]) {
    super(`This file cannot be replayed: ${problems.join(' ')}`);
    this.name = 'RecordingError';
  }
}

const MAX_PROBLEMS = 5;

/** Reads and checks a recording; throws RecordingError naming what is wrong. */
export function parseRecording(text: string): Recording {
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch (error) {
    throw new RecordingError([`it is not JSON (${(error as Error).message}).`]);
  }
  const problems: string[] = [];
  const fail = (problem: string) => {
    problems.push(problem);
    if (problems.length >= MAX_PROBLEMS) throw new RecordingError(problems);
  };
  if (!isObject(file)) throw new RecordingError(['it is not a JSON object.']);
  if (file.format === 'imbalance-playground/metrics') {
    throw new RecordingError(['it is a metrics export, which has no features to plot. Save a recording with “Save as a recording” instead.']);
  }
  if (file.format !== RECORDING_FORMAT) throw new RecordingError([`it is not an Imbalance Playground recording (format ${JSON.stringify(file.format)}).`]);
  if (!READABLE_VERSIONS.includes(file.version as number)) {
    throw new RecordingError([`it is version ${JSON.stringify(file.version)}; this app reads versions ${READABLE_VERSIONS.join(' and ')}.`]);
  }

  const checked = strictConfig(file.config);
  if (!checked.config) throw new RecordingError(checked.problems.map((problem) => `config: ${problem}`).slice(0, MAX_PROBLEMS));
  const { config } = checked;
  const legacy = predatesMethodLab(file.config);
  // Where each lane's run is stored in the file.
  const runKeys = legacy ? LEGACY_RUNS : config.methods;
  const numClasses = config.classes.length;
  const expectedNames = config.classes.map((id) => CIFAR10_CLASS_NAMES[id]);
  if (JSON.stringify(file.classNames) !== JSON.stringify(expectedNames)) fail(`classNames must be ${JSON.stringify(expectedNames)} for classes ${config.classes.join(',')}.`);
  if (file.backend !== null && typeof file.backend !== 'string') fail('backend must be a string or null.');
  if (typeof file.createdAt !== 'string' || Number.isNaN(Date.parse(file.createdAt))) fail('createdAt must be a date.');
  const provenance = file.provenance ?? null;
  if (provenance !== null && !(isObject(provenance) && typeof provenance.command === 'string' && (provenance.commit === null || typeof provenance.commit === 'string'))) {
    fail('provenance must hold the command (text) and the commit (text or null).');
  }

  const trainFeatureLabels = labels(file.trainFeatureLabels, 'trainFeatureLabels', numClasses, fail);
  const testLabels = labels(file.testLabels, 'testLabels', numClasses, fail);
  if (trainFeatureLabels.length > config.trainFeatureSample) fail(`trainFeatureLabels has ${trainFeatureLabels.length} points, more than the ${config.trainFeatureSample} the configuration plots.`);

  const shape: RunShape = {
    numClasses,
    trainPoints: trainFeatureLabels.length,
    testPoints: testLabels.length,
    isMajor: isMajorClass(config.trainCounts),
    legacy,
    quantised: file.version !== 1,
  };
  const history: EpochSnapshot[] = [];
  // Epochs follow each other; a run continued from loaded weights starts after epoch 1.
  const firstEpoch = Array.isArray(file.epochs) && isObject(file.epochs[0]) ? file.epochs[0].epoch : undefined;
  if (!Array.isArray(file.epochs) || file.epochs.length === 0) fail('epochs must be a non-empty list.');
  else if (!Number.isInteger(firstEpoch) || (firstEpoch as number) < 0) fail('epochs[0].epoch must be a whole number ≥ 0.');
  else if ((firstEpoch as number) + file.epochs.length - 1 > config.epochs) fail(`it goes to epoch ${(firstEpoch as number) + file.epochs.length - 1}, beyond the configuration’s ${config.epochs}.`);
  else {
    file.epochs.forEach((entry: unknown, index: number) => {
      const where = `epochs[${index}]`;
      const epoch = (firstEpoch as number) + index;
      if (!isObject(entry)) return fail(`${where} must be an object.`);
      if (entry.epoch !== epoch) return fail(`${where}.epoch must be ${epoch} (one epoch after the other), got ${JSON.stringify(entry.epoch)}.`);
      if (!isNumber(entry.learningRate) || entry.learningRate < 0) fail(`${where}.learningRate must be a number ≥ 0.`);
      if (!isNumber(entry.imagesPerSecond) || entry.imagesPerSecond < 0) fail(`${where}.imagesPerSecond must be a number ≥ 0.`);
      if (!isObject(entry.runs)) return fail(`${where}.runs must hold ${runKeys.join(' and ')}.`);
      const extra = Object.keys(entry.runs).filter((key) => !runKeys.includes(key));
      if (extra.length) fail(`${where}.runs holds ${extra.join(', ')}, which the configuration does not train (its lanes: ${runKeys.join(', ')}).`);
      const runs: Record<string, RunSnapshot> = {};
      config.methods.forEach((lane, i) => {
        const run = checkRun((entry.runs as Record<string, unknown>)[runKeys[i]], `${where}.runs.${runKeys[i]}`, shape, fail);
        if (run) runs[lane] = run;
      });
      if (problems.length === 0) {
        history.push({ epoch, learningRate: entry.learningRate as number, imagesPerSecond: entry.imagesPerSecond as number, trainFeatureLabels, testLabels, runs });
      }
    });
  }
  if (problems.length) throw new RecordingError(problems);
  return {
    config,
    classNames: expectedNames,
    backend: (file.backend as string | null) ?? null,
    provenance: provenance as Provenance | null,
    createdAt: file.createdAt as string,
    history,
  };
}

/**
 * One recording of every lane of `parts`: recordings of the same experiment whose lanes were trained
 * in separate processes (each lane is a function of the data, the settings, its method and the seed,
 * so a part's lanes are those of the whole run, bit for bit). Lanes keep the parts' order; the
 * recording ends at the epoch every part reached; an epoch's speed is the slowest part's, as the
 * parts trained at the same time. Throws naming what differs when the parts are not of one run.
 */
export function mergeRecordings(parts: readonly Recording[]): Recording {
  if (parts.length === 0) throw new Error('There are no recordings to merge.');
  const [first] = parts;
  parts.forEach((part, i) => {
    const differing = differingSettings(first.config, part.config, new Set(['methods']));
    if (differing.length) throw new Error(`Part ${i + 1} is another experiment than part 1: its ${differing.join(', ')} differ${differing.length === 1 ? 's' : ''}.`);
    if (part.backend !== first.backend) throw new Error(`Part ${i + 1} was trained on ${part.backend}, part 1 on ${first.backend}.`);
    if (part.provenance?.commit !== first.provenance?.commit) {
      throw new Error(`Part ${i + 1} was trained from commit ${part.provenance?.commit ?? 'unknown'}, part 1 from ${first.provenance?.commit ?? 'unknown'}.`);
    }
    if (part.history[0].epoch !== first.history[0].epoch) throw new Error(`Part ${i + 1} starts at epoch ${part.history[0].epoch}, part 1 at ${first.history[0].epoch}.`);
  });
  const methods = parts.flatMap((part) => part.config.methods);
  const repeated = methods.filter((lane, i) => methods.indexOf(lane) !== i);
  if (repeated.length) throw new Error(`The lane ${repeated[0]} is in more than one part.`);
  const merged = strictConfig({ ...first.config, methods });
  if (!merged.config) throw new Error(`Together the parts are no experiment the app shows: ${merged.problems.join(' ')}`);
  const epochs = Math.min(...parts.map((part) => part.history.length));
  const history = first.history.slice(0, epochs).map((snapshot, e): EpochSnapshot => {
    const same = parts.map((part) => part.history[e]);
    if (!same.every((s) => s.learningRate === snapshot.learningRate && sameBytes(s.trainFeatureLabels, snapshot.trainFeatureLabels) && sameBytes(s.testLabels, snapshot.testLabels))) {
      throw new Error(`At epoch ${snapshot.epoch} the parts differ in learning rate or plotted images, so they are not lanes of one run.`);
    }
    return { ...snapshot, imagesPerSecond: Math.min(...same.map((s) => s.imagesPerSecond)), runs: Object.assign({}, ...same.map((s) => s.runs)) };
  });
  const commands = parts.map((part) => part.provenance?.command);
  return {
    ...first,
    config: merged.config,
    provenance: commands.every((command) => command !== undefined) ? { command: commands.join(' & '), commit: first.provenance!.commit } : null,
    createdAt: parts.map((part) => part.createdAt).sort().at(-1)!,
    history,
  };
}

type Fail = (problem: string) => void;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function labels(value: unknown, name: string, numClasses: number, fail: Fail): Uint8Array {
  try {
    if (typeof value !== 'string') throw new Error('not text');
    const bytes = base64ToBytes(value);
    if (bytes.some((label) => label >= numClasses)) throw new Error(`a label is not below ${numClasses}`);
    return bytes;
  } catch (error) {
    fail(`${name} must be base64 bytes of class indices (${(error as Error).message}).`);
    return new Uint8Array(0);
  }
}

function numbers(value: unknown, length: number, name: string, fail: Fail): number[] {
  // NaN is written as null by JSON (e.g. a feature deviation with no samples).
  if (!Array.isArray(value) || value.length !== length || !value.every((v) => v === null || isNumber(v))) {
    fail(`${name} must be ${length} numbers.`);
    return [];
  }
  return value.map((v) => (v === null ? Number.NaN : (v as number)));
}

function isPair(value: unknown): value is [number, number] {
  return Array.isArray(value) && value.length === 2 && value.every(isNumber);
}

function features(value: unknown, points: number, name: string, quantised: boolean, fail: Fail): Float32Array {
  try {
    let values: Float32Array;
    if (quantised) {
      if (!isObject(value) || !isPair(value.min) || !isPair(value.step) || !value.step.every((step) => step > 0) || typeof value.uint16 !== 'string') {
        throw new Error('not {min: [x, y], step: [x, y] above 0, uint16: base64}');
      }
      values = dequantiseFeatures(value as unknown as QuantisedFeatures);
    } else {
      if (typeof value !== 'string') throw new Error('not text');
      values = base64ToFloat32(value);
    }
    if (values.length !== 2 * points) throw new Error(`${values.length / 2} points for ${points} labels`);
    if (!values.every(Number.isFinite)) throw new Error('a value is not finite');
    return values;
  } catch (error) {
    const form = quantised ? '16-bit x, y pairs with their range' : 'base64 float32 x, y pairs';
    fail(`${name} must be ${form}, one per label (${(error as Error).message}).`);
    return new Float32Array(0);
  }
}

interface RunShape {
  numClasses: number;
  trainPoints: number;
  testPoints: number;
  isMajor: boolean[];
  /** A file from before the method lab: the metrics added since are filled in. */
  legacy: boolean;
  /** Features at 16 bits (version 2) rather than float32 (version 1). */
  quantised: boolean;
}

/** A number, or NaN written as null. */
function numberOrNaN(value: unknown, name: string, fail: Fail): number {
  if (value === null) return Number.NaN;
  if (!isNumber(value)) fail(`${name} must be a number.`);
  return value as number;
}

function checkRun(value: unknown, where: string, { numClasses, trainPoints, testPoints, isMajor, legacy, quantised }: RunShape, fail: Fail): RunSnapshot | null {
  if (!isObject(value)) {
    fail(`${where} must be an object.`);
    return null;
  }
  const perClass = (key: string) => numbers(value[key], numClasses, `${where}.${key}`, fail);
  const classifier = value.classifier;
  let weight: [number, number][] = [];
  let bias: number[] = [];
  if (!isObject(classifier) || !Array.isArray(classifier.weight) || classifier.weight.length !== numClasses) {
    fail(`${where}.classifier must hold ${numClasses} weight pairs and biases.`);
  } else {
    weight = classifier.weight.map((pair, c) => numbers(pair, 2, `${where}.classifier.weight[${c}]`, fail) as [number, number]);
    bias = numbers(classifier.bias, numClasses, `${where}.classifier.bias`, fail);
    if (![...weight.flat(), ...bias].every(Number.isFinite)) fail(`${where}.classifier must be finite.`);
  }
  const featureGradientNorm = perClass('featureGradientNorm');
  const common = {
    trainLoss: numberOrNaN(value.trainLoss, `${where}.trainLoss`, fail),
    trainAccuracy: perClass('trainAccuracy'),
    testAccuracy: perClass('testAccuracy'),
    classificationRatio: perClass('classificationRatio'),
    featureGradientNorm,
    featureDeviation: perClass('featureDeviation'),
    trainFeatures: features(value.trainFeatures, trainPoints, `${where}.trainFeatures`, quantised, fail),
    testFeatures: features(value.testFeatures, testPoints, `${where}.testFeatures`, quantised, fail),
    classifier: { weight, bias },
  };
  if (legacy) {
    return {
      ...common,
      // Not measured then: the clean loss needs an evaluation pass the old engine did not make.
      cleanTrainLoss: Number.NaN,
      gradientNormRatio: minorMajorRatio(featureGradientNorm, isMajor),
      classifierWeightNorm: classifierWeightNorms({ weight, bias }),
      // The weights DRW applied were not recorded; 1 keeps the column honest about knowing nothing more.
      classWeights: weight.map(() => 1),
      relabelledFraction: null,
      meanPartnerShare: null,
    };
  }
  const relabelled = value.relabelledFraction;
  if (relabelled !== null && (!isNumber(relabelled) || relabelled < 0 || relabelled > 1)) fail(`${where}.relabelledFraction must be a fraction from 0 to 1, or null.`);
  return {
    ...common,
    cleanTrainLoss: numberOrNaN(value.cleanTrainLoss, `${where}.cleanTrainLoss`, fail),
    gradientNormRatio: numberOrNaN(value.gradientNormRatio, `${where}.gradientNormRatio`, fail),
    classifierWeightNorm: perClass('classifierWeightNorm'),
    classWeights: perClass('classWeights'),
    relabelledFraction: relabelled as number | null,
    meanPartnerShare: value.meanPartnerShare === null ? null : perClass('meanPartnerShare'),
  };
}
