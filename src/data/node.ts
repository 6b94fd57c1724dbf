/**
 * Node-only loading of the prepared assets from disk (for headless experiments and benchmarks),
 * with the same subset sampling and checksum verification as the browser loader.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyChunk } from './checksum.ts';
import { DataLoadError } from './errors.ts';
import { MANIFEST_FILE, parseManifest, type DataManifest } from './format.ts';
import { loadPlan, planExperiment, type LoadProgress, type SubsetRequest } from './subset.ts';
import type { ExperimentData } from './types.ts';

/** Where `npm run data` writes the assets (pass it as `dir` for the default location). */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../public/data/cifar10/', import.meta.url));

export async function readManifestFromDir(dir: string): Promise<DataManifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new DataLoadError(`${path} not found: prepare the data first (npm run data, with CIFAR10_TAR=path/to/cifar-10-binary.tar.gz)`);
  }
  return parseManifest(JSON.parse(text), path);
}

export async function loadExperimentDataFromDir(
  dir: string,
  request: SubsetRequest,
  onProgress?: (progress: LoadProgress) => void,
): Promise<ExperimentData> {
  const plan = planExperiment(await readManifestFromDir(dir), request);
  return loadPlan(plan, async (chunk) => {
    const path = join(dir, chunk.file);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw new DataLoadError(`${path} is missing: ${await partialNote(dir)}`);
    }
    await verifyChunk(bytes, chunk, path);
    return bytes;
  }, onProgress);
}

/**
 * A copy of the data that holds only some chunks (the GPU bundle's) says what it holds in PARTIAL.txt
 * beside the manifest; a full copy that lacks a chunk was damaged.
 */
export const PARTIAL_FILE = 'PARTIAL.txt';

async function partialNote(dir: string): Promise<string> {
  try {
    return (await readFile(join(dir, PARTIAL_FILE), 'utf8')).trim();
  } catch {
    return 'the prepared data is incomplete; prepare it again (npm run data)';
  }
}
