/**
 * The one zustand store bridging the training worker and the views: the applied configuration
 * (mirrored in the URL), an edited-but-not-applied configuration, run status, progress, backend,
 * the per-epoch history and the epoch the scrubber shows. It holds no tfjs and no worker.
 */
import { create } from 'zustand';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../config/experiment.ts';
import type { EpochSnapshot } from '../engine/snapshot.ts';
import type { BackendReport, ErrorKind, PointImages, RunStatus, TrainingProgress } from '../worker/protocol.ts';
import { configFromSearch, configToSearch } from './urlConfig.ts';

export type NoticeTone = 'info' | 'warning' | 'error';

export interface Notice {
  id: string;
  tone: NoticeTone;
  title: string;
  items?: string[];
}

/** Whether prepared CIFAR-10 assets are reachable (server or this browser's cache). */
export type DataAvailability = 'checking' | 'missing' | 'available';

export interface DataProgress {
  loaded: number;
  total: number;
  message: string;
}

export interface AppState {
  config: ExperimentConfig;
  /** Settings edited while a training exists; applying them resets the training. */
  pendingConfig: ExperimentConfig | null;
  status: RunStatus;
  statusMessage: string | null;
  progress: TrainingProgress | null;
  backend: BackendReport | null;
  history: EpochSnapshot[];
  /** Epoch shown by every view; null follows the newest epoch. */
  selectedEpoch: number | null;
  dataAvailability: DataAvailability;
  /** Images per CIFAR-10 class available in the prepared data, from its manifest. */
  availableCounts: { train: number[]; test: number[] } | null;
  dataProgress: DataProgress | null;
  notices: Notice[];
  lastError: { kind: ErrorKind; message: string } | null;
  /** The images behind the plotted points (tooltips); null until the worker sends them, or for a run without data. */
  pointImages: PointImages | null;
  /** Presentation mode: large type, only the plots that matter, full width. */
  presentation: boolean;

  /** Edits the configuration: applied at once when nothing is trained yet, else held as pending. */
  editConfig: (config: ExperimentConfig) => void;
  applyPendingConfig: () => void;
  discardPendingConfig: () => void;
  selectEpoch: (epoch: number | null) => void;
  addNotice: (notice: Notice) => void;
  dismissNotice: (id: string) => void;
  setPresentation: (on: boolean) => void;
}

function hasTraining(state: Pick<AppState, 'history' | 'status' | 'progress'>): boolean {
  return state.history.length > 0 || state.status === 'running' || (state.progress?.step ?? 0) > 0;
}

/** Mirrors the applied configuration into the address bar without adding history entries. */
export function writeConfigToUrl(config: ExperimentConfig): void {
  const url = new URL(window.location.href);
  url.search = configToSearch(config);
  window.history.replaceState(window.history.state, '', url);
}

function initialConfig(): { config: ExperimentConfig; notices: Notice[] } {
  if (typeof window === 'undefined') return { config: DEFAULT_CONFIG, notices: [] };
  const parsed = configFromSearch(window.location.search);
  const notices: Notice[] = parsed.problems.length
    ? [{ id: 'url-problems', tone: 'warning', title: 'Some settings in the link were invalid and have been ignored:', items: parsed.problems }]
    : [];
  return { config: parsed.config, notices };
}

const initial = initialConfig();

export const useAppStore = create<AppState>()((set, get) => ({
  config: initial.config,
  pendingConfig: null,
  status: 'idle',
  statusMessage: null,
  progress: null,
  backend: null,
  history: [],
  selectedEpoch: null,
  dataAvailability: 'checking',
  availableCounts: null,
  dataProgress: null,
  notices: initial.notices,
  lastError: null,
  pointImages: null,
  presentation: false,

  editConfig: (config) => {
    if (configToSearch(config) === configToSearch(get().config)) {
      set({ pendingConfig: null });
      return;
    }
    if (hasTraining(get())) set({ pendingConfig: config });
    else applyConfig(config);
  },
  applyPendingConfig: () => {
    const pending = get().pendingConfig;
    if (pending) applyConfig(pending);
  },
  discardPendingConfig: () => set({ pendingConfig: null }),
  selectEpoch: (epoch) => set({ selectedEpoch: epoch }),
  addNotice: (notice) => set((state) => ({ notices: [...state.notices.filter((n) => n.id !== notice.id), notice] })),
  dismissNotice: (id) => set((state) => ({ notices: state.notices.filter((n) => n.id !== id) })),
  setPresentation: (on) => set({ presentation: on }),
}));

function applyConfig(config: ExperimentConfig): void {
  writeConfigToUrl(config);
  useAppStore.setState({ config, pendingConfig: null, history: [], selectedEpoch: null, progress: null, lastError: null });
}

/** The snapshot every view shows: the scrubbed epoch, or the newest. */
export function selectShownSnapshot(state: Pick<AppState, 'history' | 'selectedEpoch'>): EpochSnapshot | null {
  const { history, selectedEpoch } = state;
  if (history.length === 0) return null;
  if (selectedEpoch === null) return history[history.length - 1];
  return history.find((snapshot) => snapshot.epoch === selectedEpoch) ?? history[history.length - 1];
}
