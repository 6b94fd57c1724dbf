/**
 * Play, pause, one epoch, reset: the only way the page drives the training worker. Focus stays on
 * a usable button when the pressed one turns disabled (Play → Pause and back; never Reset), and the keyboard
 * shortcuts (useTransportShortcuts) work anywhere on the page outside text fields.
 */
import { useRef } from 'react';
import { pause, play, reset, stepEpoch } from '../../worker/client.ts';
import { useAppStore } from '../../state/store.ts';
import { useFocusRescue } from './useFocusRescue.ts';
import { useTransportShortcuts } from './useTransportShortcuts.ts';

export function TransportControls() {
  const status = useAppStore((s) => s.status);
  const epoch = useAppStore((s) => s.progress?.epoch ?? 0);
  const replaying = useAppStore((s) => s.replay !== null);
  const playButton = useRef<HTMLButtonElement>(null);
  const pauseButton = useRef<HTMLButtonElement>(null);
  useTransportShortcuts();
  // Never onto Reset: at the end of a run focus waits on the toolbar itself, where Space does nothing harmful.
  const rescue = useFocusRescue<HTMLDivElement>((toolbar) =>
    status === 'running' ? pauseButton.current : status === 'ready' || status === 'paused' ? playButton.current : toolbar,
  );

  const canTrain = !replaying && (status === 'ready' || status === 'paused');
  const running = status === 'running';
  return (
    <div className="transport" role="toolbar" aria-label="Training controls" data-testid="transport" tabIndex={-1} {...rescue}>
      <button type="button" className="primary" data-testid="play" disabled={!canTrain} onClick={play} ref={playButton} aria-keyshortcuts="Space">
        <span aria-hidden="true">▶</span> Play
      </button>
      <button type="button" data-testid="pause" disabled={!running} onClick={pause} ref={pauseButton} aria-keyshortcuts="Space">
        <span aria-hidden="true">❚❚</span> Pause
      </button>
      <button
        type="button"
        data-testid="step-epoch"
        disabled={!canTrain}
        onClick={stepEpoch}
        title="Train one more epoch, then pause (key →)"
        aria-keyshortcuts="ArrowRight"
      >
        Step 1 epoch
      </button>
      <button
        type="button"
        data-testid="reset"
        disabled={replaying || status === 'idle' || status === 'loading' || (epoch === 0 && status === 'ready')}
        onClick={reset}
        title="Start again from epoch 0 with the same settings and seed (Undo brings the run back until you train again)"
      >
        <span aria-hidden="true">↺</span> Reset
      </button>
    </div>
  );
}
