/**
 * The page's side of the training worker: starts it, sends it the applied configuration whenever
 * that changes, and writes every message it sends into the store. Views call the transport
 * functions below; nothing on the page waits for training.
 */
import { dataBaseUrl, loadManifest } from '../data/loader.ts';
import type { Method } from '../engine/snapshot.ts';
import { useAppStore, writeConfigToUrl } from '../state/store.ts';
import { configToSearch } from '../state/urlConfig.ts';
import type { PageToWorker, WeightFile, WorkerToPage } from './protocol.ts';

let worker: Worker | null = null;
let nextRequestId = 1;
const weightRequests = new Map<number, { resolve: (files: WeightFile[]) => void; reject: (error: Error) => void }>();

function post(message: PageToWorker): void {
  worker?.postMessage(message);
}

/** Where the prepared CIFAR-10 assets live, relative to the page (works from any sub-path). */
export function pageDataBaseUrl(): string {
  return dataBaseUrl(document.baseURI);
}

function configure(): void {
  const { config, dataAvailability } = useAppStore.getState();
  if (dataAvailability !== 'available') return;
  useAppStore.setState({ status: 'loading', statusMessage: 'Starting…', history: [], selectedEpoch: null, progress: null, lastError: null, pointImages: null });
  post({ type: 'configure', config, dataBaseUrl: pageDataBaseUrl(), storageKey: configToSearch(config) });
}

function handle(message: WorkerToPage): void {
  const store = useAppStore;
  switch (message.type) {
    case 'backend':
      store.setState({ backend: message.backend });
      break;
    case 'dataProgress':
      store.setState({ dataProgress: { loaded: message.loaded, total: message.total, message: message.message } });
      break;
    case 'status':
      store.setState({
        status: message.status,
        statusMessage: message.message ?? null,
        ...(message.status === 'loading' ? {} : { dataProgress: null }),
      });
      break;
    case 'progress':
      store.setState({ progress: message.progress });
      break;
    case 'snapshot':
      store.setState((state) => ({ history: [...state.history.filter((s) => s.epoch < message.snapshot.epoch), message.snapshot] }));
      break;
    case 'restored': {
      const epochs = message.history.length;
      store.setState({ history: message.history, selectedEpoch: null });
      store.getState().addNotice({
        id: 'resumed',
        tone: 'info',
        title: `Resumed this experiment at epoch ${epochs}, saved in this browser. Press Reset to start it again from epoch 0.`,
      });
      break;
    }
    case 'pointImages':
      store.setState({ pointImages: message.images });
      break;
    case 'weights': {
      const request = weightRequests.get(message.requestId);
      weightRequests.delete(message.requestId);
      request?.resolve(message.files);
      break;
    }
    case 'error': {
      store.setState({ lastError: { kind: message.kind, message: message.message } });
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
  useAppStore.setState({ dataAvailability: 'checking' });
  try {
    const manifest = await loadManifest(pageDataBaseUrl());
    useAppStore.setState({
      dataAvailability: manifest ? 'available' : 'missing',
      availableCounts: manifest ? { train: manifest.counts.train, test: manifest.counts.test } : null,
    });
  } catch (error) {
    useAppStore.setState({ dataAvailability: 'missing' });
    useAppStore.getState().addNotice({ id: 'manifest', tone: 'error', title: `Could not read the data manifest: ${(error as Error).message}` });
  }
}

/** Starts the worker once and keeps it configured with the applied config. Returns a stop function. */
export function startTrainingClient(): () => void {
  // The address bar always shows the configuration in use, also after a tampered or partial link.
  writeConfigToUrl(useAppStore.getState().config);
  worker = new Worker(new URL('./training.worker.ts', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<WorkerToPage>) => handle(event.data);
  worker.onerror = (event) => {
    useAppStore.setState({ status: 'error', lastError: { kind: 'internal', message: `The training worker failed: ${event.message || 'unknown error'}` } });
  };
  const unsubscribe = useAppStore.subscribe((state, previous) => {
    const becameAvailable = state.dataAvailability === 'available' && previous.dataAvailability !== 'available';
    if (state.config !== previous.config || becameAvailable) configure();
  });
  void checkDataAvailability();
  return () => {
    unsubscribe();
    worker?.terminate();
    worker = null;
  };
}

export function play(): void {
  post({ type: 'start' });
}

export function pause(): void {
  post({ type: 'pause' });
}

export function stepEpoch(): void {
  post({ type: 'stepEpoch' });
}

export function reset(): void {
  useAppStore.setState({ history: [], selectedEpoch: null, progress: null, lastError: null });
  useAppStore.getState().dismissNotice('resumed');
  post({ type: 'reset' });
}

/** The trained weights of one run as files (model.json + weights.bin). */
export function requestWeights(method: Method): Promise<WeightFile[]> {
  const requestId = nextRequestId++;
  return new Promise((resolve, reject) => {
    weightRequests.set(requestId, { resolve, reject });
    post({ type: 'exportWeights', method, requestId });
  });
}
