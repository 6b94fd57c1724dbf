/**
 * Worker processes for lanes trained in parallel (src/engine/laneGroups.ts) in Node: how many, and
 * how to start one, from a checkout under tsx or from the GPU bundle. Processes, not worker threads:
 * tfjs's wasm convolutions ran 40 % slower in a worker thread than in a process's main thread here
 * (measured: ERM's step 1.15 s against 0.82 s), and two processes scale as two cores do.
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { WorkerPort } from '../../src/engine/laneGroups.ts';
import { laneGroupProcess } from './bundle.ts';

/** Lane workers when not told: one per core. */
export function defaultLaneWorkers(): number {
  return availableParallelism();
}

/** A worker process for one group of lanes; it ends with this process. */
export function nodeLaneWorker(): WorkerPort {
  const { command, args } = laneGroupProcess();
  // Structured clone over the IPC channel: typed arrays and ArrayBuffers cross as they are.
  const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  let terminated = false;
  return {
    post: (message) => child.send(message),
    listen: (handler) => child.on('message', handler),
    onFailure: (handler) => {
      child.on('error', handler);
      child.on('exit', (code, signal) => {
        if (!terminated) handler(new Error(`A lane worker process stopped (${signal ?? `exit code ${code}`}).`));
      });
    },
    terminate: () => {
      terminated = true;
      child.kill();
    },
  };
}
