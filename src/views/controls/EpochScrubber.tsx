/**
 * A slider over the stored epochs: every view shows the chosen epoch, so panels can be compared
 * afterwards. A recording also plays through its epochs by itself (▶ Play or Space) at a chosen speed.
 */
import { useEffect, useId, useRef } from 'react';
import { advanceReplay, useAppStore } from '../../state/store.ts';
import { useFocusRescue } from './useFocusRescue.ts';

export function EpochScrubber() {
  const id = useId();
  const history = useAppStore((s) => s.history);
  const selectedEpoch = useAppStore((s) => s.selectedEpoch);
  const selectEpoch = useAppStore((s) => s.selectEpoch);
  const slider = useRef<HTMLInputElement>(null);
  const replaying = useAppStore((s) => s.replay !== null);
  const playing = useAppStore((s) => s.replayPlaying);
  const speed = useAppStore((s) => s.replaySpeed);
  const setPlaying = useAppStore((s) => s.setReplayPlaying);
  const setSpeed = useAppStore((s) => s.setReplaySpeed);
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(advanceReplay, 1000 / speed);
    return () => clearInterval(timer);
  }, [playing, speed]);
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
      {replaying ? (
        <>
          <button
            type="button"
            className="primary"
            data-testid="replay-play"
            aria-pressed={playing}
            aria-keyshortcuts="Space"
            disabled={first === last}
            title="Play the recorded epochs one after another (Space); ← → step"
            onClick={() => setPlaying(!playing)}
          >
            {playing ? (
              <>
                <span aria-hidden="true">❚❚</span> Pause
              </>
            ) : (
              <>
                <span aria-hidden="true">▶</span> Play
              </>
            )}
          </button>
          <label className="replay-speed">
            Speed{' '}
            <select data-testid="replay-speed" value={speed} onChange={(event) => setSpeed(Number(event.target.value))}>
              {[1, 2, 5, 10, 20].map((value) => (
                <option key={value} value={value}>
                  {value} epoch{value === 1 ? '' : 's'}/s
                </option>
              ))}
            </select>
          </label>
        </>
      ) : (
        <button type="button" data-testid="follow-latest" disabled={selectedEpoch === null} onClick={() => selectEpoch(null)}>
          Follow latest
        </button>
      )}
    </div>
  );
}
