/**
 * Saves the twin's training state and its per-epoch snapshots in IndexedDB, keyed by the
 * configuration's URL string, so reloading the same link resumes where training stopped.
 * Snapshots are stored one record per epoch, so saving an epoch never rewrites the history.
 */
import type { EpochSnapshot } from '../core/snapshot.ts';

const DB_NAME = 'imbalance-playground';
const DB_VERSION = 1;
const STATES = 'twinStates';
const SNAPSHOTS = 'snapshots';

export interface SavedTraining<State> {
  state: State;
  history: EpochSnapshot[];
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed.'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed.'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted (storage full?).'));
  });
}

let opening: Promise<IDBDatabase> | null = null;

function openDb(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(STATES)) db.createObjectStore(STATES);
      // Key: [storageKey, epoch], so one key range reads a run's whole history in epoch order.
      if (!db.objectStoreNames.contains(SNAPSHOTS)) db.createObjectStore(SNAPSHOTS);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB is not available.'));
  });
  opening.catch(() => (opening = null));
  return opening;
}

/**
 * Saves the state at the end of the last of `snapshots` with those snapshots (the new epoch's, and
 * any whose save failed before), in one transaction: a reload, a crash or a full disk mid-save
 * leaves either the old checkpoint or the new one, never half of one.
 */
export async function saveEpochs<State>(key: string, state: State, snapshots: readonly EpochSnapshot[]): Promise<void> {
  const last = snapshots.at(-1);
  if (!last) throw new Error('saveEpochs: no snapshot to save.');
  const db = await openDb();
  const tx = db.transaction([STATES, SNAPSHOTS], 'readwrite');
  for (const snapshot of snapshots) tx.objectStore(SNAPSHOTS).put(snapshot, [key, snapshot.epoch]);
  tx.objectStore(STATES).put({ epoch: last.epoch, state }, key);
  await done(tx);
}

export async function loadTraining<State>(key: string): Promise<SavedTraining<State> | null> {
  const db = await openDb();
  const tx = db.transaction([STATES, SNAPSHOTS], 'readonly');
  const saved = (await request(tx.objectStore(STATES).get(key))) as { epoch: number; state: State } | undefined;
  if (!saved) return null;
  const range = IDBKeyRange.bound([key, 0], [key, saved.epoch]);
  const history = (await request(tx.objectStore(SNAPSHOTS).getAll(range))) as EpochSnapshot[];
  // A history with gaps (storage cleared half-way) cannot be replayed faithfully: start afresh. It
  // starts after epoch 1 when the run continued from loaded weights.
  const contiguous = history.every((snapshot, i) => snapshot.epoch === history[0].epoch + i);
  if (history.length === 0 || !contiguous || history[history.length - 1].epoch !== saved.epoch) return null;
  return { state: saved.state, history };
}

export async function clearTraining(key: string): Promise<void> {
  const db = await openDb();
  const tx = db.transaction([STATES, SNAPSHOTS], 'readwrite');
  tx.objectStore(STATES).delete(key);
  tx.objectStore(SNAPSHOTS).delete(IDBKeyRange.bound([key, 0], [key, Infinity]));
  await done(tx);
}
