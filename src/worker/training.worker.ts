/// <reference lib="webworker" />
/**
 * The training worker: hosts the engine's TwinRunner (ERM and MFW in lockstep) off the main thread.
 * It answers the page's commands (protocol.ts), reports throttled progress and one snapshot per
 * epoch, and saves the twin's state after every epoch so a reload resumes.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../engine/backend.ts';
import { NonFiniteLossError, TwinRunner, type TwinState } from '../engine/twin.ts';
import { loadExperimentData } from '../data/loader.ts';
import { IMAGE_BYTES } from '../data/types.ts';
import { trainSetSize, type ExperimentConfig } from '../config/experiment.ts';
import type { ExperimentData } from '../data/types.ts';
import type { EpochSnapshot } from '../engine/snapshot.ts';
import { clearTraining, loadTraining, saveEpoch } from './persistence.ts';
import { transferableSnapshot, type ErrorKind, type PointImages, type PageToWorker, type RunStatus, type WeightFile, type WorkerToPage } from './protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

/** Progress messages at most this often: enough for a smooth bar, cheap for the page. */
const PROGRESS_INTERVAL_MS = 200;

function send(message: WorkerToPage, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

let config: ExperimentConfig | null = null;
let storageKey = '';
let dataUrl = '';
let backendChoice: string | null = null;
let data: ExperimentData | null = null;
let dataKey = '';
let runner: TwinRunner | null = null;
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

function describe(error: unknown): { kind: ErrorKind; message: string } {
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof NonFiniteLossError) {
    return { kind: 'nan', message: `Training diverged: ${text} Lower the learning rate or add warm-up epochs, then press Reset.` };
  }
  if (/device (was )?lost|context (was )?lost|CONTEXT_LOST|GPUDevice.*lost/i.test(text)) {
    return { kind: 'device-lost', message: `The GPU device was lost (${text}). Reload the page: training resumes from the last saved epoch.` };
  }
  if (error instanceof Error && /DataLoadError|ArchiveError/.test(error.name)) return { kind: 'data', message: text };
  return { kind: 'internal', message: text };
}

function fail(error: unknown, kind?: ErrorKind): void {
  const described = describe(error);
  mode = 'stop';
  send({ type: 'error', kind: kind ?? described.kind, message: described.message });
  setStatus('error', described.message);
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

async function finishEpoch(active: TwinRunner, gen: number): Promise<void> {
  reportProgress('evaluate', true);
  const started = performance.now();
  const snapshot: EpochSnapshot = await active.finishEpoch();
  speed.evaluationSeconds = (performance.now() - started) / 1000;
  if (gen !== generation) return;
  try {
    await saveEpoch(storageKey, await active.saveState(), snapshot);
  } catch (error) {
    // Losing resume is not worth stopping the training for; say so once per epoch.
    send({ type: 'error', kind: 'storage', message: `This epoch could not be saved in the browser (${(error as Error).message}); a reload will start again.` });
  }
  const { snapshot: copy, transfer } = transferableSnapshot(snapshot);
  send({ type: 'snapshot', snapshot: copy }, transfer);
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

/** WebGPU reports a lost device on a promise rather than on the next op: turn it into a clear error. */
function watchDeviceLoss(): void {
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  void device?.lost.then((info) => {
    if (info.reason === 'destroyed') return; // we disposed it ourselves
    fail(new Error(`GPU device lost: ${info.message || 'no reason given'}`), 'device-lost');
  });
}

function dataKeyOf(c: ExperimentConfig): string {
  return JSON.stringify([c.classes, c.trainCounts, c.seed, c.testPerClass]);
}

async function configure(next: ExperimentConfig, baseUrl: string, key: string): Promise<void> {
  await stopLoop();
  const gen = generation;
  runner?.dispose();
  runner = null;
  config = next;
  storageKey = key;
  dataUrl = baseUrl;
  setStatus('loading', 'Starting the GPU backend…');

  if (backendChoice !== next.backend) {
    try {
      const backend = await initBackend(next.backend);
      backendChoice = next.backend;
      watchDeviceLoss();
      send({ type: 'backend', backend });
    } catch (error) {
      // initBackend's message says what was tried and what to do (another browser, or another backend).
      backendChoice = null;
      fail(error, 'backend');
      return;
    }
  }
  if (gen !== generation) return;

  if (!data || dataKey !== dataKeyOf(next)) {
    data = null;
    setStatus('loading', 'Loading CIFAR-10 images…');
    try {
      const request = { classes: next.classes, trainCounts: next.trainCounts, seed: next.seed, testPerClass: next.testPerClass };
      data = await loadExperimentData(baseUrl, request, ({ loadedBytes, totalBytes }) =>
        send({ type: 'dataProgress', loaded: loadedBytes, total: totalBytes, message: 'Loading CIFAR-10 images' }),
      );
      dataKey = dataKeyOf(next);
    } catch (error) {
      if (gen === generation) fail(error, 'data');
      return;
    }
  }
  if (gen !== generation) return;

  setStatus('loading', 'Building both networks…');
  try {
    const saved = await loadTraining<TwinState>(key).catch(() => null);
    if (saved && saved.history.length > 0) {
      runner = await TwinRunner.restore(data, next, saved.state);
      send({ type: 'restored', history: saved.history });
    } else {
      runner = await TwinRunner.create(data, next);
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

async function reset(): Promise<void> {
  if (!config) return;
  await stopLoop();
  await clearTraining(storageKey).catch(() => undefined);
  await configure(config, dataUrl, storageKey);
}

async function exportWeights(method: 'erm' | 'mfw', requestId: number): Promise<void> {
  if (!runner) {
    send({ type: 'error', kind: 'internal', message: 'There are no trained weights yet.' });
    return;
  }
  const { modelJson, weightData } = await runner.exportWeights(method);
  // The manifest names the binary file, so both downloads must keep these names to load with tf.loadGraphModel/io.
  const binName = modelJson.weightsManifest[0]?.paths[0] ?? `${method}.weights.bin`;
  const files: WeightFile[] = [
    { name: `${method}.model.json`, data: JSON.stringify(modelJson, null, 1), mimeType: 'application/json' },
    { name: binName, data: weightData, mimeType: 'application/octet-stream' },
  ];
  send({ type: 'weights', requestId, method, files }, files.flatMap((f) => (typeof f.data === 'string' ? [] : [f.data])));
}

/** Commands that rebuild things run one after another; play/pause act at once. */
let commands: Promise<void> = Promise.resolve();
function enqueue(task: () => Promise<void>): void {
  commands = commands.then(task).catch((error: unknown) => fail(error));
}

self.onmessage = (event: MessageEvent<PageToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'configure':
      mode = 'stop';
      generation++;
      enqueue(() => configure(message.config, message.dataBaseUrl, message.storageKey));
      break;
    case 'reset':
      mode = 'stop';
      generation++;
      enqueue(reset);
      break;
    case 'start':
      enqueue(async () => startLoop('run'));
      break;
    case 'stepEpoch':
      enqueue(async () => startLoop('epoch'));
      break;
    case 'pause':
      mode = 'stop';
      break;
    case 'exportWeights':
      enqueue(() => exportWeights(message.method, message.requestId));
      break;
  }
};

self.addEventListener('unhandledrejection', (event) => {
  fail(event.reason);
});
