/**
 * The browser cache of prepared CIFAR-10 data (Cache API), shared by the loader and the archive
 * import worker. Keys do not depend on where the app is served: chunks are stored by content
 * (their sha256), so a chunk downloaded from the server and the same chunk cut from a dropped
 * archive are one entry, and the manifest under a fixed name.
 */
export const DATA_CACHE_NAME = 'imbalance-playground-cifar10';

// The Cache API wants http(s) keys; this host never resolves, it only names entries.
const KEY_ROOT = 'https://imbalance-playground.invalid/cifar10/';
export const MANIFEST_CACHE_KEY = `${KEY_ROOT}manifest.json`;

export function chunkCacheKey(sha256: string): string {
  return `${KEY_ROOT}sha256/${sha256}`;
}

/** Null where the page cannot use the Cache API (plain-http pages, some private windows). */
export async function openDataCache(): Promise<Cache | null> {
  if (typeof caches === 'undefined') return null;
  try {
    return await caches.open(DATA_CACHE_NAME);
  } catch {
    return null;
  }
}

export function jsonResponse(value: unknown): Response {
  return new Response(JSON.stringify(value), { headers: { 'content-type': 'application/json' } });
}

/** Why a cache or database write failed, in words for the user. */
export function storageProblem(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'QuotaExceededError') return "the browser's storage for this site is full";
  return `the browser refused to store it (${error instanceof Error ? error.message : String(error)})`;
}
