/**
 * Keyboard shortcuts for a class at the projector: Space plays or pauses; → shows the next stored
 * epoch, or trains one more epoch when the newest is shown and training is paused; ← shows the
 * previous epoch. Keys typed into a field, and Space on a button (which presses it), keep their
 * usual meaning.
 */
import { useEffect } from 'react';
import { pause, play, stepEpoch } from '../../worker/client.ts';
import { scrubTarget, useAppStore } from '../../state/store.ts';

/** Elements where the keys already mean something: typing, choosing, pressing. */
const OWNS_ARROWS = 'input, select, textarea, [contenteditable="true"]';
const OWNS_SPACE = `${OWNS_ARROWS}, button, a[href], summary, [role="button"]`;

export function useTransportShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      const target = event.target instanceof Element ? event.target : null;
      const { status, history, selectedEpoch, selectEpoch, replay } = useAppStore.getState();
      const canTrain = replay === null && (status === 'ready' || status === 'paused');
      if (event.key === ' ') {
        if (target?.closest(OWNS_SPACE)) return;
        if (status === 'running') pause();
        else if (canTrain) play();
        else return;
        event.preventDefault();
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
      if (epoch !== undefined) selectEpoch(epoch);
      else if (direction === 1 && canTrain) stepEpoch();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
