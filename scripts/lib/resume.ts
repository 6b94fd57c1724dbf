/**
 * Continuing an interrupted `npm run experiment` exactly: after every epoch the script keeps the
 * lockstep runner's whole state (src/engine/checkpoint.ts, the state the app keeps in the browser:
 * every lane's weights, BN statistics, momentum, running sums and random streams) in one binary file
 * beside its results, and `--resume` restores it and appends the following epochs to the same files.
 * Every file is written to a temporary name and renamed, so a run killed mid-write leaves the
 * previous whole file. No tfjs here.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sameConfig, type ExperimentConfig } from '../../src/config/experiment.ts';
import type { EpochSnapshot, RunSnapshot } from '../../src/core/snapshot.ts';
import type { LockstepState } from '../../src/engine/checkpoint.ts';
import { UsageError } from './cli.ts';

/** The first bytes of a state file; then the header's length (uint32, little-endian), the header as JSON, the buffers. */
const MAGIC = 'IPSTATE\n';
export const STATE_FORMAT = 'imbalance-playground/experiment-state';
export const STATE_FILE_VERSION = 1;

/** Where a run's files are: results (every epoch's measurements), recording, and the state while it is unfinished. */
export function experimentFiles(dir: string, name: string): { results: string; recording: string; state: string } {
  const base = join(dir, name);
  return { results: `${base}.json`, recording: `${base}.recording.json`, state: `${base}.state.bin` };
}

/** Writes the whole file under a temporary name, then renames it over `path` (atomic on one file system). */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

/** What the state file holds besides the runner's state: the run it belongs to. */
export interface StateFileRun {
  config: ExperimentConfig;
  /** Trained on synthetic data (--synthetic) rather than CIFAR-10. */
  synthetic: boolean;
}

/** The runner's state as bytes: a JSON header in which every ArrayBuffer is `{ $buffer: i }`, then the buffers in order. */
export function encodeState(state: LockstepState, run: StateFileRun): Uint8Array {
  const buffers: Uint8Array[] = [];
  const header = JSON.stringify({ format: STATE_FORMAT, version: STATE_FILE_VERSION, ...run, state }, (_, value: unknown) => {
    if (!(value instanceof ArrayBuffer)) return value;
    buffers.push(new Uint8Array(value));
    return { $buffer: buffers.length - 1, bytes: value.byteLength };
  });
  const headerBytes = new TextEncoder().encode(header);
  const total = MAGIC.length + 4 + headerBytes.length + buffers.reduce((sum, b) => sum + b.length, 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(MAGIC.length, headerBytes.length, true);
  let offset = MAGIC.length + 4;
  out.set(headerBytes, offset);
  offset += headerBytes.length;
  for (const buffer of buffers) {
    out.set(buffer, offset);
    offset += buffer.length;
  }
  return out;
}

/** Reads a state file's bytes back; throws an Error saying what is wrong with them. */
export function decodeState(bytes: Uint8Array): StateFileRun & { state: LockstepState } {
  const fail = (problem: string): never => {
    throw new Error(`not a state file of npm run experiment: ${problem}`);
  };
  if (bytes.length < MAGIC.length + 4 || new TextDecoder().decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) fail('it does not start as one');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(MAGIC.length, true);
  let offset = MAGIC.length + 4 + headerLength;
  if (offset > bytes.length) fail('it is cut short');
  const lengths: number[] = [];
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(MAGIC.length + 4, offset)), (_, value: unknown) => {
      if (value && typeof value === 'object' && '$buffer' in value) {
        // In the order they were written, which is the order JSON.parse meets them.
        const { $buffer, bytes: length } = value as { $buffer: number; bytes: number };
        if ($buffer !== lengths.length) throw new SyntaxError(`buffer ${String($buffer)} out of order`);
        lengths.push(length);
      }
      return value;
    }) as Record<string, unknown>;
  } catch (error) {
    return fail(`its header is not JSON (${(error as Error).message})`);
  }
  if (header.format !== STATE_FORMAT) fail(`its format is ${JSON.stringify(header.format)}`);
  if (header.version !== STATE_FILE_VERSION) fail(`its version is ${JSON.stringify(header.version)}; this script reads version ${STATE_FILE_VERSION}`);
  const buffers = lengths.map((length) => {
    if (!Number.isInteger(length) || offset + length > bytes.length) fail('it is cut short');
    // A copy of its own: the engine makes Float32Arrays of whole buffers.
    const buffer = bytes.slice(offset, offset + length).buffer;
    offset += length;
    return buffer;
  });
  if (offset !== bytes.length) fail(`${bytes.length - offset} bytes follow its last buffer`);
  const revive = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(revive);
    if (!value || typeof value !== 'object') return value;
    if ('$buffer' in value) return buffers[(value as { $buffer: number }).$buffer];
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, revive(v)]));
  };
  return { config: header.config as ExperimentConfig, synthetic: header.synthetic === true, state: revive(header.state) as LockstepState };
}

/** The results file of `npm run experiment` (experiments/NAME.json). */
export interface ResultsFile {
  config: ExperimentConfig;
  backend: unknown;
  /** Worker processes the lanes trained in (absent before lanes trained in parallel). */
  laneWorkers?: number;
  classNames: string[];
  trainCounts: number[];
  /** Stopped before its last epoch (Ctrl-C, a signal, --stop-after). */
  interrupted: boolean;
  /** Absent in files written before resuming existed. */
  synthetic?: boolean;
  /** Each time the run was continued: after which epoch, on which backend, when. */
  resumes?: { afterEpoch: number; backend: string; at: string }[];
  epochs: EpochSnapshot[];
}

/** The results as JSON: typed arrays as plain arrays (exact: float32 values are doubles), NaN as null. */
export function resultsJson(results: ResultsFile): string {
  return JSON.stringify(results, (_, value: unknown) => (ArrayBuffer.isView(value) ? Array.from(value as Float32Array) : value));
}

const nanOfNull = (value: unknown): unknown => (value === null ? Number.NaN : Array.isArray(value) ? value.map(nanOfNull) : value);

/** The epochs of a results file as the engine made them: typed arrays again, and NaN where JSON wrote null. */
export function epochsFromResults(epochs: readonly unknown[]): EpochSnapshot[] {
  return epochs.map((raw) => {
    const epoch = raw as EpochSnapshot & { trainFeatureLabels: number[]; testLabels: number[] };
    const runs = Object.fromEntries(
      Object.entries(epoch.runs as unknown as Record<string, Record<string, unknown>>).map(([lane, run]) => {
        const revived: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(run)) {
          if (key === 'trainFeatures' || key === 'testFeatures') revived[key] = Float32Array.from(value as (number | null)[], (v) => v ?? Number.NaN);
          // null means "not this method" for these two, not a NaN.
          else if ((key === 'relabelledFraction' || key === 'meanPartnerShare') && value === null) revived[key] = null;
          else if (key === 'classifier') revived[key] = { weight: nanOfNull((value as RunSnapshot['classifier']).weight), bias: nanOfNull((value as RunSnapshot['classifier']).bias) };
          else revived[key] = nanOfNull(value);
        }
        return [lane, revived as unknown as RunSnapshot];
      }),
    );
    return {
      ...epoch,
      learningRate: nanOfNull(epoch.learningRate) as number,
      imagesPerSecond: nanOfNull(epoch.imagesPerSecond) as number,
      trainFeatureLabels: Uint8Array.from(epoch.trainFeatureLabels),
      testLabels: Uint8Array.from(epoch.testLabels),
      runs,
    };
  });
}

export type ResumePlan =
  /** Train from epoch 1; `note` says why what was there could not be continued (null: nothing was there). */
  | { kind: 'fresh'; note: string | null }
  /** Every epoch is done: nothing to train. */
  | { kind: 'finished'; results: ResultsFile; epochs: EpochSnapshot[] }
  /** Restore `state` and go on after its epoch; `epochs` are the results' epochs up to it. */
  | { kind: 'resume'; results: ResultsFile; epochs: EpochSnapshot[]; state: LockstepState };

/** The settings in which two configurations differ, for a message. */
function differences(a: ExperimentConfig, b: ExperimentConfig): string {
  return (Object.keys(b) as (keyof ExperimentConfig)[])
    .filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]))
    .map((key) => `${key} ${JSON.stringify(a[key])} there, ${JSON.stringify(b[key])} here`)
    .join('; ');
}

/**
 * What `--resume` does with the run named `name` in `dir`: continue it from the state of its last
 * finished epoch, find it finished, or start afresh (saying why when something was there). The results
 * file is written before the state after every epoch, so it may hold one epoch more than the state
 * (a run stopped between the two writes): that epoch is trained again, identically. Throws a
 * UsageError where the name holds a run of other settings or data, which must not be overwritten.
 */
export function planResume(dir: string, name: string, config: ExperimentConfig, synthetic: boolean): ResumePlan {
  const files = experimentFiles(dir, name);
  if (!existsSync(files.results)) {
    return { kind: 'fresh', note: existsSync(files.state) ? `${files.state} has no results file beside it` : null };
  }
  let results: ResultsFile;
  try {
    results = JSON.parse(readFileSync(files.results, 'utf8')) as ResultsFile;
  } catch (error) {
    return { kind: 'fresh', note: `${files.results} could not be read (${(error as Error).message})` };
  }
  if (!results?.config || !Array.isArray(results.epochs)) return { kind: 'fresh', note: `${files.results} is not a results file` };
  if (!sameConfig(results.config, config)) {
    throw new UsageError(`${files.results} holds a run of other settings (${differences(results.config, config)}): give another --name, or remove it to start again.`);
  }
  if (results.synthetic !== undefined && results.synthetic !== synthetic) {
    throw new UsageError(`${files.results} was trained on ${results.synthetic ? 'synthetic data: add' : 'CIFAR-10: leave out'} --synthetic to continue it.`);
  }
  // Every epoch is there, even if a signal marked the file interrupted after the last one.
  if (results.epochs.length >= config.epochs) return { kind: 'finished', results, epochs: epochsFromResults(results.epochs) };
  if (!existsSync(files.state)) return { kind: 'fresh', note: `${files.results} has ${results.epochs.length} epochs but no state to continue from (${files.state})` };
  let saved: ReturnType<typeof decodeState>;
  try {
    saved = decodeState(new Uint8Array(readFileSync(files.state)));
  } catch (error) {
    return { kind: 'fresh', note: `${files.state} is ${(error as Error).message}` };
  }
  if (!sameConfig(saved.config, config) || saved.synthetic !== synthetic) return { kind: 'fresh', note: `${files.state} belongs to other settings or data` };
  const { epoch } = saved.state;
  if (!Number.isInteger(epoch) || epoch > results.epochs.length || saved.state.step !== 0) {
    return { kind: 'fresh', note: `${files.state} is at epoch ${String(epoch)} but ${files.results} holds ${results.epochs.length}` };
  }
  return { kind: 'resume', results, epochs: epochsFromResults(results.epochs.slice(0, epoch)), state: saved.state };
}
