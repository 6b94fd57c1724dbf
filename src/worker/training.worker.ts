/// <reference lib="webworker" />
/**
 * The training worker: hosts the engine's LockstepRunner (the configuration's lanes, ERM beside MFW by default) off the main thread.
 * It answers the page's commands (protocol.ts), reports throttled progress and one snapshot per
 * epoch, and saves the lanes' state after every epoch so a reload resumes.
 */
import { initBackend, type BackendInfo } from '../engine/backend.ts';
import { isOutOfMemoryError, watchDevice } from '../engine/deviceWatch.ts';
import { calibrateLane } from '../engine/calibration.ts';
import { profileKey, profileOf, scaleCalibration, type Calibration } from '../core/networkCost.ts';
import { NonFiniteLossError, LockstepRunner, type TrainingRunner } from '../engine/lockstep.ts';
import { LaneWorkerError, startRunner, type WorkerPort } from '../engine/laneGroups.ts';
import { PARALLEL_BACKENDS } from '../core/laneSplit.ts';
import { fileSafeLaneId } from '../core/methods.ts';
import { IncompatibleStateError, type LockstepState } from '../engine/checkpoint.ts';
import { loadExperimentData } from '../data/loader.ts';
import { IMAGE_BYTES } from '../data/types.ts';
import { subsetRequestOf, TIME_PRESETS, trainSetSize, withTimePreset, type BackendChoice, type ExperimentConfig } from '../config/experiment.ts';
import type { ExperimentData } from '../data/types.ts';
import type { EpochSnapshot } from '../core/snapshot.ts';
import { storageProblem } from '../data/cache.ts';
import { WASM_PATHS } from './wasmFiles.ts';
import { clearTraining, loadTraining, saveEpochs } from './persistence.ts';
import { holdLifeLock, lifeLockName, watchLifeLock } from './lifeLock.ts';
import {
  LIFE_LOCK_HELD,
  transferableSnapshot,
  type Checkpoint,
  type ErrorKind,
  type PageToWorker,
  type PointImages,
  type RunStatus,
  type WeightFile,
  type WeightsToLoad,
  type WorkerToPage,
} from './protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

/** Progress messages at most this often: enough for a smooth bar, cheap for the page. */
const PROGRESS_INTERVAL_MS = 200;

function send(message: WorkerToPage, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

let config: ExperimentConfig | null = null;
let storageKey = '';
let dataUrl = '';
/** Backends lost earlier in this page's life (told by the page): never started again. */
let excludedBackends: string[] = [];
/** The backend choice (and exclusions) the current backend was started for. */
let backendKey: string | null = null;
let backend: BackendInfo | null = null;
/** Set once the device is lost: from then on this worker only waits to be replaced. */
let deviceLost = false;
/** Snapshots not yet in the browser's storage (a save failed): written with the next save. */
let unsaved: EpochSnapshot[] = [];
/** The last epoch whose checkpoint is in the browser's storage (what a reload resumes from). */
let savedEpoch = 0;
let data: ExperimentData | null = null;
let dataKey = '';
let runner: TrainingRunner | null = null;
/** The page's logical cores: on the CPU backends the lanes train in up to this many lane workers. */
let cores = 1;
/** Set once lane workers failed to start: from then on this worker trains every lane itself. */
let laneWorkersFailed = false;

/** Lanes that train at once on the current backend: one per lane worker on the CPU backends, else 1. */
function parallelLanes(): number {
  return backend && PARALLEL_BACKENDS.includes(backend.name) && !laneWorkersFailed ? cores : 1;
}
/** What the loop should do: 'run' until the last epoch, 'epoch' until the current epoch ends. */
let mode: 'stop' | 'run' | 'epoch' = 'stop';
let loop: Promise<void> | null = null;
/** Bumped by every configure/reset, so a loop from an older configuration never touches the new one. */
let generation = 0;
let status: RunStatus = 'idle';

function setStatus(next: RunStatus, message?: string): void {
  status = next;
  send({ type: 'status', status: next, epoch: runner?.epoch ?? 0, message });
}

/** The advice after running out of memory: halve what costs memory, name what to try. */
function outOfMemoryMessage(detail: string): string {
  const c = config;
  const setting = c ? `ResNet-${6 * c.blocksPerStage + 2} at width ${c.width} with batch size ${c.batchSize}` : 'this configuration';
  const smaller = c && c.batchSize > 16 ? `a batch size of ${Math.max(16, Math.floor(c.batchSize / 2))}` : 'a smaller batch size';
  return (
    `Training stopped: ${setting} needs more memory than this device has (${detail.replace(/\.$/, '')}). ` +
    `Try ${smaller} or fewer blocks per stage, then apply the settings; the epochs trained so far stay on the page.`
  );
}

function describe(error: unknown): { kind: ErrorKind; message: string } {
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof NonFiniteLossError) {
    return { kind: 'nan', message: `Training diverged: ${text} Lower the learning rate or add warm-up epochs, then press Reset.` };
  }
  if (isOutOfMemoryError(error)) return { kind: 'oom', message: outOfMemoryMessage(text) };
  if (error instanceof Error && /DataLoadError|ArchiveError/.test(error.name)) return { kind: 'data', message: text };
  return { kind: 'internal', message: text };
}

/** How long an error waits for a device-loss signal that explains it (ops on a lost device fail first, the loss is reported after). */
const LOSS_GRACE_MS = 500;

function fail(error: unknown, kind?: ErrorKind): void {
  mode = 'stop';
  status = 'error'; // at once, so no command restarts the loop in the meantime
  if (error instanceof LaneWorkerError) {
    // A lane worker died (most likely out of memory): this worker ends as if it had, so the page
    // restarts the training from its last checkpoint, as after any crash of the training worker.
    setTimeout(() => {
      throw error;
    });
    return;
  }
  const described = describe(error);
  setTimeout(() => {
    if (deviceLost) return; // a consequence of the lost device, not news: the page restarts the training
    send({ type: 'error', kind: kind ?? described.kind, message: described.message });
    setStatus('error', described.message);
  }, LOSS_GRACE_MS);
}

/** The device is gone: stop everything and let the page start a fresh worker on the next backend. */
function loseDevice(detail: string): void {
  if (deviceLost || !backend) return;
  deviceLost = true;
  mode = 'stop';
  generation++;
  send({ type: 'deviceLost', backend: backend.name, detail });
}

/** Lets queued messages (pause, reset) in between steps, even where a step resolves without a macrotask. */
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Recent step timings, for images/s and the ETA. */
class Speedometer {
  private samples: { time: number; images: number }[] = [];
  /** The last measured rate, shown while a new window fills (after an evaluation or a pause). */
  private lastRate = 0;
  evaluationSeconds: number | null = null;

  record(images: number): void {
    this.samples.push({ time: performance.now(), images });
    if (this.samples.length > 30) this.samples.shift();
  }

  restart(): void {
    this.samples = [{ time: performance.now(), images: 0 }];
  }

  imagesPerSecond(): number {
    if (this.samples.length < 3) return this.lastRate;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const images = this.samples.slice(1).reduce((sum, s) => sum + s.images, 0);
    const seconds = (last.time - first.time) / 1000;
    if (seconds > 0) this.lastRate = images / seconds;
    return this.lastRate;
  }
}

const speed = new Speedometer();
let lastProgressAt = 0;

function reportProgress(phase: 'train' | 'evaluate', force = false): void {
  if (!runner || !config) return;
  const now = performance.now();
  if (!force && now - lastProgressAt < PROGRESS_INTERVAL_MS) return;
  lastProgressAt = now;
  const imagesPerSecond = speed.imagesPerSecond();
  const epochsLeft = config.epochs - runner.epoch;
  const imagesLeft = epochsLeft * trainSetSize(config) - Math.min(runner.step * config.batchSize, trainSetSize(config));
  const etaSeconds =
    imagesPerSecond > 0 ? imagesLeft / imagesPerSecond + epochsLeft * (speed.evaluationSeconds ?? 0) : null;
  send({
    type: 'progress',
    progress: {
      epoch: runner.epoch,
      epochs: config.epochs,
      step: runner.step,
      stepsPerEpoch: runner.stepsPerEpoch,
      imagesPerSecond,
      etaSeconds,
      etaIncludesEvaluation: speed.evaluationSeconds !== null,
      phase,
    },
  });
}

/**
 * Saves the checkpoint (with any snapshots a failed save left behind) in the browser's storage. A
 * full storage does not stop the training: the page keeps every epoch, and says what a reload would lose.
 */
async function saveCheckpoint(state: LockstepState, snapshot: EpochSnapshot): Promise<void> {
  unsaved.push(snapshot);
  try {
    await saveEpochs(storageKey, state, unsaved);
  } catch (error) {
    const resumesFrom = savedEpoch > 0 ? `epoch ${savedEpoch}` : 'the start';
    send({
      type: 'notice',
      id: 'storage-full',
      tone: 'warning',
      title: `Epoch ${snapshot.epoch} could not be saved in this browser: ${storageProblem(error)}. Training goes on and this page keeps every epoch, but a reload would resume from ${resumesFrom}.`,
    });
    return;
  }
  if (unsaved.length > 1) {
    send({ type: 'notice', id: 'storage-full', tone: 'info', title: `Saving works again: epochs 1–${snapshot.epoch} are saved in this browser.` });
  }
  unsaved = [];
  savedEpoch = snapshot.epoch;
}

async function finishEpoch(active: TrainingRunner, gen: number): Promise<void> {
  reportProgress('evaluate', true);
  const started = performance.now();
  const snapshot: EpochSnapshot = await active.finishEpoch();
  speed.evaluationSeconds = (performance.now() - started) / 1000;
  if (gen !== generation) return;
  const state = await active.saveState();
  await saveCheckpoint(state, snapshot);
  const { snapshot: copy, transfer } = transferableSnapshot(snapshot);
  send({ type: 'snapshot', snapshot: copy }, transfer);
  // After the snapshot: the page's checkpoint is never newer than its history.
  send({ type: 'checkpoint', checkpoint: { epoch: snapshot.epoch, state } });
  speed.restart();
  reportProgress('train', true);
}

async function runLoop(gen: number): Promise<void> {
  const active = runner;
  if (!active || !config) return;
  const imagesPerStep = config.batchSize;
  speed.restart();
  setStatus('running');
  try {
    while (gen === generation && mode !== 'stop' && !active.finished) {
      if (active.step < active.stepsPerEpoch) {
        await active.trainStep();
        speed.record(imagesPerStep);
        reportProgress('train');
      } else {
        await finishEpoch(active, gen);
        if (mode === 'epoch') mode = 'stop';
      }
      await yieldToMessages();
    }
  } catch (error) {
    if (gen === generation) fail(error);
    return;
  }
  if (gen !== generation) return;
  reportProgress('train', true);
  setStatus(active.finished ? 'finished' : active.epoch === 0 && active.step === 0 ? 'ready' : 'paused');
}

function startLoop(nextMode: 'run' | 'epoch'): void {
  if (!runner || runner.finished || status === 'loading' || status === 'error') return;
  mode = nextMode;
  if (loop) return; // the running loop picks the new mode up
  const gen = generation;
  loop = runLoop(gen).finally(() => {
    loop = null;
  });
}

/** Stops the loop and waits until the step in flight has finished, so the runner can be disposed. */
async function stopLoop(): Promise<void> {
  mode = 'stop';
  generation++;
  await loop;
}

/** The loaded images depend on these settings only (a new seed alone keeps them). */
function dataKeyOf(c: ExperimentConfig): string {
  return JSON.stringify(subsetRequestOf(c));
}

async function startBackend(choice: ExperimentConfig['backend'], exclude: string[]): Promise<BackendInfo> {
  // A lost backend is never chosen again: the automatic order goes on with the next one.
  const info = await initBackend(exclude.includes(choice) ? 'auto' : choice, { exclude, wasmPaths: WASM_PATHS });
  watchDevice({
    onLost: loseDevice,
    onOutOfMemory: (detail) => {
      generation++;
      fail(new Error(detail), 'oom');
    },
  });
  return info;
}

/** Starts the chosen backend (never an excluded one) unless it already runs; false (and an error sent) when none can. */
async function ensureBackend(choice: BackendChoice, exclude: string[]): Promise<boolean> {
  const wanted = JSON.stringify([choice, exclude]);
  if (backendKey === wanted) return true;
  try {
    backend = await startBackend(choice, exclude);
    backendKey = wanted;
    send({ type: 'backend', backend: { ...backend, parallelLanes: parallelLanes() } });
    return true;
  } catch (error) {
    // initBackend's message says what was tried and what to do (another browser, or another backend).
    backendKey = null;
    fail(error, 'backend');
    return false;
  }
}

async function configure(
  next: ExperimentConfig,
  baseUrl: string,
  key: string,
  resume?: Checkpoint,
  exclude: string[] = [],
  weights?: WeightsToLoad,
): Promise<void> {
  await stopLoop();
  const gen = generation;
  runner?.dispose();
  runner = null;
  config = next;
  storageKey = key;
  dataUrl = baseUrl;
  unsaved = [];
  setStatus('loading', 'Starting the training backend…');

  if (!(await ensureBackend(next.backend, exclude))) return;
  if (gen !== generation) return;

  if (!data || dataKey !== dataKeyOf(next)) {
    data = null;
    setStatus('loading', 'Loading CIFAR-10 images…');
    try {
      const request = subsetRequestOf(next);
      let warned = false;
      const onNotCached = (problem: string) => {
        if (warned) return;
        warned = true;
        send({ type: 'notice', id: 'data-not-cached', tone: 'warning', title: `The CIFAR-10 images could not be kept in this browser: ${problem}. Training goes on; the next visit downloads them again.` });
      };
      data = await loadExperimentData(
        baseUrl,
        request,
        ({ loadedBytes, totalBytes }) => send({ type: 'dataProgress', loaded: loadedBytes, total: totalBytes, message: 'Loading CIFAR-10 images' }),
        onNotCached,
      );
      dataKey = dataKeyOf(next);
    } catch (error) {
      if (gen === generation) fail(error, 'data');
      return;
    }
  }
  if (gen !== generation) return;

  setStatus('loading', next.methods.length === 1 ? 'Building the network…' : `Building ${next.methods.length} networks…`);
  try {
    if (resume) {
      // A restarted worker: the page holds the history up to this checkpoint; storage may hold less.
      runner = await trainingRunner(data, next, resume.state);
      savedEpoch = (await loadTraining<LockstepState>(key).catch(() => null))?.history.at(-1)?.epoch ?? 0;
    } else if (weights) {
      runner = await continueFromWeights(data, next, key, weights);
    } else {
      const saved = await loadTraining<LockstepState>(key).catch(() => null);
      const lastEpoch = saved?.history.at(-1)?.epoch ?? 0;
      const restored = saved && saved.history.length > 0 ? await restoreSaved(data, next, key, saved.state) : null;
      if (saved && restored) {
        runner = restored;
        savedEpoch = lastEpoch;
        send({ type: 'restored', history: saved.history, source: 'browser' });
        send({ type: 'checkpoint', checkpoint: { epoch: lastEpoch, state: saved.state } });
      } else {
        runner = await trainingRunner(data, next, null);
        savedEpoch = 0;
      }
    }
  } catch (error) {
    if (gen === generation) fail(error);
    return;
  }
  if (gen !== generation) {
    runner.dispose();
    runner = null;
    return;
  }
  sendPointImages(data, runner.plotIndices);
  reportProgress('train', true);
  setStatus(runner.finished ? 'finished' : runner.epoch > 0 ? 'paused' : 'ready');
}

/** The images of the plotted points, copied so the worker's data is never detached by the transfer. */
function sendPointImages(experiment: ExperimentData, plotIndices: Int32Array): void {
  const train = new Uint8Array(plotIndices.length * IMAGE_BYTES);
  plotIndices.forEach((i, j) => train.set(experiment.train.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES), j * IMAGE_BYTES));
  const images: PointImages = { train, test: experiment.test.images.slice() };
  send({ type: 'pointImages', images }, [train.buffer, images.test.buffer]);
}

/**
 * A lane worker (laneGroup.worker.ts) for one group of lanes. Its failure is an uncaught error, or,
 * where Web Locks exist, its life lock coming free: a worker the browser ended sends no error.
 */
function laneWorker(): WorkerPort {
  const lockName = lifeLockName('lane');
  const worker = new Worker(new URL('./laneGroup.worker.ts', import.meta.url), { type: 'module', name: lockName });
  const lifeWatch = new AbortController();
  let failed: (error: Error) => void = () => undefined;
  worker.addEventListener('error', (event) => {
    // Handled here (fail() ends this worker for the page to restart), not passed on to the page as well.
    event.preventDefault();
    failed(new Error(`a lane worker failed: ${event.message || 'it could not load'}`));
  });
  worker.addEventListener('message', (event) => {
    if (event.data === LIFE_LOCK_HELD) watchLifeLock(lockName, lifeWatch.signal, () => failed(new Error('the browser ended a lane worker')));
  });
  return {
    post: (message) => worker.postMessage(message),
    listen: (handler) =>
      worker.addEventListener('message', (event) => {
        if (event.data !== LIFE_LOCK_HELD) handler(event.data);
      }),
    onFailure: (handler) => (failed = handler),
    terminate: () => {
      lifeWatch.abort();
      worker.terminate();
    },
  };
}

/**
 * The configuration's lanes, from `state` or the start: in lane workers on the CPU backends (one per
 * core), else in this worker; in this worker too, with a notice, where lane workers cannot start.
 */
function trainingRunner(experiment: ExperimentData, next: ExperimentConfig, state: LockstepState | null): Promise<TrainingRunner> {
  return startRunner({
    data: experiment,
    config: next,
    state,
    backend: backend?.name ?? '',
    workers: parallelLanes(),
    spawn: laneWorker,
    onFallback: (reason) => {
      laneWorkersFailed = true;
      if (backend) send({ type: 'backend', backend: { ...backend, parallelLanes: 1 } });
      send({ type: 'notice', id: 'lane-workers', tone: 'info', title: `The lanes train one after another in one worker, more slowly: this browser did not start a worker per lane (${reason}).` });
    },
  });
}

/**
 * The training saved in this browser, or null when it is from an older version of the app (or other
 * settings): then it is deleted and the user told, and training starts afresh.
 */
async function restoreSaved(experiment: ExperimentData, next: ExperimentConfig, key: string, state: LockstepState): Promise<TrainingRunner | null> {
  try {
    return await trainingRunner(experiment, next, state);
  } catch (error) {
    if (!(error instanceof IncompatibleStateError)) throw error;
    await clearTraining(key).catch(() => undefined);
    send({ type: 'notice', id: 'saved-state-discarded', tone: 'info', title: error.message });
    return null;
  }
}

/**
 * Lanes from loaded weights (a lane without its own file takes the first chosen one's), shown at
 * once as their evaluation, and saved in place of this configuration's earlier training.
 */
async function continueFromWeights(experiment: ExperimentData, next: ExperimentConfig, key: string, weights: WeightsToLoad): Promise<TrainingRunner> {
  const lanes = await trainingRunner(experiment, next, LockstepRunner.stateFromWeights(experiment, next, weights.runs, weights.epoch));
  setStatus('loading', 'Evaluating the loaded weights…');
  const snapshot = await lanes.evaluate();
  const state = await lanes.saveState();
  await clearTraining(key).catch(() => undefined);
  savedEpoch = 0;
  await saveCheckpoint(state, snapshot);
  const { snapshot: copy, transfer } = transferableSnapshot(snapshot);
  send({ type: 'restored', history: [copy], source: 'weights' }, transfer);
  send({ type: 'checkpoint', checkpoint: { epoch: snapshot.epoch, state } });
  return lanes;
}

async function reset(): Promise<void> {
  if (!config) return;
  await stopLoop();
  await clearTraining(storageKey).catch(() => undefined);
  await configure(config, dataUrl, storageKey, undefined, excludedBackends);
}

async function exportWeights(lane: string, requestId: number): Promise<void> {
  if (!runner) {
    send({ type: 'error', kind: 'internal', message: 'There are no trained weights yet.' });
    return;
  }
  // The manifest names the binary file, so the two downloads keep these names (docs/WEIGHTS.md).
  const stem = `imbalance-playground-epoch${runner.epoch}${runner.step > 0 ? `-step${runner.step}` : ''}-${fileSafeLaneId(lane)}`;
  const binName = `${stem}.weights.bin`;
  const { modelJson, weightData } = await runner.exportWeights(lane, binName);
  const files: WeightFile[] = [
    { name: `${stem}.model.json`, data: JSON.stringify(modelJson, null, 1), mimeType: 'application/json' },
    { name: binName, data: weightData, mimeType: 'application/octet-stream' },
  ];
  send({ type: 'weights', requestId, lane, files }, files.flatMap((f) => (typeof f.data === 'string' ? [] : [f.data])));
}

/** Timings per backend and network, kept while the worker lives: a network is timed once. */
const calibrations = new Map<string, Calibration>();
/** Bumped by every command that trains or rebuilds, so a calibration in progress stops at its next step. */
let calibrationGeneration = 0;
/**
 * A preset's network is timed too when the configured one's timing predicts it below this per lane
 * step (a real GPU); otherwise the page scales its estimate, rather than spend minutes timing it.
 */
const QUICK_TO_TIME_SECONDS = 3;

/**
 * Times the configured network (and, where that is quick, every time preset's network) unless
 * already timed, so the page can show estimates before Play. Play, a step or a new configuration
 * cuts it short.
 */
async function calibrate(gen: number): Promise<void> {
  const current = config;
  if (!current || !runner || runner.finished || gen !== calibrationGeneration) return;
  const candidates = [current, ...Object.values(TIME_PRESETS).map((preset) => withTimePreset(current, preset))];
  const cancelled = () => gen !== calibrationGeneration;
  let measured: Calibration | null = null;
  try {
    for (const candidate of candidates) {
      const profile = profileOf(candidate);
      const key = profileKey(backend?.name ?? '', profile);
      let calibration = calibrations.get(key) ?? null;
      if (!calibration) {
        if (measured && scaleCalibration(measured, profile).secondsPerStep > QUICK_TO_TIME_SECONDS) continue;
        send({ type: 'calibrating', profile, done: 0, total: 1 });
        calibration = await calibrateLane(candidate, backend?.name ?? '', {
          cancelled,
          onProgress: (done, total) => send({ type: 'calibrating', profile, done, total }),
        });
        if (!calibration) return;
        calibrations.set(key, calibration);
      }
      measured ??= calibration;
      send({ type: 'calibration', calibration });
    }
  } catch (error) {
    // Without an estimate the run still trains (and its ETA is measured): say why, do not stop.
    send({ type: 'error', kind: 'internal', message: `Timing this device failed: ${(error as Error).message}` });
  } finally {
    send({ type: 'calibrating', profile: null, done: 0, total: 0 });
  }
}

function enqueueCalibration(): void {
  const gen = ++calibrationGeneration;
  enqueue(() => calibrate(gen));
}

/** Commands that rebuild things run one after another; play/pause act at once. */
let commands: Promise<void> = Promise.resolve();
function enqueue(task: () => Promise<void>): void {
  commands = commands.then(task).catch((error: unknown) => fail(error));
}

self.onmessage = (event: MessageEvent<PageToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'initBackend':
      cores = message.cores;
      enqueue(async () => void (await ensureBackend(message.backend, excludedBackends)));
      break;
    case 'configure':
      mode = 'stop';
      generation++;
      cores = message.cores;
      excludedBackends = message.excludeBackends ?? [];
      enqueue(() => configure(message.config, message.dataBaseUrl, message.storageKey, message.resume, excludedBackends, message.weights));
      enqueueCalibration();
      break;
    case 'holdLock':
      holdLifeLock(message.name, () => send({ type: 'lockHeld', name: message.name }));
      break;
    case 'reset':
      mode = 'stop';
      generation++;
      enqueue(reset);
      enqueueCalibration();
      break;
    case 'start':
      calibrationGeneration++;
      enqueue(async () => startLoop('run'));
      break;
    case 'stepEpoch':
      calibrationGeneration++;
      enqueue(async () => startLoop('epoch'));
      break;
    case 'pause':
      mode = 'stop';
      break;
    case 'exportWeights':
      enqueue(() => exportWeights(message.lane, message.requestId));
      break;
  }
};

self.addEventListener('unhandledrejection', (event) => {
  fail(event.reason);
});
