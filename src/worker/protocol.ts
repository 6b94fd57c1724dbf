/**
 * The typed message protocol between the page and the training worker. Only plain data crosses:
 * configs, numbers, typed arrays (transferred, not copied) — never tensors.
 */
import type { BackendChoice, ExperimentConfig } from '../config/experiment.ts';
import type { Calibration, NetworkProfile } from '../core/networkCost.ts';
import type { EpochSnapshot, RunSnapshot } from '../core/snapshot.ts';
import type { LockstepState } from '../engine/checkpoint.ts';

/** What the worker is doing; the transport buttons follow it. */
export type RunStatus =
  | 'idle' // nothing configured yet
  | 'loading' // backend start-up, data download, model creation
  | 'ready' // configured, epoch 0, waiting for play
  | 'running'
  | 'paused'
  | 'finished' // all epochs done
  | 'error';

/** Which backend trains and why it was chosen (mirrors the engine's BackendInfo). */
export interface BackendReport {
  name: string;
  adapter: string;
  reason: string;
  /** Lanes that train at once: on the CPU backends one per lane worker (the page's logical cores), on a GPU 1 (one device queue). */
  parallelLanes: number;
}

export interface TrainingProgress {
  /** Completed epochs. */
  epoch: number;
  epochs: number;
  /** Steps done in the current epoch. */
  step: number;
  stepsPerEpoch: number;
  /** Training images per second (both runs see each image once), over the recent steps. */
  imagesPerSecond: number;
  /** Seconds left for the remaining steps at the current speed; null before any measurement. */
  etaSeconds: number | null;
  /** False until one evaluation has been timed: the ETA then counts training steps only (a lower bound). */
  etaIncludesEvaluation: boolean;
  /** 'train' while stepping, 'evaluate' while the epoch's metrics are computed. */
  phase: 'train' | 'evaluate';
}

/** 'oom': the configuration needs more memory than the device has; 'worker': the worker kept dying. */
export type ErrorKind = 'nan' | 'data' | 'backend' | 'oom' | 'worker' | 'internal';

/** The lanes at the end of a completed epoch: what a restarted worker resumes from. */
export interface Checkpoint {
  epoch: number;
  state: LockstepState;
}

export interface WeightFile {
  name: string;
  /** model.json text or weights.bin bytes. */
  data: string | ArrayBuffer;
  mimeType: string;
}

/**
 * The CIFAR images behind the plotted points, for the scatter tooltips (NHWC uint8, 3072 bytes each):
 * the training sample in the order of a snapshot's `trainFeatures`, the test images in the order of
 * its `testFeatures`. Sent once per configuration; the snapshots then carry features only.
 */
export interface PointImages {
  train: Uint8Array;
  test: Uint8Array;
}

/** Checked weights (weightsFile.ts) to continue from, by lane id: some lanes' or every lane's. */
export interface WeightsToLoad {
  epoch: number;
  runs: Record<string, Float32Array[]>;
}

export type PageToWorker =
  /** Start the backend before any data is there, so the badge can say which one trains. */
  | { type: 'initBackend'; backend: BackendChoice; cores: number }
  /**
   * (Re)configure: load data for the config, build both networks (or resume a saved state, or
   * continue from loaded weights, which replace any saved state of this config).
   */
  | {
      type: 'configure';
      config: ExperimentConfig;
      /** The page's logical cores (navigator.hardwareConcurrency): on the CPU backends the lanes train in up to this many workers. */
      cores: number;
      dataBaseUrl: string;
      storageKey: string;
      /** Resume from this checkpoint (a restarted worker) instead of the one saved in the browser. */
      resume?: Checkpoint;
      /** Backends whose device was lost in this page's life: the next in the automatic order is used instead. */
      excludeBackends?: string[];
      /** Checked weights to continue from (the run they belong to, at their epoch). */
      weights?: WeightsToLoad;
    }
  /** Hold this Web Lock for life, so the page learns at once when the worker ends without a word. */
  | { type: 'holdLock'; name: string }
  | { type: 'start' }
  | { type: 'pause' }
  | { type: 'stepEpoch' }
  /** Throw away the training (and its saved state) and start again from epoch 0 with the same config. */
  | { type: 'reset' }
  | { type: 'exportWeights'; lane: string; requestId: number };

export type WorkerToPage =
  | { type: 'backend'; backend: BackendReport }
  | { type: 'dataProgress'; loaded: number; total: number; message: string }
  | { type: 'status'; status: RunStatus; epoch: number; message?: string }
  | { type: 'progress'; progress: TrainingProgress }
  | { type: 'snapshot'; snapshot: EpochSnapshot }
  /** Snapshots restored from this browser's storage (or the loaded weights' evaluation), oldest first, before the 'paused' status. */
  | { type: 'restored'; history: EpochSnapshot[]; source: 'browser' | 'weights' }
  | { type: 'weights'; requestId: number; lane: string; files: WeightFile[] }
  /** Sent after the epoch's snapshot (and after a restore), so the page always holds a checkpoint no newer than its history. */
  | { type: 'checkpoint'; checkpoint: Checkpoint }
  /** The GPU device or context of `backend` is gone: the page restarts the worker on the next backend. */
  | { type: 'deviceLost'; backend: string; detail: string }
  /** Something the user should know that does not stop the training (e.g. the browser's storage is full). */
  | { type: 'notice'; id: string; tone: 'info' | 'warning'; title: string }
  | { type: 'lockHeld'; name: string }
  | { type: 'pointImages'; images: PointImages }
  /** Timing a network before Play (null: timing has ended or was cut short by Play). */
  | { type: 'calibrating'; profile: NetworkProfile | null; done: number; total: number }
  | { type: 'calibration'; calibration: Calibration }
  | { type: 'error'; kind: ErrorKind; message: string };

/**
 * A copy of a snapshot whose typed arrays own their buffers, and those buffers, so postMessage can
 * transfer them. Copying first means arrays the engine may still hold are never detached.
 */
export function transferableSnapshot(snapshot: EpochSnapshot): { snapshot: EpochSnapshot; transfer: ArrayBuffer[] } {
  const copy = {
    ...snapshot,
    trainFeatureLabels: snapshot.trainFeatureLabels.slice(),
    testLabels: snapshot.testLabels.slice(),
    runs: Object.fromEntries(
      Object.entries(snapshot.runs).map(([lane, run]): [string, RunSnapshot] => [lane, { ...run, trainFeatures: run.trainFeatures.slice(), testFeatures: run.testFeatures.slice() }]),
    ),
  };
  const transfer = [copy.trainFeatureLabels, copy.testLabels, ...Object.values(copy.runs).flatMap((run) => [run.trainFeatures, run.testFeatures])].map(
    (array) => array.buffer as ArrayBuffer,
  );
  return { snapshot: copy, transfer };
}

/** A lane worker's word that it holds its life lock (named by the worker's name), so the training worker can watch it. */
export const LIFE_LOCK_HELD = 'lane-worker-life-lock-held';
