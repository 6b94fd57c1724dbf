/**
 * The layout of the official CIFAR-10 binary archive and of the prepared per-class assets
 * (`manifest.json` + chunk files) that the Node script and the browser both produce and read.
 */
import { IMAGE_BYTES } from './types.ts';

export const ARCHIVE_DIR = 'cifar-10-batches-bin';
export const TRAIN_BATCH_FILES = [1, 2, 3, 4, 5].map((i) => `${ARCHIVE_DIR}/data_batch_${i}.bin`);
export const TEST_BATCH_FILE = `${ARCHIVE_DIR}/test_batch.bin`;
export const META_FILE = `${ARCHIVE_DIR}/batches.meta.txt`;
export const NUM_CLASSES = 10;
/** One label byte, then the image as 1024 R, 1024 G, 1024 B bytes (CHW, rows top to bottom). */
export const RECORD_BYTES = 1 + IMAGE_BYTES;
export const OFFICIAL_RECORDS_PER_BATCH = 10000;

/**
 * 50 training images per chunk, so a minor class of 50 costs one request of 150 KB; the test set
 * is always loaded whole per class, so bigger test chunks mean fewer requests.
 */
export const TRAIN_CHUNK_IMAGES = 50;
export const TEST_CHUNK_IMAGES = 250;

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_FORMAT = 'imbalance-playground/cifar10-chunks';
/** Bump when the chunk layout or the manifest changes, so old prepared data is rebuilt. */
export const MANIFEST_VERSION = 1;

export type Split = 'train' | 'test';

export interface ChunkInfo {
  /** Path relative to the data folder, e.g. `train/3/007.bin`. */
  file: string;
  images: number;
  bytes: number;
  /** Hex sha256 of the chunk's bytes; also its key in the browser cache. */
  sha256: string;
}

/** Which archive the assets came from, to tell whether a rerun has anything to do. */
export interface ArchiveIdentity {
  name: string;
  bytes: number;
  /** Present when prepared in Node (the browser has no streaming sha256). */
  sha256?: string;
  /** File modification time in ms since the epoch. */
  modifiedMs: number;
}

export interface DataManifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  /** Images are uint8 NHWC 32×32×3, 3072 bytes each, concatenated; within a class in archive order. */
  imageShape: [number, number, number];
  classNames: string[];
  counts: Record<Split, number[]>;
  /** Per-channel (R, G, B) mean and standard deviation of all training pixels, on the 0–1 scale. */
  trainMean: number[];
  trainStd: number[];
  /** `chunks[split][classId]`: that class's chunks, in archive order. */
  chunks: Record<Split, ChunkInfo[][]>;
  source: ArchiveIdentity;
  preparedAt: string;
}

/** Checks a parsed manifest.json just enough that loaders can trust its shape. */
export function parseManifest(value: unknown, where: string): DataManifest {
  const m = value as Partial<DataManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== MANIFEST_FORMAT) {
    throw new Error(`${where}: not an Imbalance Playground data manifest`);
  }
  if (m.version !== MANIFEST_VERSION) {
    throw new Error(`${where}: manifest version ${String(m.version)}, this app reads version ${MANIFEST_VERSION}; prepare the data again (npm run data)`);
  }
  const names = m.classNames;
  const perClass = (split: Split) =>
    Array.isArray(m.chunks?.[split]) && m.chunks[split].length === names?.length && m.counts?.[split]?.length === names.length;
  if (!Array.isArray(names) || names.length !== NUM_CLASSES || !perClass('train') || !perClass('test')) {
    throw new Error(`${where}: malformed manifest (expected ${NUM_CLASSES} classes with counts and chunks per split)`);
  }
  return m as DataManifest;
}
