/// <reference lib="webworker" />
/**
 * A lane worker: trains one group of the configuration's lanes for the training worker's
 * ParallelLockstep (engine/laneGroups.ts) on a CPU backend, so each lane has a core of its own.
 */
import { initBackend, type EngineBackendChoice } from '../engine/backend.ts';
import { serveLaneGroup } from '../engine/laneGroups.ts';
import { WASM_PATHS } from './wasmFiles.ts';
import { LIFE_LOCK_HELD } from './protocol.ts';
import { holdLifeLock } from './lifeLock.ts';

declare const self: DedicatedWorkerGlobalScope;

// The training worker named this worker by its life lock.
holdLifeLock(self.name, () => self.postMessage(LIFE_LOCK_HELD));

serveLaneGroup(
  {
    post: (message) => self.postMessage(message),
    listen: (handler) => self.addEventListener('message', (event) => handler(event.data)),
  },
  async (name, workers) => {
    // The threaded wasm build's usual share (half the logical cores), split between the lane workers.
    const wasmThreads = Math.max(1, Math.floor(navigator.hardwareConcurrency / 2 / workers));
    await initBackend(name as EngineBackendChoice, { wasmPaths: WASM_PATHS, wasmThreads });
  },
);
