/**
 * A worker's life lock (Web Locks: https and localhost only). The worker holds a lock for the rest of
 * its life, however that ends, and whoever started it then asks for the same lock, which comes free
 * only once the worker has ended: how a starter learns of a worker the browser ended without a word.
 * The page watches the training worker so, and the training worker its lane workers.
 */

/** A name no other worker's lock has, e.g. for `what` = 'training'. */
export function lifeLockName(what: string): string {
  return `imbalance-playground-${what}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** In the worker: holds `name` until this worker ends; `onHeld` once it is held (the starter may watch from then on). */
export function holdLifeLock(name: string, onHeld: () => void): void {
  void navigator.locks?.request(name, () => {
    onHeld();
    return new Promise<void>(() => undefined);
  });
}

/** In the starter, once the worker holds `name`: `onEnded` when that worker has ended, unless `signal` aborts first (the starter ended it itself). */
export function watchLifeLock(name: string, signal: AbortSignal | undefined, onEnded: () => void): void {
  navigator.locks.request(name, { signal }, onEnded).catch(() => undefined);
}
