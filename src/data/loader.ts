/**
 * Loads prepared CIFAR-10 data in the browser (page or worker): the manifest, then only the chunks
 * an experiment needs, each verified by sha256 and kept in the Cache API so a reload downloads
 * nothing. Data imported from a dropped archive lives in the same cache and is found the same way.
 */
import { verifyChunk } from './checksum.ts';
import { chunkCacheKey, MANIFEST_CACHE_KEY, openDataCache, storageProblem } from './cache.ts';
import { DataLoadError } from './errors.ts';
import { MANIFEST_FILE, parseManifest, type ChunkInfo, type DataManifest } from './format.ts';
import type { ArchiveWorkerReply, ArchiveWorkerRequest } from './archiveImport.ts';
import { loadParts, loadPlan, planExperiment, planSamples, type LoadProgress, type SubsetRequest } from './subset.ts';
import { IMAGE_BYTES, type ExperimentData } from './types.ts';

/**
 * The data folder for a page or worker base URL: pass `document.baseURI` on the page. A worker
 * script lives under `assets/`, so the page should hand its data URL to the worker.
 */
export function dataBaseUrl(documentOrWorkerBase: string): string {
  return new URL('data/cifar10/', documentOrWorkerBase).href;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Told when data could not be kept in the browser cache (the data itself still loads). */
export type NotCachedListener = (problem: string) => void;

/** Caches a response; a full or unusable cache only means downloading again next time (and saying so). */
async function remember(cache: Cache | null, key: string, response: Response, onNotCached?: NotCachedListener): Promise<void> {
  try {
    await cache?.put(key, response);
  } catch (error) {
    onNotCached?.(storageProblem(error));
  }
}

/**
 * The server's manifest when it has one (remembered in the cache for offline reloads), else the
 * cached one (an imported archive or an earlier visit), else null: no data anywhere.
 */
export async function loadManifest(baseUrl: string): Promise<DataManifest | null> {
  const url = new URL(MANIFEST_FILE, baseUrl).href;
  const cache = await openDataCache();
  let response: Response | null = null;
  try {
    response = await fetch(url, { cache: 'no-cache' });
  } catch {
    response = null; // offline, or no server at all: the cache may still have data
  }
  // A dev server answers unknown paths with index.html; that means "no manifest" too.
  const isHtml = response?.headers.get('content-type')?.includes('text/html') ?? false;
  if (response?.ok && !isHtml) {
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new DataLoadError(`${url}: not valid JSON (${errorText(error)})`);
    }
    const manifest = parseManifest(json, url);
    await remember(cache, MANIFEST_CACHE_KEY, new Response(text, { headers: { 'content-type': 'application/json' } }));
    return manifest;
  }
  const cached = await cache?.match(MANIFEST_CACHE_KEY);
  if (cached) return parseManifest(await cached.json(), `${MANIFEST_FILE} in the browser cache`);
  if (response && !response.ok && response.status !== 404) throw new DataLoadError(`${url}: HTTP ${response.status} ${response.statusText}`.trim());
  return null;
}

async function download(url: string, mode: RequestCache): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { cache: mode });
  } catch (error) {
    throw new DataLoadError(`${url}: could not fetch (${errorText(error)})`);
  }
  if (!response.ok) throw new DataLoadError(`${url}: HTTP ${response.status} ${response.statusText}`.trim());
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * A verified chunk: from the cache when it is there and intact, else from the server (then
 * cached). A damaged cache entry is dropped; a damaged download is fetched once more, past any
 * HTTP cache on the way, and only then reported, naming the chunk.
 */
async function fetchChunk(baseUrl: string, chunk: ChunkInfo, cache: Cache | null, onNotCached?: NotCachedListener): Promise<Uint8Array> {
  const key = chunkCacheKey(chunk.sha256);
  const cached = await cache?.match(key);
  if (cached) {
    const bytes = new Uint8Array(await cached.arrayBuffer());
    const intact = await verifyChunk(bytes, chunk, `cached ${chunk.file}`).then(() => true, () => false);
    if (intact) return bytes;
    await cache!.delete(key);
  }
  const url = new URL(chunk.file, baseUrl).href;
  // With our own cache, the HTTP cache would only hold a second copy; the retry bypasses it.
  const attempts: RequestCache[] = [cache ? 'no-store' : 'default', 'reload'];
  let damage: unknown;
  for (const mode of attempts) {
    const bytes = await download(url, mode);
    try {
      await verifyChunk(bytes, chunk, url);
    } catch (error) {
      damage = error;
      continue;
    }
    await remember(cache, key, new Response(bytes as Uint8Array<ArrayBuffer>), onNotCached);
    return bytes;
  }
  throw new DataLoadError(
    `The data chunk ${chunk.file} arrived damaged twice, also when fetched again (${errorText(damage)}). ` +
      'The copy on the server is corrupt: prepare the data again (npm run data) and rebuild or re-upload the site, then press Reset.',
  );
}

async function requireManifest(baseUrl: string): Promise<DataManifest> {
  const manifest = await loadManifest(baseUrl);
  if (!manifest) {
    throw new DataLoadError(`No CIFAR-10 data at ${baseUrl} nor in the browser cache: run \`npm run data\` or drop cifar-10-binary.tar.gz onto the page.`);
  }
  return manifest;
}

/**
 * The experiment's seeded training subset and the test sets of its classes (whole, or a seeded
 * subset of `request.testPerClass` per class). Only the needed chunks are fetched; `onProgress` reports bytes of chunks done (cached chunks count at once);
 * `onNotCached` hears why chunks could not be cached (e.g. storage full), once per failed write.
 */
export async function loadExperimentData(
  baseUrl: string,
  request: SubsetRequest,
  onProgress?: (progress: LoadProgress) => void,
  onNotCached?: NotCachedListener,
): Promise<ExperimentData> {
  const manifest = await requireManifest(baseUrl);
  const plan = planExperiment(manifest, request);
  const cache = await openDataCache();
  return loadPlan(plan, (chunk) => fetchChunk(baseUrl, chunk, cache, onNotCached), onProgress);
}

/** The first `count` training images of a CIFAR-10 class (NHWC uint8), for thumbnails. */
export async function loadSampleImages(baseUrl: string, classId: number, count: number): Promise<Uint8Array> {
  const manifest = await requireManifest(baseUrl);
  const images = new Uint8Array(count * IMAGE_BYTES);
  const cache = await openDataCache();
  await loadParts(planSamples(manifest, classId, count), { train: images }, (chunk) => fetchChunk(baseUrl, chunk, cache));
  return images;
}

/**
 * Parses a dropped official `cifar-10-binary.tar.gz` in a worker and caches it as if downloaded;
 * afterwards `loadManifest` finds it. Rejects with the validation message when the file is not
 * a complete CIFAR-10 archive. Progress counts compressed bytes read.
 */
export function importArchive(file: File, onProgress?: (progress: LoadProgress) => void): Promise<void> {
  if (typeof caches === 'undefined') {
    return Promise.reject(new Error("Importing the archive needs the browser's Cache Storage, which browsers offer only over https or on localhost."));
  }
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./archive.worker.ts', import.meta.url), { type: 'module' });
    const finish = (error?: Error) => {
      worker.terminate();
      if (error) reject(error);
      else resolve();
    };
    worker.onmessage = (event: MessageEvent<ArchiveWorkerReply>) => {
      const reply = event.data;
      if (reply.type === 'progress') onProgress?.(reply.progress);
      else if (reply.type === 'done') finish();
      else finish(new Error(reply.message));
    };
    worker.onerror = (event) => finish(new Error(`The archive import worker failed: ${event.message}`));
    worker.postMessage({ file } satisfies ArchiveWorkerRequest);
  });
}
