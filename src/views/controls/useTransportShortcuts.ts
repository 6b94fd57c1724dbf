/**
 * Keyboard shortcuts for a class at the projector: Space plays or pauses (the training, or a
 * recording's playback) wherever focus is, also on a button; → shows the next stored epoch, or
 * trains one more epoch when the newest is shown and training is paused; ← shows the previous
 * epoch. Only keys typed into a field or choosing in a list or box keep their usual meaning.
 */
import { useEffect } from 'react';
import { pause, play, stepEpoch } from '../../worker/client.ts';
import { scrubTarget, useAppStore } from '../../state/store.ts';

/** Elements where the keys already mean something: typing, choosing. */
const OWNS_ARROWS = 'input, select, textarea, [contenteditable="true"], [role="listbox"], [role="combobox"]';
/** Where Space types or ticks; everywhere else (buttons, links, the slider, the page) it is play/pause. */
const OWNS_SPACE =
  'input:not([type="range"]):not([type="button"]):not([type="submit"]):not([type="reset"]):not([type="file"]), select, textarea, [contenteditable="true"], [role="listbox"], [role="combobox"]';

export function useTransportShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      const target = event.target instanceof Element ? event.target : null;
      const { status, history, selectedEpoch, selectEpoch, replay, replayPlaying, setReplayPlaying } = useAppStore.getState();
      const canTrain = replay === null && (status === 'ready' || status === 'paused');
      if (event.key === ' ') {
        if (target?.closest(OWNS_SPACE)) return;
        // Always taken, also where nothing plays: Space on a focused button must never press it (Reset).
        event.preventDefault();
        if (replay) setReplayPlaying(!replayPlaying);
        else if (status === 'running') pause();
        else if (canTrain) play();
        return;
      }
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
      if (target?.closest(OWNS_ARROWS)) return;
      const direction = event.key === 'ArrowLeft' ? -1 : 1;
      const epoch = scrubTarget(
        history.map((snapshot) => snapshot.epoch),
        selectedEpoch,
        direction,
      );
      if (replay && replayPlaying) setReplayPlaying(false);
      if (epoch !== undefined) selectEpoch(epoch);
      else if (direction === 1 && canTrain) stepEpoch();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
