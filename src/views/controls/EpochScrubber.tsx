/** A slider over the stored epochs: every view shows the chosen epoch, so panels can be compared afterwards. */
import { useId, useRef } from 'react';
import { useAppStore } from '../../state/store.ts';
import { useFocusRescue } from './useFocusRescue.ts';

export function EpochScrubber() {
  const id = useId();
  const history = useAppStore((s) => s.history);
  const selectedEpoch = useAppStore((s) => s.selectedEpoch);
  const selectEpoch = useAppStore((s) => s.selectEpoch);
  const slider = useRef<HTMLInputElement>(null);
  // "Follow latest" turns disabled once pressed: focus goes to the slider, not to the page.
  const rescue = useFocusRescue<HTMLDivElement>(() => slider.current);
  if (history.length === 0) return null;
  const first = history[0].epoch;
  const last = history[history.length - 1].epoch;
  const shown = selectedEpoch ?? last;
  return (
    <div className="scrubber" data-testid="epoch-scrubber" {...rescue}>
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
        aria-keyshortcuts="ArrowLeft ArrowRight"
        ref={slider}
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
