/**
 * The one zustand store bridging the training worker and the views: the applied configuration
 * (mirrored in the URL), an edited-but-not-applied configuration, run status, progress, backend,
 * the per-epoch history and the epoch the scrubber shows. It holds no tfjs and no worker.
 */
import { create } from 'zustand';
import { DEFAULT_CONFIG, lanesOf, type ExperimentConfig } from '../config/experiment.ts';
import { profileKey, type Calibration, type NetworkProfile } from '../core/networkCost.ts';
import type { LoadedWeights } from '../core/weightsFile.ts';
import type { EpochSnapshot } from '../core/snapshot.ts';
import type { BackendReport, ErrorKind, PointImages, RunStatus, TrainingProgress } from '../worker/protocol.ts';
import type { Provenance, Recording } from './recording.ts';
import type { SeedSetInfo } from './seedSet.ts';
import type { ShippedRecording } from './shippedRecordings.ts';
import type { PostHocSetting } from '../core/posthoc.ts';
import { RECORDING_PARAM, configFromSearch, configToSearch } from './urlConfig.ts';

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

/** A recorded run on screen instead of a live one: nothing trains while it is shown. */
export interface ReplayInfo {
  /** A file the user opened, or a file next to the app named in the link. */
  source: 'file' | 'link';
  /** The file's name or relative path. */
  name: string;
  createdAt: string;
  /** The backend that trained it. */
  backend: string | null;
  /** The command and commit that trained it, for recordings made by `npm run experiment`. */
  provenance: Provenance | null;
  /** The live configuration before the recording, to return to. */
  previousConfig: ExperimentConfig;
  /** Recordings of several seeds of this setting opened together (the run shown is the first seed's); null for one recording. */
  seeds: SeedSetInfo | null;
}

/** What the page showed of a run before Reset, kept (and kept current) until the next training starts, for Undo. */
export interface ResetStash {
  history: EpochSnapshot[];
  selectedEpoch: number | null;
  progress: TrainingProgress | null;
  status: RunStatus;
  statusMessage: string | null;
  lastError: AppState['lastError'];
}

/** The run a change can still take back: a Reset not yet sent to the worker, or settings applied over a trained run. */
export type UndoOffer = { kind: 'reset'; stash: ResetStash; epochs: number } | { kind: 'settings'; previousConfig: ExperimentConfig; epochs: number };

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
  /** The network being timed before Play, and how far the timing is; null when none is. */
  calibrating: { profile: NetworkProfile; done: number; total: number } | null;
  /** Timings of networks on backends, by profileKey: the estimates before Play come from them. */
  calibrations: Record<string, Calibration>;
  replay: ReplayInfo | null;
  /** The recording the link names while it loads (nothing is configured meanwhile). */
  recordingLink: string | null;
  /** Finished runs that came with the app (public/recordings/index.json), offered on the first screen. */
  shippedRecordings: ShippedRecording[];
  /** Each lane's post-hoc correction (none unless set), applied to the shown epoch by the views. */
  postHoc: Readonly<Record<string, PostHocSetting>>;
  /** Checked weights waiting to be sent with the next configuration (their own). */
  weightsToLoad: LoadedWeights | null;
  /** Whether the recording's plotted images were found in the prepared data, for its tooltips (replay.ts). */
  replayImages: 'loading' | 'shown' | 'none';
  /** Whether a recording plays through its epochs by itself, and how fast (epochs per second). */
  replayPlaying: boolean;
  replaySpeed: number;
  /** A reset or applied settings that can still be undone (until training next starts); null when none. */
  undo: UndoOffer | null;

  /** Edits the configuration: applied at once when nothing is trained yet, else held as pending. */
  editConfig: (config: ExperimentConfig) => void;
  setPostHoc: (lane: string, setting: PostHocSetting) => void;
  applyPendingConfig: () => void;
  discardPendingConfig: () => void;
  selectEpoch: (epoch: number | null) => void;
  addNotice: (notice: Notice) => void;
  dismissNotice: (id: string) => void;
  setPresentation: (on: boolean) => void;
  /**
   * Shows a recording: its configuration and every epoch, with the scrubber, without training; with
   * `seeds`, the first seed's recording of a seed set, whose bands the views show beside it.
   */
  startReplay: (recording: Recording, source: ReplayInfo['source'], name: string, seeds?: SeedSetInfo | null) => void;
  /** Back to training: the configuration from before the recording, or the recorded one. */
  endReplay: (next: 'previous' | 'recorded') => void;
  /** Continues the run the weights belong to: its configuration, from its epoch, with these weights. */
  loadWeights: (weights: LoadedWeights) => void;

  // What the training worker reports and what the page's worker client does, as named actions
  // (src/worker/client.ts calls them), so the run state can be tested without a worker.
  /** The prepared data was looked for: found (with its per-class counts) or not; 'checking' while looking. */
  dataChecked: (availability: DataAvailability, counts?: AppState['availableCounts']) => void;
  backendChosen: (backend: BackendReport) => void;
  dataProgressed: (progress: DataProgress) => void;
  statusChanged: (status: RunStatus, message: string | null) => void;
  progressed: (progress: TrainingProgress) => void;
  /** A finished epoch: replaces any stored epoch from it on (a restarted worker trains them again). */
  snapshotArrived: (snapshot: EpochSnapshot) => void;
  /**
   * Epochs restored from this browser or evaluated from loaded weights (`weights`: those sent with
   * the configuration), with a notice saying which.
   */
  historyRestored: (history: EpochSnapshot[], source: 'browser' | 'weights', weights: LoadedWeights | null) => void;
  pointImagesArrived: (images: PointImages) => void;
  calibratingChanged: (calibrating: AppState['calibrating']) => void;
  calibrationMeasured: (calibration: Calibration) => void;
  workerFailed: (kind: ErrorKind, message: string) => void;
  /** The applied configuration goes to the worker: everything of the previous training is cleared. */
  trainingStarting: () => void;
  /** A fresh worker resumes from the end of `epoch`: later epochs are trained again (a recording on screen keeps its own). */
  trainingRestarting: (epoch: number) => void;
  /** The worker kept dying: training stops for good with this message. */
  trainingStopped: (message: string) => void;
  /** Reset: back to epoch 0 with the same configuration. */
  trainingReset: () => void;
  /**
   * Reset on screen only: the run (its epochs, progress and status) is kept aside for Undo, and the
   * worker keeps it too until training next starts (client.ts sends the reset then).
   */
  trainingResetDeferred: () => void;
  /** Plays a recording from the shown epoch (from the first when the last is shown), or stops it. */
  setReplayPlaying: (playing: boolean) => void;
  setReplaySpeed: (epochsPerSecond: number) => void;
  /** Takes back the reset or the applied settings that `undo` offers. */
  undoLast: () => void;
  /** Training starts again: what was reset or replaced can no longer be taken back. */
  undoExpired: () => void;
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

function initialConfig(): { config: ExperimentConfig; notices: Notice[]; recordingLink: string | null } {
  if (typeof window === 'undefined') return { config: DEFAULT_CONFIG, notices: [], recordingLink: null };
  const params = new URLSearchParams(window.location.search);
  const recordingLink = params.get(RECORDING_PARAM);
  params.delete(RECORDING_PARAM);
  const parsed = configFromSearch(params.toString());
  const notices: Notice[] = parsed.problems.length
    ? [{ id: 'url-problems', tone: 'warning', title: 'Some settings in the link were invalid and have been ignored:', items: parsed.problems }]
    : [];
  return { config: parsed.config, notices, recordingLink };
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
  calibrating: null,
  calibrations: {},
  replay: null,
  recordingLink: initial.recordingLink,
  shippedRecordings: [],
  postHoc: {},
  weightsToLoad: null,
  replayImages: 'none',
  replayPlaying: false,
  replaySpeed: 5,
  undo: null,

  editConfig: (config) => {
    if (configToSearch(config) === configToSearch(get().config)) {
      set({ pendingConfig: null });
      return;
    }
    if (hasTraining(get())) set({ pendingConfig: config });
    else applyConfig(config);
  },
  applyPendingConfig: () => {
    const { pendingConfig: pending, config, history, undo } = get();
    if (!pending) return;
    // The trained run stays in this browser's storage under its own settings: Undo applies them again and it is restored.
    const previous = undo?.kind === 'reset' ? null : history.length > 0 ? { config, epochs: history.at(-1)?.epoch ?? 0 } : undo?.kind === 'settings' ? { config: undo.previousConfig, epochs: undo.epochs } : null;
    applyConfig(pending);
    set({ undo: previous ? { kind: 'settings', previousConfig: previous.config, epochs: previous.epochs } : null });
  },
  discardPendingConfig: () => set({ pendingConfig: null }),
  selectEpoch: (epoch) => set({ selectedEpoch: epoch }),
  setPostHoc: (lane, setting) => set((state) => ({ postHoc: { ...state.postHoc, [lane]: setting } })),
  addNotice: (notice) => set((state) => ({ notices: [...state.notices.filter((n) => n.id !== notice.id), notice] })),
  dismissNotice: (id) => set((state) => ({ notices: state.notices.filter((n) => n.id !== id) })),
  setPresentation: (on) => set({ presentation: on }),
  startReplay: (recording, source, name, seeds = null) => {
    const previousConfig = get().replay?.previousConfig ?? get().config;
    set((state) => ({
      replay: { source, name, createdAt: recording.createdAt, backend: recording.backend, provenance: recording.provenance, previousConfig, seeds },
      recordingLink: null,
      config: recording.config,
      pendingConfig: null,
      history: recording.history,
      selectedEpoch: null,
      progress: null,
      lastError: null,
      // A recording holds no images: the point read-outs show the class and prediction only.
      pointImages: null,
      notices: state.notices.filter((n) => n.id !== 'resumed'),
      undo: null,
      replayPlaying: false,
    }));
  },
  endReplay: (next) => {
    const { replay, config } = get();
    if (!replay) return;
    const live = next === 'previous' ? replay.previousConfig : { ...config };
    set({ replay: null, replayPlaying: false });
    applyConfig(live);
  },
  loadWeights: (weights) => {
    set({ weightsToLoad: weights, replay: null, recordingLink: null });
    // Always a new object, so the client configures even when the settings are the current ones.
    applyConfig({ ...weights.config });
  },

  dataChecked: (availability, counts = null) => set({ dataAvailability: availability, ...(availability === 'checking' ? {} : { availableCounts: counts }) }),
  backendChosen: (backend) => set({ backend }),
  dataProgressed: (progress) => set({ dataProgress: progress }),
  statusChanged: (status, message) => {
    const dataProgress = status === 'loading' ? {} : { dataProgress: null };
    const { undo } = get();
    // While a reset waits, the worker still reports on the kept run (e.g. pausing): that is what Undo brings back.
    if (undo?.kind === 'reset') set({ undo: { ...undo, stash: { ...undo.stash, status, statusMessage: message } }, ...dataProgress });
    else set({ status, statusMessage: message, ...dataProgress });
  },
  progressed: (progress) => {
    const { undo } = get();
    if (undo?.kind === 'reset') set({ undo: { ...undo, stash: { ...undo.stash, progress } } });
    else set({ progress });
  },
  snapshotArrived: (snapshot) => {
    const { undo } = get();
    const next = (history: EpochSnapshot[]) => [...history.filter((s) => s.epoch < snapshot.epoch), snapshot];
    if (undo?.kind === 'reset') set({ undo: { ...undo, stash: { ...undo.stash, history: next(undo.stash.history) } } });
    else set((state) => ({ history: next(state.history) }));
  },
  historyRestored: (history, source, weights) => {
    const epochs = history.at(-1)?.epoch ?? 0;
    const { config, addNotice } = get();
    set({ history, selectedEpoch: null });
    if (source === 'weights' && weights) {
      addNotice({ id: 'weights', tone: 'info', title: weightsNotice(config, weights) });
      return;
    }
    addNotice({
      id: 'resumed',
      tone: 'info',
      title:
        epochs >= config.epochs
          ? `Restored this finished experiment (${epochs} epochs) from this browser. Press Reset to train it again from epoch 0.`
          : `Restored this experiment from this browser: it stopped after epoch ${epochs} of ${config.epochs}. Press Play to continue, or Reset to start again from epoch 0.`,
    });
  },
  pointImagesArrived: (images) => set({ pointImages: images }),
  calibratingChanged: (calibrating) => set({ calibrating }),
  calibrationMeasured: (calibration) =>
    set((state) => ({ calibrations: { ...state.calibrations, [profileKey(calibration.backend, calibration.profile)]: calibration } })),
  workerFailed: (kind, message) => {
    const { undo } = get();
    if (undo?.kind === 'reset') set({ undo: { ...undo, stash: { ...undo.stash, lastError: { kind, message } } } });
    else set({ lastError: { kind, message } });
  },
  trainingStarting: () =>
    set((state) => ({
      status: 'loading',
      statusMessage: 'Starting…',
      history: [],
      selectedEpoch: null,
      progress: null,
      lastError: null,
      pointImages: null,
      weightsToLoad: null,
      // Applied settings stay undoable (their run is in storage); a waiting reset belonged to the old configuration.
      undo: state.undo?.kind === 'settings' ? state.undo : null,
    })),
  trainingRestarting: (epoch) =>
    set((state) => ({
      status: 'loading',
      statusMessage: 'Restarting the training…',
      // Snapshots after the checkpoint are trained again (identically: the checkpoint holds the random streams).
      ...(state.replay ? {} : { history: state.history.filter((s) => s.epoch <= epoch), progress: null }),
      lastError: null,
    })),
  trainingStopped: (message) => set({ status: 'error', lastError: { kind: 'worker', message } }),
  trainingReset: () => {
    set({ history: [], selectedEpoch: null, progress: null, lastError: null, undo: null });
    get().dismissNotice('resumed');
    get().dismissNotice('weights');
  },
  trainingResetDeferred: () => {
    const { history, selectedEpoch, progress, status, statusMessage, lastError } = get();
    const stash: ResetStash = { history, selectedEpoch, progress, status, statusMessage, lastError };
    set({
      undo: { kind: 'reset', stash, epochs: history.at(-1)?.epoch ?? 0 },
      history: [],
      selectedEpoch: null,
      progress: null,
      lastError: null,
      status: 'ready',
      statusMessage: null,
    });
    get().dismissNotice('resumed');
    get().dismissNotice('weights');
  },
  undoLast: () => {
    const { undo } = get();
    if (!undo) return;
    if (undo.kind === 'reset') {
      set({ ...undo.stash, undo: null });
      return;
    }
    set({ undo: null });
    applyConfig(undo.previousConfig);
  },
  undoExpired: () => set({ undo: null }),
  setReplayPlaying: (playing) => {
    const { replay, history, selectedEpoch } = get();
    if (!replay || history.length < 2) return set({ replayPlaying: false });
    // Pressing Play on the last epoch plays the recording again from its first.
    const atEnd = selectedEpoch === null || selectedEpoch === history.at(-1)?.epoch;
    set(playing && atEnd ? { replayPlaying: true, selectedEpoch: history[0].epoch } : { replayPlaying: playing });
  },
  setReplaySpeed: (epochsPerSecond) => set({ replaySpeed: Math.min(20, Math.max(1, epochsPerSecond)) }),
}));

/** “ERM’s and MFW’s”: the lanes' labels as possessives in a list. */
function possessives(labels: readonly string[], conjunction = 'and'): string {
  const owned = labels.map((label) => `${label}’s`);
  return owned.length > 1 ? `${owned.slice(0, -1).join(', ')} ${conjunction} ${owned.at(-1)}` : owned[0];
}

function weightsNotice(config: ExperimentConfig, weights: LoadedWeights): string {
  const lanes = lanesOf(config);
  const loaded = lanes.filter((lane) => lane.id in weights.runs).map((lane) => lane.label);
  const others = lanes.filter((lane) => !(lane.id in weights.runs)).map((lane) => lane.label);
  const what = `${possessives(loaded)} weights${others.length ? ` (not ${possessives(others, 'or')})` : ''}`;
  const next = weights.epoch < config.epochs ? ` Play continues to epoch ${config.epochs}, with fresh momentum and batch order, so not exactly as the original run would have.` : '';
  return `Loaded ${what} after epoch ${weights.epoch} of ${config.epochs}: the views show them evaluated on this data.${next}`;
}

function applyConfig(config: ExperimentConfig): void {
  writeConfigToUrl(config);
  useAppStore.setState({ config, pendingConfig: null, history: [], selectedEpoch: null, progress: null, lastError: null, undo: null });
}

/** The snapshot every view shows: the scrubbed epoch, or the newest. */
export function selectShownSnapshot(state: Pick<AppState, 'history' | 'selectedEpoch'>): EpochSnapshot | null {
  const { history, selectedEpoch } = state;
  if (history.length === 0) return null;
  if (selectedEpoch === null) return history[history.length - 1];
  return history.find((snapshot) => snapshot.epoch === selectedEpoch) ?? history[history.length - 1];
}

/**
 * The epoch to show one step before (−1) or after (+1) the shown one, among the stored `epochs`:
 * null means the newest (the views then follow new epochs); undefined means there is none.
 */
export function scrubTarget(epochs: readonly number[], selected: number | null, direction: -1 | 1): number | null | undefined {
  if (epochs.length === 0) return undefined;
  const last = epochs[epochs.length - 1];
  const found = epochs.indexOf(selected ?? last);
  const next = epochs[(found >= 0 ? found : epochs.length - 1) + direction];
  if (next === undefined) return undefined;
  return next === last ? null : next;
}

/** One playback tick of a recording: the next epoch is shown; after the last the playback stops there. */
export function advanceReplay(): void {
  const { history, selectedEpoch, replayPlaying } = useAppStore.getState();
  if (!replayPlaying) return;
  const next = scrubTarget(
    history.map((snapshot) => snapshot.epoch),
    selectedEpoch,
    1,
  );
  if (next === undefined || next === null) useAppStore.setState({ selectedEpoch: null, replayPlaying: false });
  else useAppStore.setState({ selectedEpoch: next });
}
