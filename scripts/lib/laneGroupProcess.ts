/**
 * A worker process of `npm run experiment` and the bench (scripts/lib/laneWorkers.ts): trains one
 * group of lanes for a ParallelLockstep (src/engine/laneGroups.ts) on the backend the coordinator
 * names, and ends when its parent does.
 */
import { serveLaneGroup, type HostPort } from '../../src/engine/laneGroups.ts';
import type { EngineBackendChoice } from '../../src/engine/backend.ts';
import { startNodeBackend } from './engine-cli.ts';

const send = process.send?.bind(process);
if (!send) throw new Error('laneGroupProcess runs as a child process with an IPC channel only (scripts/lib/laneWorkers.ts starts it).');
const host: HostPort = {
  post: (message) => void send(message),
  listen: (handler) => process.on('message', handler as (message: unknown) => void),
};
process.on('disconnect', () => process.exit(0));
serveLaneGroup(host, async (name) => void (await startNodeBackend(name as EngineBackendChoice)));
