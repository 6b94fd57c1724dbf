/**
 * The finished runs that came with the app (src/state/shippedRecordings.ts), offered on the first
 * screen: one click replays a whole run at once, so a lesson on a machine that trains slowly still
 * shows the effect. Each says what it trained, how it ended and the command that made it.
 */
import { DEFAULT_CONFIG } from '../../config/experiment.ts';
import { parseLanes } from '../../core/methods.ts';
import { openShippedRecording } from '../../state/replay.ts';
import type { ShippedRecording } from '../../state/shippedRecordings.ts';
import { useAppStore } from '../../state/store.ts';
import { PRESET_LABEL } from './presets.ts';

const percent = (fraction: number): string => `${(fraction * 100).toFixed(1)}\u00a0%`;
const megabytes = (bytes: number): string => `${Math.max(0.1, bytes / 1e6).toFixed(1)}\u00a0MB`;

function labelsOf(entry: ShippedRecording): string[] {
  return parseLanes(entry.methods, DEFAULT_CONFIG).lanes.map((lane) => lane.label);
}

/** "Classroom preset: ERM beside MFW (ResNet-8, 40 epochs)". */
export function shippedTitle(entry: ShippedRecording): string {
  const labels = labelsOf(entry);
  const lanes = labels.length === 2 ? labels.join(' beside ') : labels.join(', ');
  const length = entry.epochs === entry.ofEpochs ? `${entry.ofEpochs} epochs` : `${entry.epochs} of ${entry.ofEpochs} epochs, a partial run`;
  return `${entry.preset ? `${PRESET_LABEL[entry.preset]} preset` : 'Custom settings'}: ${lanes} (ResNet-${entry.depth}, ${length})`;
}

/** How each lane ended: balanced and minor-class test accuracy at the last recorded epoch. */
export function shippedOutcome(entry: ShippedRecording): string {
  const labels = labelsOf(entry);
  const balanced = entry.methods.map((lane, i) => `${labels[i]} ${percent(entry.final[lane].balanced)}`).join(', ');
  const minor = entry.methods.map((lane, i) => `${labels[i]} ${percent(entry.final[lane].minor)}`).join(', ');
  return `At epoch ${entry.epochs}, balanced test accuracy: ${balanced}; minor classes: ${minor}.`;
}

/** The shipped run closest to the configuration on screen: the same lanes and preset first. */
export function closestShipped(entries: readonly ShippedRecording[], methods: readonly string[], preset: string | null): ShippedRecording | null {
  const score = (entry: ShippedRecording) => (entry.methods.join() === methods.join() ? 2 : 0) + (entry.preset === preset ? 1 : 0);
  return [...entries].sort((a, b) => score(b) - score(a))[0] ?? null;
}

export function FinishedRuns() {
  const entries = useAppStore((s) => s.shippedRecordings);
  const replaying = useAppStore((s) => s.replay !== null || s.recordingLink !== null);
  const firstScreen = useAppStore((s) => s.history.length === 0);
  if (entries.length === 0 || replaying || !firstScreen) return null;
  return (
    <section className="finished-runs" aria-labelledby="finished-runs-title" data-testid="finished-runs">
      <h2 id="finished-runs-title">Finished runs, ready to watch</h2>
      <p className="finished-runs-intro">
        Training takes a while on most computers. These runs were trained beforehand with this app’s engine; each replays at once, with every
        view and the epoch scrubber (Space plays it).
      </p>
      <ul>
        {entries.map((entry, i) => (
          <li key={entry.path} data-testid={`finished-run-${i}`}>
            <button type="button" className={i === 0 ? 'primary' : undefined} data-testid={i === 0 ? 'watch-finished-run' : `watch-finished-run-${i}`} onClick={() => void openShippedRecording(entry.path)}>
              Watch a finished run (instant)
            </button>{' '}
            <strong>{shippedTitle(entry)}</strong>. {shippedOutcome(entry)}{' '}
            <span className="finished-runs-detail">
              {megabytes(entry.bytes)}, trained on {entry.backend ?? 'an unknown backend'} by <code>{entry.command}</code>
              {entry.commit ? <> at commit <code>{entry.commit}</code></> : null}.
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
