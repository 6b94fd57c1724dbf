/**
 * Finished runs shipped with the built app: `npm run recordings` packs recordings made by
 * `npm run experiment -- … --recording` into public/recordings/ with an index (this file's format),
 * and the first screen offers them, so a lesson without a GPU still shows a run that finished. A
 * build without them offers none. The index holds facts (lanes, epochs, final accuracies, the
 * command and commit that made each file); the views word them.
 */
import { timePresetOf, type TimePresetName } from '../config/experiment.ts';
import { isMajorClass } from '../core/mfwWeights.ts';
import type { Recording } from './recording.ts';
import { useAppStore } from './store.ts';

export const SHIPPED_INDEX_PATH = 'recordings/index.json';
export const SHIPPED_INDEX_FORMAT = 'imbalance-playground/recordings-index';
/** The whole shipped set stays small enough to deploy with the app; each file is fetched only when opened. */
export const SHIPPED_MAX_BYTES = 30e6;

export interface ShippedRecording {
  /** Relative to the app, as a `?rec=` link takes it. */
  path: string;
  bytes: number;
  preset: TimePresetName | null;
  /** The lanes' method specs, in order. */
  methods: string[];
  /** ResNet-6n+2's depth. */
  depth: number;
  epochs: number;
  ofEpochs: number;
  /** Balanced and minor-class test accuracy (fractions) of each lane at the last recorded epoch. */
  final: Record<string, { balanced: number; minor: number }>;
  backend: string | null;
  command: string;
  commit: string | null;
}

export interface ShippedIndex {
  format: typeof SHIPPED_INDEX_FORMAT;
  version: 1;
  recordings: ShippedRecording[];
}

const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/** The index entry of a packed recording (written next to the app as `path`, `bytes` long). */
export function shippedEntry(recording: Recording, path: string, bytes: number): ShippedRecording {
  if (!recording.provenance) throw new Error(`${path} was not made by npm run experiment (it records no command), so it cannot say how to make it again.`);
  const { config, history } = recording;
  const last = history[history.length - 1];
  const isMajor = isMajorClass(config.trainCounts);
  const final = Object.fromEntries(
    config.methods.map((lane) => {
      const accuracy = last.runs[lane].testAccuracy;
      return [lane, { balanced: mean(accuracy), minor: mean(accuracy.filter((_, c) => !isMajor[c])) }];
    }),
  );
  return {
    path,
    bytes,
    preset: timePresetOf(config),
    methods: [...config.methods],
    depth: 6 * config.blocksPerStage + 2,
    epochs: last.epoch,
    ofEpochs: config.epochs,
    final,
    backend: recording.backend,
    command: recording.provenance.command,
    commit: recording.provenance.commit,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isFraction = (value: unknown): boolean => typeof value === 'number' && value >= 0 && value <= 1;

/** Reads the index; throws naming the first thing wrong. */
export function parseShippedIndex(text: string): ShippedRecording[] {
  let index: unknown;
  try {
    index = JSON.parse(text);
  } catch (error) {
    throw new Error(`is not JSON (${(error as Error).message}).`);
  }
  if (!isObject(index) || index.format !== SHIPPED_INDEX_FORMAT || index.version !== 1 || !Array.isArray(index.recordings)) {
    throw new Error(`it is not a version 1 ${SHIPPED_INDEX_FORMAT} with a list of recordings.`);
  }
  return index.recordings.map((entry: unknown, i: number): ShippedRecording => {
    const where = `recordings[${i}]`;
    if (!isObject(entry)) throw new Error(`${where} is not an object.`);
    const { path, bytes, preset, methods, depth, epochs, ofEpochs, final, backend, command, commit } = entry;
    if (typeof path !== 'string' || !/^recordings\/[\w.~-]+\.json$/.test(path)) throw new Error(`${where}.path must be a .json file in recordings/.`);
    if (typeof bytes !== 'number' || !(bytes > 0)) throw new Error(`${where}.bytes must be a size.`);
    if (preset !== null && preset !== 'quick' && preset !== 'classroom' && preset !== 'paper') throw new Error(`${where}.preset must be a time preset or null.`);
    if (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string')) throw new Error(`${where}.methods must list the lanes.`);
    if (![depth, epochs, ofEpochs].every((n) => Number.isInteger(n) && (n as number) > 0) || (epochs as number) > (ofEpochs as number)) {
      throw new Error(`${where} must give the depth and the epochs recorded of the run's epochs.`);
    }
    if (!isObject(final) || !methods.every((m) => isObject(final[m]) && isFraction(final[m].balanced) && isFraction(final[m].minor))) {
      throw new Error(`${where}.final must give each lane's balanced and minor-class accuracy.`);
    }
    if (backend !== null && typeof backend !== 'string') throw new Error(`${where}.backend must be text or null.`);
    if (typeof command !== 'string' || (commit !== null && typeof commit !== 'string')) throw new Error(`${where} must give the command and commit that made it.`);
    return entry as unknown as ShippedRecording;
  });
}

/** Looks for the shipped recordings next to the app; a build without them (404) offers none, silently. */
export async function loadShippedRecordings(baseUrl: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(new URL(SHIPPED_INDEX_PATH, baseUrl));
  } catch {
    return;
  }
  // Hosts that answer every path with the page itself (single-page fallbacks) have none either.
  if (!response.ok || (response.headers.get('content-type') ?? '').includes('text/html')) return;
  try {
    useAppStore.setState({ shippedRecordings: parseShippedIndex(await response.text()) });
  } catch (error) {
    useAppStore.getState().addNotice({
      id: 'shipped-recordings',
      tone: 'error',
      title: `The finished runs that came with this app could not be listed: ${SHIPPED_INDEX_PATH} ${(error as Error).message}`,
    });
  }
}
