/** Play, pause, one epoch, reset: the only way the page drives the training worker. */
import { pause, play, reset, stepEpoch } from '../../worker/client.ts';
import { useAppStore } from '../../state/store.ts';

export function TransportControls() {
  const status = useAppStore((s) => s.status);
  const epoch = useAppStore((s) => s.progress?.epoch ?? 0);
  const canTrain = status === 'ready' || status === 'paused';
  const running = status === 'running';
  return (
    <div className="transport" role="toolbar" aria-label="Training controls" data-testid="transport">
      <button type="button" className="primary" data-testid="play" disabled={!canTrain} onClick={play}>
        <span aria-hidden="true">▶</span> Play
      </button>
      <button type="button" data-testid="pause" disabled={!running} onClick={pause}>
        <span aria-hidden="true">❚❚</span> Pause
      </button>
      <button type="button" data-testid="step-epoch" disabled={!canTrain} onClick={stepEpoch} title="Train one more epoch, then pause">
        Step 1 epoch
      </button>
      <button
        type="button"
        data-testid="reset"
        disabled={status === 'idle' || status === 'loading' || (epoch === 0 && status === 'ready')}
        onClick={reset}
        title="Start again from epoch 0 with the same settings and seed"
      >
        <span aria-hidden="true">↺</span> Reset
      </button>
    </div>
  );
}
