/** A slider over the stored epochs: every view shows the chosen epoch, so panels can be compared afterwards. */
import { useId } from 'react';
import { useAppStore } from '../../state/store.ts';

export function EpochScrubber() {
  const id = useId();
  const history = useAppStore((s) => s.history);
  const selectedEpoch = useAppStore((s) => s.selectedEpoch);
  const selectEpoch = useAppStore((s) => s.selectEpoch);
  if (history.length === 0) return null;
  const first = history[0].epoch;
  const last = history[history.length - 1].epoch;
  const shown = selectedEpoch ?? last;
  return (
    <div className="scrubber" data-testid="epoch-scrubber">
      <label htmlFor={id}>
        Showing epoch <strong data-testid="shown-epoch">{shown}</strong> of {last}
      </label>
      <input
        id={id}
        type="range"
        min={first}
        max={last}
        step={1}
        value={shown}
        disabled={first === last}
        aria-valuetext={`epoch ${shown}`}
        data-testid="epoch-slider"
        onChange={(event) => {
          const epoch = Number(event.target.value);
          selectEpoch(epoch === last ? null : epoch);
        }}
      />
      <button type="button" data-testid="follow-latest" disabled={selectedEpoch === null} onClick={() => selectEpoch(null)}>
        Follow latest
      </button>
    </div>
  );
}
