/**
 * Drop-in data: parses a user's `cifar-10-binary.tar.gz` and stores the same manifest and chunks
 * that `npm run data` would serve, in the browser cache, so the loader then needs no server data.
 * Runs inside archive.worker.ts (a 160 MB gunzip + parse must not freeze the page).
 */
import { convertArchive } from './cifarArchive.ts';
import { chunkCacheKey, jsonResponse, MANIFEST_CACHE_KEY, openDataCache, storageProblem } from './cache.ts';
import type { DataManifest } from './format.ts';
import { gunzipErrorsExplained, streamChunks } from './streams.ts';
import type { LoadProgress } from './subset.ts';

export type ArchiveWorkerRequest = { file: File };
export type ArchiveWorkerReply =
  | { type: 'progress'; progress: LoadProgress }
  | { type: 'done' }
  | { type: 'error'; message: string };

/**
 * Validates and converts the archive into the cache; on failure removes what it wrote and rejects.
 * `recordsPerBatch` is the official 10000 except in tests with small archives.
 */
export async function importArchiveIntoCache(
  file: File,
  onProgress?: (progress: LoadProgress) => void,
  recordsPerBatch?: number,
): Promise<DataManifest> {
  const cache = await openDataCache();
  if (!cache) {
    throw new Error('Importing the archive needs the browser cache, which this page cannot use: open it over https or on localhost, outside a private window.');
  }
  let loadedBytes = 0;
  const counting = new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>({
    transform(chunk, controller) {
      loadedBytes += chunk.length;
      onProgress?.({ loadedBytes, totalBytes: file.size });
      controller.enqueue(chunk);
    },
  });
  const decompressed = file.stream().pipeThrough(counting).pipeThrough(new DecompressionStream('gzip'));
  const written: string[] = [];
  try {
    const converted = await convertArchive(gunzipErrorsExplained(streamChunks(decompressed)), {
      recordsPerBatch,
      onChunk: async ({ info, bytes }) => {
        const key = chunkCacheKey(info.sha256);
        await cache.put(key, new Response(bytes as Uint8Array<ArrayBuffer>)).catch((error: unknown) => {
          throw new Error(`The images could not be stored: ${storageProblem(error)}. The whole data set needs about ${Math.ceil(file.size / 1e6)} MB.`);
        });
        written.push(key);
      },
    });
    const manifest: DataManifest = {
      ...converted,
      source: { name: file.name, bytes: file.size, modifiedMs: file.lastModified },
      preparedAt: new Date().toISOString(),
    };
    // Written last: without it the chunks are unreachable, so a failure never leaves half a data set.
    await cache.put(MANIFEST_CACHE_KEY, jsonResponse(manifest));
    return manifest;
  } catch (error) {
    await Promise.all(written.map((key) => cache.delete(key)));
    throw error;
  }
}
