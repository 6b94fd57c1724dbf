/**
 * The lockstep runner's saved state: plain data and ArrayBuffers (structured-clonable), what a
 * restarted worker or the browser's storage continues from exactly.
 */
import type { Rng } from '../util/rng.ts';

export type RngSnapshot = ReturnType<Rng['getState']>;

/** Version 1 was the two-run ERM/MFW state before the method lab; it cannot be continued. */
export const LOCKSTEP_STATE_VERSION = 2;

/** One lane's part: its network, optimiser and the epoch's running sums. */
export interface LaneState {
  /** Every network variable (weights and BN running statistics), float32, `variableSpecs` order. */
  variables: ArrayBuffer[];
  /** SGD momentum buffers, float32, one per learned variable. */
  momentum: ArrayBuffer[];
  gradientNormSums: number[];
  lossSum: number;
  /** Per class, Σ of the partner's share over the epoch's samples (mixing lanes). */
  partnerShareSums: number[];
  /** Samples of the epoch whose label went wholly to one side (Remix). */
  relabelled: number;
  /** The lane's own draw stream (seed version 2, mixing lanes); null otherwise. */
  draws: RngSnapshot | null;
}

export interface LockstepState {
  version: typeof LOCKSTEP_STATE_VERSION;
  /** Checked on restore against the configuration and data. */
  shape: {
    blocksPerStage: number;
    width: number;
    numClasses: number;
    trainSize: number;
    batchSize: number;
    seedVersion: 1 | 2;
    lanes: string[];
    /** The 64-d feature (command line only); absent for the 2-D one, as in states saved before it existed. */
    featureDim?: 64;
  };
  epoch: number;
  step: number;
  /** The current epoch's permutation of the training set (Int32Array buffer). */
  order: ArrayBuffer;
  /** The shared streams; `sharedDraws` serves every mixing lane in seed version 1. */
  rng: { order: RngSnapshot; augmentation: RngSnapshot; sharedDraws: RngSnapshot };
  runs: Record<string, LaneState>;
  gradientCounts: number[];
  trainSeconds: number;
}

/** A saved state this engine cannot continue (older format or other settings): the caller starts afresh and says so. */
export class IncompatibleStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncompatibleStateError';
  }
}

/** Throws IncompatibleStateError unless `state` is this version's, for exactly `shape`. */
export function checkState(state: { version?: unknown; shape?: unknown }, shape: LockstepState['shape']): asserts state is LockstepState {
  if (state.version !== LOCKSTEP_STATE_VERSION) {
    throw new IncompatibleStateError(`The saved training state is from an older version of the app (format ${String(state.version)}); it cannot be continued, so training starts again from epoch 0.`);
  }
  if (JSON.stringify(state.shape) !== JSON.stringify(shape)) {
    throw new IncompatibleStateError(`The saved training state (${JSON.stringify(state.shape)}) does not match this configuration (${JSON.stringify(shape)}).`);
  }
}
