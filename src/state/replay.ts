/**
 * Opens recordings: from files the user picks (several of one setting, differing in seed, open
 * together: seedSet.ts), or from a file next to the app named by the link
 * (`?rec=recordings/paper.json`). Only relative paths on the app's own origin are fetched; every
 * file is validated (parseRecording) before the store shows it.
 */
import { parseRecording, RecordingError, type Recording } from './recording.ts';
import { seedSetOf, type NamedRecording, type SeedSetInfo } from './seedSet.ts';
import { loadReplayImages } from './replayImages.ts';
import { useAppStore, writeConfigToUrl } from './store.ts';
import { RECORDING_PARAM } from './urlConfig.ts';

/** A link's recording path resolved against the page, or the reason it is refused. */
export function recordingUrl(path: string, pageUrl: string): URL | string {
  if (!/^[\w.~-][\w.~/-]*\.json$/.test(path) || path.split('/').some((segment) => segment === '..' || segment === '')) {
    return `“${path}” is not a relative path to a .json file next to the app (letters, digits, . _ ~ - and /, no “..”).`;
  }
  const url = new URL(path, pageUrl);
  if (url.origin !== new URL(pageUrl).origin) return `“${path}” does not stay on this site.`;
  return url;
}

function showProblem(name: string, error: unknown): void {
  const message = error instanceof RecordingError ? error.message : `It could not be read: ${(error as Error).message}`;
  useAppStore.getState().addNotice({ id: 'recording', tone: 'error', title: `The recording “${name}” was not opened. ${message}` });
}

/**
 * Shows the recording, then looks for its plotted images in the prepared data (replayImages.ts) for
 * the tooltips; the banner says whether they were found.
 */
function show(recording: Recording, source: 'file' | 'link', name: string, seeds: SeedSetInfo | null = null): void {
  const store = useAppStore.getState();
  store.startReplay(recording, source, name, seeds);
  const replay = useAppStore.getState().replay;
  const [first] = recording.history;
  if (!first) return;
  useAppStore.setState({ replayImages: 'loading' });
  loadReplayImages(recording.config, first, document.baseURI)
    .catch(() => null)
    .then((images) => {
      // Another recording, or none, may be on screen by now.
      if (useAppStore.getState().replay !== replay) return;
      useAppStore.setState(images ? { pointImages: images, replayImages: 'shown' } : { replayImages: 'none' });
    });
}

async function openRecordingFile(file: File): Promise<void> {
  const store = useAppStore.getState();
  store.dismissNotice('recording');
  try {
    show(parseRecording(await file.text()), 'file', file.name);
  } catch (error) {
    showProblem(file.name, error);
  }
}

/**
 * Opens the files the user picked: one as a recording; several as the seeds of one setting (the
 * first seed's run on screen, every lane's accuracy over the seeds beside it), or not at all, saying
 * which file is not a recording or which settings differ.
 */
export async function openRecordingFiles(files: readonly File[]): Promise<void> {
  if (files.length === 1) return openRecordingFile(files[0]);
  useAppStore.getState().dismissNotice('recording');
  const entries: NamedRecording[] = [];
  for (const file of files) {
    try {
      entries.push({ name: file.name, recording: parseRecording(await file.text()) });
    } catch (error) {
      return showProblem(file.name, error);
    }
  }
  try {
    const { first, info } = seedSetOf(entries);
    show(first.recording, 'file', first.name, info);
  } catch (error) {
    useAppStore.getState().addNotice({ id: 'recording', tone: 'error', title: `The ${files.length} recordings were not opened together. ${(error as Error).message}` });
  }
}

/** Loads the recording the link names; on failure the page trains as usual and says why. */
export async function openRecordingLink(path: string): Promise<void> {
  const store = useAppStore.getState();
  try {
    const url = recordingUrl(path, document.baseURI);
    if (typeof url === 'string') throw new Error(url);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`the server answered ${response.status} ${response.statusText} for ${url.pathname}; is the file next to the app?`);
    show(parseRecording(await response.text()), 'link', path);
  } catch (error) {
    // The page trains as usual instead, so the address bar shows that configuration.
    writeConfigToUrl(store.config);
    useAppStore.setState({ recordingLink: null });
    showProblem(path, error);
  }
}

/** Opens a finished run that came with the app; the address bar then links to it (`?rec=…`), for sharing. */
export async function openShippedRecording(path: string): Promise<void> {
  const url = new URL(window.location.href);
  url.search = `${RECORDING_PARAM}=${path}`;
  window.history.replaceState(window.history.state, '', url);
  useAppStore.getState().dismissNotice('recording');
  await openRecordingLink(path);
}
