/**
 * The page's side of the training worker: starts it, sends it the applied configuration whenever
 * that changes, and hands every message it sends to the store's actions. Views call the transport
 * functions below; nothing on the page waits for training.
 *
 * It also keeps the last completed epoch's checkpoint, so that when the worker dies (a crash, the
 * browser ending it) or its GPU device is lost, a fresh worker resumes from that epoch, on the
 * next backend in the automatic order after a lost device, and training goes on as it was.
 */
import { dataBaseUrl, loadManifest } from '../data/loader.ts';
import { openRecordingLink } from '../state/replay.ts';
import { useAppStore, writeConfigToUrl } from '../state/store.ts';
import { configToSearch } from '../state/urlConfig.ts';
import type { LoadedWeights } from '../core/weightsFile.ts';
import { clearTraining } from './persistence.ts';
import type { Checkpoint, PageToWorker, WeightFile, WorkerToPage } from './protocol.ts';
import { lifeLockName, watchLifeLock } from './lifeLock.ts';

let worker: Worker | null = null;
/** Aborts the wait on the current worker's life lock when the page ends that worker itself. */
let lifeWatch: AbortController | null = null;
let nextRequestId = 1;
/** The end of the last completed epoch of the current configuration: what a new worker resumes from. */
let checkpoint: Checkpoint | null = null;
/** Backends whose device was lost in this page's life: not used again until a reload. */
const lostBackends: string[] = [];
/** The checkpoint epoch a crashed worker was last restarted from; dying again there stops for good. */
let crashRestartEpoch: number | null = null;
/** What the user last asked for, repeated to a restarted worker if training was running. */
let lastCommand: 'start' | 'stepEpoch' | null = null;
/**
 * The command an error interrupted: a lost GPU may first fail the ops in flight and only later
 * report the loss (software adapters finish their queue first), and then the training resumes as it was.
 */
let interruptedCommand: 'start' | 'stepEpoch' | null = null;
/** Why the worker was restarted, told to the user once the new one names its backend. */
let recovery: { reason: string; epoch: number; resumed: boolean } | null = null;
const weightRequests = new Map<number, { resolve: (files: WeightFile[]) => void; reject: (error: Error) => void }>();

function post(message: PageToWorker): void {
  worker?.postMessage(message);
}

/** Where the prepared CIFAR-10 assets live, relative to the page (works from any sub-path). */
export function pageDataBaseUrl(): string {
  return dataBaseUrl(document.baseURI);
}

function postConfigure(resume?: Checkpoint, weights?: LoadedWeights): void {
  const { config } = useAppStore.getState();
  if (!worker) spawnWorker(); // the last one kept dying and was given up: new settings get a new worker
  const message: PageToWorker = {
    type: 'configure',
    config,
    cores: pageCores(),
    dataBaseUrl: pageDataBaseUrl(),
    storageKey: configToSearch(config),
    resume,
    excludeBackends: [...lostBackends],
    weights: weights && { epoch: weights.epoch, runs: weights.runs },
  };
  // Loaded weights move to the worker rather than being copied.
  const buffers = weights ? Object.values(weights.runs).flatMap((arrays) => arrays.map((array) => array.buffer as ArrayBuffer)) : [];
  worker?.postMessage(message, [...new Set(buffers)]);
}

function forgetTraining(): void {
  checkpoint = null;
  crashRestartEpoch = null;
  lastCommand = null;
  interruptedCommand = null;
}

function configure(): void {
  const { dataAvailability, replay, recordingLink } = useAppStore.getState();
  // A recording on screen (or loading) trains nothing.
  if (dataAvailability !== 'available' || replay || recordingLink) return;
  forgetTraining();
  const weights = useAppStore.getState().weightsToLoad;
  useAppStore.getState().trainingStarting();
  loadingWeights = weights;
  postConfigure(undefined, weights ?? undefined);
}

/** The weights sent with the last configuration, for the notice once they are evaluated. */
let loadingWeights: LoadedWeights | null = null;

/** The logical cores the page sees: lanes on the CPU backends train in up to this many workers. */
function pageCores(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

function spawnWorker(): void {
  const created = new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module' });
  worker = created;
  created.onmessage = (event: MessageEvent<WorkerToPage>) => {
    if (worker === created) handle(event.data);
  };
  created.onerror = (event) => {
    if (worker === created) workerDied(`it failed: ${event.message || 'unknown error'}`);
  };
  // Web Locks (https and localhost only) tell the page at once when the worker ends without a word.
  if (navigator.locks) {
    lifeWatch = new AbortController();
    post({ type: 'holdLock', name: lifeLockName('training') });
  }
}

/** Called once the worker holds its life lock: the lock comes free only when that worker has ended. */
function watchLife(name: string): void {
  const watched = worker;
  watchLifeLock(name, lifeWatch?.signal, () => {
    if (worker === watched) workerDied('the browser ended it');
  });
}

function endWorker(): void {
  lifeWatch?.abort();
  lifeWatch = null;
  worker?.terminate();
  worker = null;
}

/**
 * Replaces the worker by a fresh one that resumes from the checkpoint (a lost device or a dead
 * worker leaves nothing in the old one worth saving) and goes on training if it was training.
 */
function restartWorker(reason: string): void {
  const { status } = useAppStore.getState();
  const resumeCommand = status === 'running' ? lastCommand : status === 'error' ? interruptedCommand : null;
  interruptedCommand = null;
  const epoch = checkpoint?.epoch ?? 0;
  endWorker();
  recovery = { reason, epoch, resumed: resumeCommand !== null };
  spawnWorker();
  useAppStore.getState().trainingRestarting(epoch);
  postConfigure(checkpoint ?? undefined);
  if (resumeCommand) post({ type: resumeCommand });
}

function workerDied(reason: string): void {
  const epoch = checkpoint?.epoch ?? 0;
  if (crashRestartEpoch === epoch) {
    // Restarted from this epoch already and died again before finishing the next: stop for good.
    endWorker();
    useAppStore.getState().trainingStopped(
      `The training worker stopped again before finishing epoch ${epoch + 1} (${reason}). This usually means the device ran out of memory: ` +
        `try a smaller batch size or fewer blocks per stage and apply the settings, or reload the page.` +
        (epoch > 0 ? ` Epochs 1–${epoch} stay on the page and in this browser.` : ''),
    );
    return;
  }
  crashRestartEpoch = epoch;
  restartWorker(`The training worker stopped unexpectedly (${reason}).`);
}

const BACKEND_LABEL: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'CPU' };

function deviceLost(backend: string, detail: string): void {
  if (!lostBackends.includes(backend)) lostBackends.push(backend);
  restartWorker(`The ${BACKEND_LABEL[backend] ?? backend} device was lost (${detail}).`);
}

function announceRecovery(backendName: string): void {
  if (!recovery) return;
  const { reason, epoch, resumed } = recovery;
  recovery = null;
  const where = epoch > 0 ? `from the end of epoch ${epoch}, the last completed epoch` : 'from the start (no epoch had finished)';
  useAppStore.getState().addNotice({
    id: 'recovered',
    tone: 'warning',
    title: `${reason} ${resumed ? 'Training resumed' : 'The training was restored'} ${where}, on ${BACKEND_LABEL[backendName] ?? backendName}.`,
  });
}

/** What a live run sends about its epochs; while a recording is shown these would mix into it. */
const LIVE_RUN_MESSAGES = new Set<WorkerToPage['type']>(['progress', 'snapshot', 'restored', 'pointImages']);

function handle(message: WorkerToPage): void {
  const store = useAppStore.getState();
  if (store.replay && LIVE_RUN_MESSAGES.has(message.type)) return;
  switch (message.type) {
    case 'backend':
      store.backendChosen(message.backend);
      announceRecovery(message.backend.name);
      break;
    case 'dataProgress':
      store.dataProgressed({ loaded: message.loaded, total: message.total, message: message.message });
      break;
    case 'status':
      store.statusChanged(message.status, message.message ?? null);
      break;
    case 'progress':
      store.progressed(message.progress);
      break;
    case 'snapshot':
      store.snapshotArrived(message.snapshot);
      break;
    case 'restored':
      store.historyRestored(message.history, message.source, loadingWeights);
      if (message.source === 'weights') loadingWeights = null;
      break;
    case 'checkpoint':
      checkpoint = message.checkpoint;
      if (crashRestartEpoch !== null && checkpoint.epoch > crashRestartEpoch) crashRestartEpoch = null;
      break;
    case 'deviceLost':
      deviceLost(message.backend, message.detail);
      break;
    case 'notice':
      store.addNotice({ id: message.id, tone: message.tone, title: message.title });
      break;
    case 'lockHeld':
      watchLife(message.name);
      break;
    case 'pointImages':
      store.pointImagesArrived(message.images);
      break;
    case 'calibrating':
      store.calibratingChanged(message.profile ? { profile: message.profile, done: message.done, total: message.total } : null);
      break;
    case 'calibration':
      store.calibrationMeasured(message.calibration);
      break;
    case 'weights': {
      const request = weightRequests.get(message.requestId);
      weightRequests.delete(message.requestId);
      request?.resolve(message.files);
      break;
    }
    case 'error': {
      interruptedCommand = store.status === 'running' ? lastCommand : null;
      store.workerFailed(message.kind, message.message);
      for (const [id, request] of weightRequests) {
        request.reject(new Error(message.message));
        weightRequests.delete(id);
      }
      break;
    }
  }
}

/** Looks for prepared data (server or browser cache) and records the answer in the store. */
export async function checkDataAvailability(): Promise<void> {
  const store = useAppStore.getState();
  store.dataChecked('checking');
  try {
    const manifest = await loadManifest(pageDataBaseUrl());
    store.dataChecked(manifest ? 'available' : 'missing', manifest ? { train: manifest.counts.train, test: manifest.counts.test } : null);
  } catch (error) {
    store.dataChecked('missing');
    store.addNotice({ id: 'manifest', tone: 'error', title: `Could not read the data manifest: ${(error as Error).message}` });
  }
}

/** Starts the worker once and keeps it configured with the applied config. Returns a stop function. */
export function startTrainingClient(): () => void {
  const { recordingLink } = useAppStore.getState();
  // The address bar always shows the configuration in use, also after a tampered or partial link;
  // a link to a recording stays as it is.
  if (!recordingLink) writeConfigToUrl(useAppStore.getState().config);
  spawnWorker();
  const unsubscribe = useAppStore.subscribe((state, previous) => {
    const becameAvailable = state.dataAvailability === 'available' && previous.dataAvailability !== 'available';
    const replayEnded = (!state.replay && previous.replay !== null) || (!state.recordingLink && previous.recordingLink !== null && !state.replay);
    if (state.replay && !previous.replay) post({ type: 'pause' });
    if (state.config !== previous.config || becameAvailable || replayEnded) configure();
  });
  if (recordingLink) void openRecordingLink(recordingLink);
  // The backend starts at once, so the badge says which one trains even before the data is there.
  post({ type: 'initBackend', backend: useAppStore.getState().config.backend, cores: pageCores() });
  void checkDataAvailability();
  return () => {
    unsubscribe();
    endWorker();
  };
}

/**
 * Training starts again: a reset that waited for Undo is sent to the worker now (it clears the kept
 * run, then trains from epoch 0), and nothing before can be undone any more.
 */
function beforeTraining(): void {
  const { undo, undoExpired } = useAppStore.getState();
  if (!undo) return;
  undoExpired();
  if (undo.kind === 'reset') {
    forgetTraining();
    post({ type: 'reset' });
  }
}

export function play(): void {
  beforeTraining();
  lastCommand = 'start';
  post({ type: 'start' });
}

export function pause(): void {
  lastCommand = null;
  post({ type: 'pause' });
}

export function stepEpoch(): void {
  beforeTraining();
  lastCommand = 'stepEpoch';
  post({ type: 'stepEpoch' });
}

/**
 * Back to epoch 0 with the same settings. A run with stored epochs is only set aside on the page
 * (Undo brings it back) and paused; the worker forgets it when training next starts.
 */
export function reset(): void {
  const store = useAppStore.getState();
  if (worker && store.history.length > 0 && !store.replay) {
    if (store.status === 'running') pause();
    store.trainingResetDeferred();
    return;
  }
  forgetTraining();
  store.trainingReset();
  if (worker) {
    post({ type: 'reset' });
    return;
  }
  // The worker was given up: forget the saved training here, then start a new worker from epoch 0.
  useAppStore.getState().statusChanged('loading', 'Starting…');
  void clearTraining(configToSearch(useAppStore.getState().config))
    .catch(() => undefined)
    .then(() => postConfigure());
}

/**
 * The trained weights of one lane as files (model.json + weights.bin), named with the lane id made
 * file-safe: the model.json names its .bin (docs/WEIGHTS.md), so both are renamed together.
 */
export function requestWeights(lane: string): Promise<WeightFile[]> {
  const requestId = nextRequestId++;
  return new Promise<WeightFile[]>((resolve, reject) => {
    weightRequests.set(requestId, { resolve, reject });
    post({ type: 'exportWeights', lane, requestId });
  });
}
