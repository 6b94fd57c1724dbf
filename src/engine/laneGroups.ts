/**
 * Lanes trained in parallel workers on the CPU backends. Each lane is a function of the data, the
 * settings, its method and the seed: a LockstepRunner given some of the lanes (`laneIds`) draws the
 * batches, augmentation, initial weights and lane draws of the whole run, so its lanes train bit for
 * bit as beside all the others. A ParallelLockstep hands each worker a group of lanes, steps them
 * together and joins their snapshots and states into the ones a single runner would give: the epoch's
 * snapshot still arrives for all lanes together, and a state saved with n workers resumes with any
 * number. GPU backends keep one worker: one device queue serves every lane better than several.
 *
 * The transport is a message port (a Web Worker in the browser, a worker process in Node), so the
 * same host (`serveLaneGroup`) and coordinator run in both.
 */
import { lanesOf, type ExperimentConfig } from '../config/experiment.ts';
import { laneGroups, PARALLEL_BACKENDS, sharesDrawStream } from '../core/laneSplit.ts';
import type { EpochSnapshot } from '../core/snapshot.ts';
import type { ExperimentData } from '../data/types.ts';
import { IncompatibleStateError, type LockstepState } from './checkpoint.ts';
import { LockstepRunner, NonFiniteLossError, type TrainingRunner } from './lockstep.ts';
import type { WeightsExport } from './weightsExport.ts';

/** A lane worker could not start, or stopped (crashed, ran out of memory): a failure of the machinery, not of the training. */
export class LaneWorkerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LaneWorkerError';
  }
}

/** A worker's answer to `create`: what the coordinator shows between messages. */
interface GroupInfo {
  stepsPerEpoch: number;
  epoch: number;
  step: number;
  plotIndices: Int32Array;
}

export type LaneGroupRequest =
  | { kind: 'create'; backend: string; workers: number; data: ExperimentData; config: ExperimentConfig; laneIds: string[]; state: LockstepState | null }
  | { kind: 'trainStep' | 'finishEpoch' | 'saveState' | 'evaluate' }
  | { kind: 'exportWeights'; laneId: string; binName?: string };

/** An error as it crosses the port: its name and message, and a NaN loss's details. */
interface SentError {
  name: string;
  message: string;
  nonFinite?: { lane: string; epoch: number; step: number; loss: number };
}

type LaneGroupReply = { id: number; value: unknown } | { id: number; error: SentError };

/** The worker's side of the port. */
export interface HostPort {
  post(message: LaneGroupReply): void;
  listen(handler: (message: { id: number; request: LaneGroupRequest }) => void): void;
}

/** The coordinator's side: a worker it started. */
export interface WorkerPort {
  post(message: { id: number; request: LaneGroupRequest }): void;
  listen(handler: (message: LaneGroupReply) => void): void;
  /** The worker failed outside a request (it crashed or could not load). */
  onFailure(handler: (error: Error) => void): void;
  terminate(): void;
}

function sendable(error: unknown): SentError {
  if (error instanceof NonFiniteLossError) {
    return { name: error.name, message: error.message, nonFinite: { lane: error.lane, epoch: error.epoch, step: error.step, loss: error.loss } };
  }
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}

function received(sent: SentError): Error {
  if (sent.nonFinite) {
    const { lane, epoch, step, loss } = sent.nonFinite;
    return new NonFiniteLossError(lane, epoch, step, loss);
  }
  // The callers tell a saved state they cannot continue by its class.
  if (sent.name === 'IncompatibleStateError') return new IncompatibleStateError(sent.message);
  const error = new Error(sent.message);
  error.name = sent.name;
  return error;
}

/**
 * A worker's part: answers the coordinator's requests one after another with a LockstepRunner of
 * its group's lanes, on the backend `startBackend` makes current (told how many workers share the
 * machine, for the threads it may start).
 */
export function serveLaneGroup(port: HostPort, startBackend: (name: string, workers: number) => Promise<void>): void {
  let runner: LockstepRunner | null = null;
  const handle = async (request: LaneGroupRequest): Promise<unknown> => {
    if (request.kind === 'create') {
      await startBackend(request.backend, request.workers);
      const { data, config, laneIds, state } = request;
      runner = state ? await LockstepRunner.restore(data, config, state, { laneIds }) : await LockstepRunner.create(data, config, { laneIds });
      const info: GroupInfo = { stepsPerEpoch: runner.stepsPerEpoch, epoch: runner.epoch, step: runner.step, plotIndices: runner.plotIndices };
      return info;
    }
    if (!runner) throw new Error('The lane worker has no lanes yet.');
    switch (request.kind) {
      case 'trainStep':
        return runner.trainStep();
      case 'finishEpoch':
        return runner.finishEpoch();
      case 'saveState':
        return runner.saveState();
      case 'evaluate':
        return runner.evaluate();
      case 'exportWeights':
        return runner.exportWeights(request.laneId, request.binName);
    }
  };
  let queue: Promise<void> = Promise.resolve();
  port.listen(({ id, request }) => {
    queue = queue.then(() =>
      handle(request).then(
        (value) => port.post({ id, value }),
        (error: unknown) => port.post({ id, error: sendable(error) }),
      ),
    );
  });
}

/** One worker and its lanes, with its requests awaiting answers. */
class LaneGroup {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private failure: Error | null = null;

  constructor(
    readonly laneIds: string[],
    private readonly port: WorkerPort,
  ) {
    port.listen((reply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if ('error' in reply) waiting.reject(received(reply.error));
      else waiting.resolve(reply.value);
    });
    port.onFailure((error) => {
      const failure = new LaneWorkerError(error.message);
      this.failure = failure;
      for (const waiting of this.pending.values()) waiting.reject(failure);
      this.pending.clear();
    });
  }

  request<T>(request: LaneGroupRequest): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.port.post({ id, request });
    });
  }

  terminate(): void {
    this.port.terminate();
  }
}

/** A worker from `spawn`; one that cannot even be constructed (no nested workers here) is a LaneWorkerError. */
function spawnPort(spawn: () => WorkerPort): WorkerPort {
  try {
    return spawn();
  } catch (error) {
    throw new LaneWorkerError(error instanceof Error ? error.message : String(error));
  }
}

/** The lanes' parts joined in the configuration's lane order. */
function joinRuns<T>(order: readonly string[], groups: readonly { laneIds: readonly string[] }[], parts: readonly Record<string, T>[]): Record<string, T> {
  return Object.fromEntries(
    order.map((id) => {
      const at = groups.findIndex((group) => group.laneIds.includes(id));
      return [id, parts[at][id]];
    }),
  );
}

/** The snapshot one runner of every lane gives, from the groups' snapshots (`imagesPerSecond` measured across all of them). */
export function joinSnapshots(order: readonly string[], groups: readonly { laneIds: readonly string[] }[], parts: readonly EpochSnapshot[], imagesPerSecond: number): EpochSnapshot {
  return { ...parts[0], imagesPerSecond, runs: joinRuns(order, groups, parts.map((part) => part.runs)) };
}

/**
 * The state one runner of every lane saves, from the groups' states: the shared streams, order and
 * counts are the same in every group, except seed version 1's shared draw stream, which only the
 * group of the mixing lanes advances.
 */
export function joinStates(config: ExperimentConfig, order: readonly string[], groups: readonly { laneIds: readonly string[] }[], parts: readonly LockstepState[], trainSeconds: number): LockstepState {
  const drawing = lanesOf(config).find((lane) => sharesDrawStream(config, lane));
  const drawer = drawing ? groups.findIndex((group) => group.laneIds.includes(drawing.id)) : 0;
  return {
    ...parts[0],
    rng: { ...parts[0].rng, sharedDraws: parts[drawer].rng.sharedDraws },
    runs: joinRuns(order, groups, parts.map((part) => part.runs)),
    trainSeconds,
  };
}

/**
 * The configuration's lanes split over several workers, stepped together: the same numbers as one
 * LockstepRunner of every lane (tested), in the wall time of the slowest group.
 */
export class ParallelLockstep implements TrainingRunner {
  readonly stepsPerEpoch: number;
  readonly plotIndices: Int32Array;
  epoch: number;
  step: number;
  private trainSeconds: number;
  private readonly order: string[];

  private constructor(
    private readonly groups: LaneGroup[],
    private readonly config: ExperimentConfig,
    private readonly trainSize: number,
    info: GroupInfo,
    trainSeconds: number,
  ) {
    this.stepsPerEpoch = info.stepsPerEpoch;
    this.plotIndices = info.plotIndices;
    this.epoch = info.epoch;
    this.step = info.step;
    this.trainSeconds = trainSeconds;
    this.order = lanesOf(config).map((lane) => lane.id);
  }

  /**
   * Starts one worker per group (`spawn`), each on `backend`, from `state` or from the start. The
   * workers are stopped again when any of them fails to start.
   */
  static async start(
    spawn: () => WorkerPort,
    groups: string[][],
    backend: string,
    data: ExperimentData,
    config: ExperimentConfig,
    state: LockstepState | null,
  ): Promise<ParallelLockstep> {
    const started: LaneGroup[] = [];
    try {
      for (const laneIds of groups) started.push(new LaneGroup(laneIds, spawnPort(spawn)));
      const infos = await Promise.all(started.map((group) => group.request<GroupInfo>({ kind: 'create', backend, workers: groups.length, data, config, laneIds: group.laneIds, state })));
      return new ParallelLockstep(started, config, data.train.count, infos[0], state?.trainSeconds ?? 0);
    } catch (error) {
      for (const group of started) group.terminate();
      throw error;
    }
  }

  /** How many workers train: one per group. */
  get workers(): number {
    return this.groups.length;
  }

  get finished(): boolean {
    return this.epoch >= this.config.epochs;
  }

  private all<T>(request: LaneGroupRequest): Promise<T[]> {
    return Promise.all(this.groups.map((group) => group.request<T>(request)));
  }

  async trainStep(): Promise<void> {
    const started = performance.now();
    try {
      await this.all({ kind: 'trainStep' });
      this.step++;
    } finally {
      this.trainSeconds += (performance.now() - started) / 1000;
    }
  }

  async finishEpoch(): Promise<EpochSnapshot> {
    const parts = await this.all<EpochSnapshot>({ kind: 'finishEpoch' });
    const snapshot = joinSnapshots(this.order, this.groups, parts, this.trainSize / Math.max(1e-9, this.trainSeconds));
    this.trainSeconds = 0;
    this.epoch++;
    this.step = 0;
    return snapshot;
  }

  async saveState(): Promise<LockstepState> {
    return joinStates(this.config, this.order, this.groups, await this.all<LockstepState>({ kind: 'saveState' }), this.trainSeconds);
  }

  async evaluate(): Promise<EpochSnapshot> {
    return joinSnapshots(this.order, this.groups, await this.all<EpochSnapshot>({ kind: 'evaluate' }), 0);
  }

  exportWeights(laneId: string, binName?: string): Promise<WeightsExport> {
    const group = this.groups.find((g) => g.laneIds.includes(laneId));
    if (!group) return Promise.reject(new Error(`No lane ${laneId} (lanes: ${this.order.join(', ')}).`));
    return group.request<WeightsExport>({ kind: 'exportWeights', laneId, binName });
  }

  dispose(): void {
    for (const group of this.groups) group.terminate();
  }
}

/**
 * The runner of a configuration: its lanes in up to `workers` workers (`spawn`) on the CPU backends,
 * else (a GPU backend, one worker, one lane) a LockstepRunner in this thread. From `state` when given.
 */
export async function startRunner(options: {
  data: ExperimentData;
  config: ExperimentConfig;
  state: LockstepState | null;
  backend: string;
  workers: number;
  spawn: () => WorkerPort;
  /** Given, lane workers that cannot start leave every lane in this thread (and this is told why); else it throws. */
  onFallback?: (reason: string) => void;
}): Promise<TrainingRunner> {
  const { data, config, state, backend, workers, spawn, onFallback } = options;
  const groups = PARALLEL_BACKENDS.includes(backend) ? laneGroups(config, workers) : [];
  if (groups.length > 1) {
    try {
      return await ParallelLockstep.start(spawn, groups, backend, data, config, state);
    } catch (error) {
      if (!(error instanceof LaneWorkerError) || !onFallback) throw error;
      onFallback(error.message);
    }
  }
  return state ? LockstepRunner.restore(data, config, state) : LockstepRunner.create(data, config);
}

/** How many workers a runner trains in: 1 for a LockstepRunner in this thread. */
export function workersOf(runner: TrainingRunner): number {
  return runner instanceof ParallelLockstep ? runner.workers : 1;
}
