/**
 * Opens recordings: from a file the user picks, or from a file next to the app named by the link
 * (`?rec=recordings/paper.json`). Only relative paths on the app's own origin are fetched; every
 * file is validated (parseRecording) before the store shows it.
 */
import { parseRecording, RecordingError, type Recording } from './recording.ts';
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
function show(recording: Recording, source: 'file' | 'link', name: string): void {
  const store = useAppStore.getState();
  store.startReplay(recording, source, name);
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

export async function openRecordingFile(file: File): Promise<void> {
  const store = useAppStore.getState();
  store.dismissNotice('recording');
  try {
    show(parseRecording(await file.text()), 'file', file.name);
  } catch (error) {
    showProblem(file.name, error);
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
