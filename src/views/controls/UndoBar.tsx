/**
 * After Reset, or after applying settings over a trained run, says what happened to the run and
 * offers Undo until training next starts: a reset run is still in the worker and in this browser
 * (client.ts tells the worker only on the next Play), and a replaced run stays stored under its
 * own settings, so applying them again restores it.
 */
import { useAppStore } from '../../state/store.ts';

export function UndoBar() {
  const undo = useAppStore((s) => s.undo);
  const undoLast = useAppStore((s) => s.undoLast);
  if (!undo) return null;
  const epochs = `${undo.epochs} epoch${undo.epochs === 1 ? '' : 's'}`;
  const text =
    undo.kind === 'reset'
      ? `Reset to epoch 0. The run with ${epochs} is kept until you train again.`
      : `New settings applied. The previous run (${epochs}) is kept in this browser until you train again.`;
  return (
    <div className="undo-bar" role="status" data-testid="undo-bar">
      <span>{text}</span>
      <button
        type="button"
        className="primary"
        data-testid="undo"
        onClick={() => {
          undoLast();
          // The bar goes away: focus waits on the training controls rather than falling to the page.
          document.querySelector<HTMLElement>('[data-testid="transport"]')?.focus();
        }}
      >
        {undo.kind === 'reset' ? 'Undo the reset' : 'Undo: back to the previous settings'}
      </button>
    </div>
  );
}
