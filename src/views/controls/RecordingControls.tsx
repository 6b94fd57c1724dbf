/**
 * Saves the run on screen (finished or partial) as one recording file, and opens one to replay:
 * every epoch with every view and the scrubber, without training; or several seeds of one setting
 * together. docs/RECORDING.md describes the file.
 */
import { timePresetOf } from '../../config/experiment.ts';
import { recordingFile } from '../../state/recording.ts';
import { openRecordingFiles, openShippedRecording } from '../../state/replay.ts';
import { useAppStore } from '../../state/store.ts';
import { downloadBlob } from '../download.ts';
import { FilePicker } from './fields.tsx';
import { shippedTitle } from './FinishedRuns.tsx';

export function RecordingControls() {
  const history = useAppStore((s) => s.history);
  const config = useAppStore((s) => s.config);
  const backend = useAppStore((s) => s.backend?.name ?? null);
  const replaying = useAppStore((s) => s.replay !== null);
  const shipped = useAppStore((s) => s.shippedRecordings);

  const save = () => {
    const file = recordingFile(config, history, backend);
    const name = `imbalance-playground-recording-${timePresetOf(config) ?? 'custom'}-epoch${history.at(-1)?.epoch ?? 0}.json`;
    downloadBlob(new Blob([JSON.stringify(file)], { type: 'application/json' }), name);
  };

  return (
    <section className="recording-controls" aria-labelledby="recording-title" data-testid="recording-controls">
      <h2 id="recording-title">Recording</h2>
      <p className="field-hint">
        One file with every epoch so far. It replays anywhere with every view and the scrubber, without training: prepare a long run at
        home, show it in class. Next to the app, <code>?rec=file.json</code> opens it from a link. Pick several recordings of one setting
        that differ only in seed or subset seed (a sweep’s <code>runs/*.recording.json</code>) to see each method’s mean and spread over the seeds.
      </p>
      <div className="button-row">
        <button type="button" disabled={history.length === 0 || replaying} data-testid="save-recording" onClick={save}>
          Save as a recording
        </button>
        <FilePicker label="Open a recording…" accept=".json,application/json" multiple testId="recording-input" onFiles={(files) => void openRecordingFiles(files)} />
      </div>
      {shipped.length > 0 ? (
        // Also once a run has started, when the first screen's offer is gone.
        <div className="shipped-list" data-testid="shipped-list">
          <p className="field-hint">Finished runs that came with this app:</p>
          {shipped.map((entry) => (
            <button key={entry.path} type="button" className="link-button" onClick={() => void openShippedRecording(entry.path)}>
              {shippedTitle(entry)}
            </button>
          ))}
        </div>
      ) : null}
    </section>
  );
}
