import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EpochSnapshot } from '../core/snapshot.ts';
import type { LockstepState } from './checkpoint.ts';
import { laneGroups } from '../core/laneSplit.ts';
import { LaneWorkerError, ParallelLockstep, serveLaneGroup, startRunner, type HostPort, type WorkerPort } from './laneGroups.ts';
import { LockstepRunner, NonFiniteLossError, type TrainingRunner } from './lockstep.ts';
import { tinyConfig, tinyData } from './runFixture.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const data = tinyData;

/**
 * A "worker" in this thread: every message is structured-cloned and delivered later, as across a
 * real port, so what crosses must be clonable and nothing is shared by reference.
 */
function inThreadWorker(onCreate: (laneIds: string[]) => void = () => undefined): WorkerPort {
  const toHost: ((message: Parameters<WorkerPort['post']>[0]) => void)[] = [];
  const toCoordinator: Parameters<WorkerPort['listen']>[0][] = [];
  const deliver = <T,>(handlers: ((message: T) => void)[], message: T) => {
    const copy = structuredClone(message);
    setTimeout(() => handlers.forEach((handle) => handle(copy)), 0);
  };
  const host: HostPort = {
    post: (message) => deliver(toCoordinator, message),
    listen: (handler) => toHost.push(handler),
  };
  serveLaneGroup(host, async () => undefined);
  return {
    post: (message) => {
      if (message.request.kind === 'create') onCreate(message.request.laneIds);
      deliver(toHost, message);
    },
    listen: (handler) => toCoordinator.push(handler),
    onFailure: () => undefined,
    terminate: () => undefined,
  };
}

/** A worker that dies (out of memory, say) when its `request`-th request arrives: nothing answers, its failure is reported. */
function dyingWorker(atRequest: number): WorkerPort {
  let requests = 0;
  let fail: (error: Error) => void = () => undefined;
  const healthy = inThreadWorker();
  return {
    ...healthy,
    post: (message) => {
      if (++requests === atRequest) setTimeout(() => fail(new Error('out of memory')), 0);
      else healthy.post(message);
    },
    onFailure: (handler) => (fail = handler),
  };
}

/** A snapshot without its timing, which differs from run to run. */
const numbers = (snapshot: EpochSnapshot) => ({ ...snapshot, imagesPerSecond: 0 });
const stateNumbers = (state: LockstepState) => ({ ...state, trainSeconds: 0 });

/** Every byte of a value's ArrayBuffers and typed arrays, for comparing bit for bit (NaN and −0 included). */
function bytesOf(value: unknown): unknown {
  if (value instanceof ArrayBuffer) return Array.from(new Uint8Array(value));
  if (ArrayBuffer.isView(value)) return Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  if (typeof value === 'number') return Array.from(new Uint8Array(Float64Array.of(value).buffer));
  if (Array.isArray(value)) return value.map(bytesOf);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bytesOf(v)]));
  return value;
}

async function trainEpochs(runner: TrainingRunner, epochs: number): Promise<EpochSnapshot[]> {
  const snapshots: EpochSnapshot[] = [];
  for (let e = 0; e < epochs && !runner.finished; e++) {
    while (runner.step < runner.stepsPerEpoch) await runner.trainStep();
    snapshots.push(await runner.finishEpoch());
  }
  return snapshots;
}

describe('laneGroups', () => {
  it('splits the lanes into nearly equal groups in the configuration’s order, never more groups than lanes', () => {
    const config = tinyConfig({ methods: ['erm', 'mfw', 'drw', 'la', 'mixup'] });
    expect(laneGroups(config, 2)).toEqual([['erm', 'drw', 'mixup'], ['mfw', 'la']]);
    expect(laneGroups(config, 1)).toEqual([['erm', 'mfw', 'drw', 'la', 'mixup']]);
    expect(laneGroups(config, 8)).toEqual([['erm'], ['mfw'], ['drw'], ['la'], ['mixup']]);
    expect(laneGroups(tinyConfig({ methods: ['erm'] }), 4)).toEqual([['erm']]);
  });

  it('keeps seed version 1’s mixing lanes, which share one draw stream, in one group', async () => {
    const config = tinyConfig({ methods: ['erm', 'mfw', 'drw', 'mixup'], seedVersion: 1 });
    expect(laneGroups(config, 4)).toEqual([['mfw', 'mixup'], ['erm'], ['drw']]);
    await expect(LockstepRunner.create(data, config, { laneIds: ['erm', 'mfw'] })).rejects.toThrow(/must train together/);
  });
});

describe('ParallelLockstep', () => {
  it('trains, evaluates and saves exactly what one runner of every lane does, bit for bit', async () => {
    const config = tinyConfig({ methods: ['erm', 'mfw', 'la', 'mixup'] });
    const single = await LockstepRunner.create(data, config);
    const plotIndices = Array.from(single.plotIndices);
    const expected = await trainEpochs(single, 2);
    const expectedState = await single.saveState();
    single.dispose();

    const created: string[][] = [];
    const groups = laneGroups(config, 2);
    const parallel = await ParallelLockstep.start(() => inThreadWorker((ids) => created.push(ids)), groups, 'cpu', data, config, null);
    expect(created).toEqual([['erm', 'la'], ['mfw', 'mixup']]);
    expect(Array.from(parallel.plotIndices)).toEqual(plotIndices);
    const got = await trainEpochs(parallel, 2);
    expect(got.map((s) => Object.keys(s.runs))).toEqual([config.methods, config.methods]);
    expect(bytesOf(got.map(numbers))).toEqual(bytesOf(expected.map(numbers)));
    expect(got[1].imagesPerSecond).toBeGreaterThan(0);
    expect(bytesOf(stateNumbers(await parallel.saveState()))).toEqual(bytesOf(stateNumbers(expectedState)));
    expect(bytesOf(await parallel.exportWeights('mixup', 'm.bin'))).toEqual(bytesOf(await (await LockstepRunner.restore(data, config, expectedState)).exportWeights('mixup', 'm.bin')));
    parallel.dispose();
  });

  it('continues a state saved with two workers in one runner, and one runner’s state in two workers, as the uninterrupted run', async () => {
    const config = tinyConfig({ methods: ['erm', 'mfw', 'drw'], epochs: 3 });
    const whole = await LockstepRunner.create(data, config);
    const expected = await trainEpochs(whole, 3);
    whole.dispose();

    const groups = laneGroups(config, 2);
    const parallel = await ParallelLockstep.start(() => inThreadWorker(), groups, 'cpu', data, config, null);
    await trainEpochs(parallel, 1);
    await parallel.trainStep(); // mid-epoch: the order, step and running sums travel too
    const afterParallel = await parallel.saveState();
    parallel.dispose();

    const single = await LockstepRunner.restore(data, config, afterParallel);
    expect(single.step).toBe(1);
    const second = await trainEpochs(single, 1);
    const afterSingle = await single.saveState();
    single.dispose();

    const again = await ParallelLockstep.start(() => inThreadWorker(), groups, 'cpu', data, config, afterSingle);
    expect(again.epoch).toBe(2);
    const third = await trainEpochs(again, 1);
    again.dispose();
    expect(bytesOf([...second, ...third].map(numbers))).toEqual(bytesOf(expected.slice(1).map(numbers)));
    expect(again.finished).toBe(true);
  });

  it('reports a lane’s NaN loss from its worker as the same NonFiniteLossError', async () => {
    const config = tinyConfig({ methods: ['erm', 'mfw'] });
    const healthy = await LockstepRunner.create(data, config);
    const state = await healthy.saveState();
    healthy.dispose();
    // MFW's classifier bias NaN: every logit, hence its loss, becomes NaN.
    const variables = state.runs.mfw.variables;
    variables[variables.length - 1] = new Float32Array(variables[variables.length - 1].byteLength / 4).fill(Number.NaN).buffer;
    const parallel = await ParallelLockstep.start(() => inThreadWorker(), laneGroups(config, 2), 'cpu', data, config, state);
    const error = await trainEpochs(parallel, 2).catch((e: unknown) => e);
    parallel.dispose();
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as NonFiniteLossError).lane).toBe('MFW');
    expect((error as Error).message).toMatch(/^The MFW loss became NaN at epoch 1, step \d; try a smaller learning rate\.$/);
  });

  it('a lane worker that dies mid-run fails the step with a LaneWorkerError, and every later request too', async () => {
    const config = tinyConfig({ methods: ['erm', 'mfw'] });
    let started = 0;
    // The second worker dies at its third request: create, one step, then the second step.
    const parallel = await ParallelLockstep.start(() => (started++ === 1 ? dyingWorker(3) : inThreadWorker()), laneGroups(config, 2), 'cpu', data, config, null);
    await parallel.trainStep();
    const error = await parallel.trainStep().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LaneWorkerError);
    expect((error as Error).message).toBe('out of memory');
    expect(parallel.step).toBe(1);
    await expect(parallel.saveState()).rejects.toBeInstanceOf(LaneWorkerError);
    parallel.dispose();
  });

  it('where lane workers cannot start, startRunner trains every lane in this thread when told to, and says why; else it throws', async () => {
    const config = tinyConfig({ methods: ['erm', 'mfw'] });
    const options = { data, config, state: null, backend: 'cpu', workers: 2, spawn: () => dyingWorker(1) };
    await expect(startRunner(options)).rejects.toBeInstanceOf(LaneWorkerError);
    const reasons: string[] = [];
    const runner = await startRunner({ ...options, onFallback: (reason) => reasons.push(reason) });
    expect(runner).toBeInstanceOf(LockstepRunner);
    expect(reasons).toEqual(['out of memory']);
    await runner.trainStep();
    runner.dispose();
  });
});
