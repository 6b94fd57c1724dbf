/**
 * The run state as the page's worker client writes it: a fake worker sends what the training worker
 * sends (status, snapshots, checkpoints, a restore, an error, weights) and the store's state is checked.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EpochSnapshot } from '../core/snapshot.ts';
import type { Checkpoint, PageToWorker, WeightFile, WorkerToPage } from '../worker/protocol.ts';
import { runSnapshot } from './runFixture.ts';

vi.mock('../data/loader.ts', () => ({
  dataBaseUrl: (base: string) => new URL('data/', base).href,
  loadManifest: async () => ({ counts: { train: Array(10).fill(5000), test: Array(10).fill(1000) } }),
}));

class FakeWorker {
  static made: FakeWorker[] = [];
  posted: PageToWorker[] = [];
  terminated = false;
  onmessage: ((event: { data: WorkerToPage }) => void) | null = null;
  onerror: ((event: { message: string }) => void) | null = null;
  constructor() {
    FakeWorker.made.push(this);
  }
  postMessage(message: PageToWorker) {
    this.posted.push(message);
  }
  terminate() {
    this.terminated = true;
  }
  send(message: WorkerToPage) {
    this.onmessage?.({ data: message });
  }
}

const snapshot = (epoch: number): EpochSnapshot => ({
  epoch,
  learningRate: 0.1,
  imagesPerSecond: 100,
  trainFeatureLabels: new Uint8Array(),
  testLabels: new Uint8Array(),
  runs: { erm: runSnapshot({ trainLoss: epoch }), mfw: runSnapshot({ trainLoss: epoch / 2 }) },
});
const checkpoint = (epoch: number): Checkpoint => ({ epoch, state: {} as Checkpoint['state'] });

let client: typeof import('../worker/client.ts');
let store: typeof import('./store.ts')['useAppStore'];
let stop: () => void;
const worker = () => FakeWorker.made.at(-1)!;
const state = () => store.getState();

beforeAll(async () => {
  vi.stubGlobal('Worker', FakeWorker);
  vi.stubGlobal('navigator', {});
  vi.stubGlobal('document', { baseURI: 'http://localhost/app/' });
  vi.stubGlobal('window', { location: { href: 'http://localhost/app/', search: '' }, history: { state: null, replaceState: () => undefined } });
  client = await import('../worker/client.ts');
  store = (await import('./store.ts')).useAppStore;
  stop = client.startTrainingClient();
  await vi.waitFor(() => expect(worker().posted.map((m) => m.type)).toEqual(['initBackend', 'configure']));
});

afterAll(() => {
  stop();
  vi.unstubAllGlobals();
});

describe('the run state, driven by the worker’s messages', () => {
  it('configures the worker once the data is there, with the applied lanes', () => {
    expect(state()).toMatchObject({ dataAvailability: 'available', status: 'loading', statusMessage: 'Starting…', history: [] });
    const configure = worker().posted[1] as Extract<PageToWorker, { type: 'configure' }>;
    expect(configure.config.methods).toEqual(['erm', 'mfw']);
    expect(configure.storageKey).toContain('m=erm,mfw');
  });

  it('follows the status and the data download', () => {
    worker().send({ type: 'dataProgress', loaded: 1, total: 4, message: 'Downloading' });
    worker().send({ type: 'status', status: 'loading', epoch: 0, message: 'Loading data' });
    expect(state()).toMatchObject({ status: 'loading', statusMessage: 'Loading data', dataProgress: { loaded: 1, total: 4 } });
    worker().send({ type: 'status', status: 'ready', epoch: 0 });
    expect(state()).toMatchObject({ status: 'ready', statusMessage: null, dataProgress: null });
  });

  it('stores each epoch’s snapshot, a repeated epoch replacing the later ones', () => {
    client.play();
    expect(worker().posted.at(-1)).toEqual({ type: 'start' });
    worker().send({ type: 'status', status: 'running', epoch: 0 });
    for (const epoch of [1, 2, 3]) worker().send({ type: 'snapshot', snapshot: snapshot(epoch) });
    expect(state().history.map((s) => s.epoch)).toEqual([1, 2, 3]);
    worker().send({ type: 'snapshot', snapshot: snapshot(2) });
    expect(state().history.map((s) => s.epoch)).toEqual([1, 2]);
    worker().send({ type: 'snapshot', snapshot: snapshot(3) });
  });

  it('keeps the last checkpoint: a worker that dies is replaced and resumes from it, training on', () => {
    worker().send({ type: 'checkpoint', checkpoint: checkpoint(2) });
    const dead = worker();
    dead.onerror?.({ message: 'out of memory' });
    expect(dead.terminated).toBe(true);
    expect(worker()).not.toBe(dead);
    expect(state()).toMatchObject({ status: 'loading', statusMessage: 'Restarting the training…', lastError: null });
    // Epoch 3 had no checkpoint yet: it is trained again.
    expect(state().history.map((s) => s.epoch)).toEqual([1, 2]);
    const [configure, start] = worker().posted;
    expect(configure).toMatchObject({ type: 'configure', resume: { epoch: 2 } });
    expect(start).toEqual({ type: 'start' });
    worker().send({ type: 'backend', backend: { name: 'wasm', adapter: '', reason: '', parallelLanes: 2 } });
    expect(state().backend?.name).toBe('wasm');
    expect(state().notices.find((n) => n.id === 'recovered')?.title).toMatch(/stopped unexpectedly \(it failed: out of memory\)\. Training resumed from the end of epoch 2/);
  });

  it('shows epochs restored from this browser, with a notice', () => {
    worker().send({ type: 'restored', history: [snapshot(1), snapshot(2), snapshot(3)], source: 'browser' });
    expect(state().history.map((s) => s.epoch)).toEqual([1, 2, 3]);
    expect(state().selectedEpoch).toBeNull();
    expect(state().notices.find((n) => n.id === 'resumed')?.title).toMatch(/stopped after epoch 3 of 40/);
  });

  it('records an error without losing the epochs, and rejects a weights request in flight', async () => {
    const request = client.requestWeights('erm');
    worker().send({ type: 'error', kind: 'nan', message: 'The loss became NaN.' });
    await expect(request).rejects.toThrow('The loss became NaN.');
    expect(state().lastError).toEqual({ kind: 'nan', message: 'The loss became NaN.' });
    expect(state().history).toHaveLength(3);
  });

  it('asks for one lane’s weights by its id and hands over the files the worker named', async () => {
    const request = client.requestWeights('la:tau=1.5');
    const ask = worker().posted.at(-1) as Extract<PageToWorker, { type: 'exportWeights' }>;
    expect(ask).toMatchObject({ type: 'exportWeights', lane: 'la:tau=1.5' });
    const files: WeightFile[] = [
      { name: 'run-epoch3-la_tau-1.5.model.json', data: '{}', mimeType: 'application/json' },
      { name: 'run-epoch3-la_tau-1.5.weights.bin', data: new ArrayBuffer(4), mimeType: 'application/octet-stream' },
    ];
    worker().send({ type: 'weights', requestId: ask.requestId, lane: ask.lane, files });
    expect(await request).toEqual(files);
  });

  it('says whose weights were loaded, by the lanes’ labels', () => {
    const { config } = state();
    state().historyRestored([snapshot(2)], 'weights', { config, epoch: 2, runs: { mfw: [] } });
    expect(state().notices.find((n) => n.id === 'weights')?.title).toMatch(/^Loaded MFW’s weights \(not ERM’s\) after epoch 2 of 40/);
    state().historyRestored([snapshot(2)], 'weights', { config, epoch: 2, runs: { erm: [], mfw: [] } });
    expect(state().notices.find((n) => n.id === 'weights')?.title).toMatch(/^Loaded ERM’s and MFW’s weights after epoch 2 of 40/);
  });

  it('resets a run with stored epochs on the page only: Undo brings it back, the next Play resets the worker', () => {
    worker().send({ type: 'restored', history: [snapshot(1), snapshot(2)], source: 'browser' });
    worker().send({ type: 'status', status: 'running', epoch: 2 });
    const posted = worker().posted.length;
    client.reset();
    // A running run is paused, not reset: the worker keeps it.
    expect(worker().posted.slice(posted)).toEqual([{ type: 'pause' }]);
    expect(state()).toMatchObject({ history: [], progress: null, status: 'ready', undo: { kind: 'reset', epochs: 2 } });
    expect(state().notices.some((n) => n.id === 'resumed')).toBe(false);
    // What the worker says meanwhile is about the kept run.
    worker().send({ type: 'snapshot', snapshot: snapshot(3) });
    worker().send({ type: 'status', status: 'paused', epoch: 3 });
    expect(state()).toMatchObject({ history: [], status: 'ready' });
    state().undoLast();
    expect(state().history.map((s) => s.epoch)).toEqual([1, 2, 3]);
    expect(state()).toMatchObject({ status: 'paused', undo: null });

    client.reset();
    expect(state().undo?.kind).toBe('reset');
    client.play();
    expect(worker().posted.slice(-2)).toEqual([{ type: 'reset' }, { type: 'start' }]);
    expect(state().undo).toBeNull();
  });

  it('resets a run without stored epochs at once', () => {
    worker().send({ type: 'progress', progress: { epoch: 0, epochs: 40, step: 2, stepsPerEpoch: 9, imagesPerSecond: 1, etaSeconds: null, etaIncludesEvaluation: false, phase: 'train' } });
    client.reset();
    expect(worker().posted.at(-1)).toEqual({ type: 'reset' });
    expect(state()).toMatchObject({ history: [], progress: null, lastError: null, undo: null });
  });

  it('offers to undo settings applied over a trained run: applying the previous ones again restores it from storage', () => {
    worker().send({ type: 'snapshot', snapshot: snapshot(1) });
    const previous = state().config;
    state().editConfig({ ...previous, epochs: 7 });
    expect(state().pendingConfig?.epochs).toBe(7);
    state().applyPendingConfig();
    expect(state()).toMatchObject({ history: [], undo: { kind: 'settings', epochs: 1 } });
    expect(state().config.epochs).toBe(7);
    state().undoLast();
    expect(state().config).toEqual(previous);
    expect(state().undo).toBeNull();
    expect(worker().posted.at(-1)).toMatchObject({ type: 'configure', config: previous });
  });
});
