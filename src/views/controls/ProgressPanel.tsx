/** Where the training stands: epoch, step, speed and time left, announced politely to screen readers. */
import { useEffect, useState } from 'react';
import { useAppStore } from '../../state/store.ts';
import type { RunStatus, TrainingProgress } from '../../worker/protocol.ts';

const STATUS_TEXT: Record<RunStatus, string> = {
  idle: 'Waiting for data',
  loading: 'Preparing',
  ready: 'Ready — press Play',
  running: 'Training',
  paused: 'Paused',
  finished: 'Finished',
  error: 'Stopped by an error',
};

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** Seconds since `active` last became true, ticking once a second (evaluation can take a while on a slow GPU). */
function useElapsedSeconds(active: boolean): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    if (!active) return;
    const startedAt = Date.now();
    const timer = setInterval(() => setSeconds((Date.now() - startedAt) / 1000), 1000);
    return () => {
      clearInterval(timer);
      setSeconds(0);
    };
  }, [active]);
  return active ? seconds : 0;
}

function speedText(imagesPerSecond: number): string {
  return imagesPerSecond > 0 ? `${imagesPerSecond.toFixed(imagesPerSecond < 10 ? 1 : 0)} img/s` : '— img/s';
}

/** Where the run stands, in words that fit its state (no step counter or ETA once it is finished). */
function positionText(status: RunStatus, progress: TrainingProgress): string {
  const { epoch, epochs, step } = progress;
  if (status === 'finished') return `all ${epochs} epochs done`;
  if (status === 'ready' && epoch === 0 && step === 0) return `epoch 0/${epochs}`;
  if (step === 0 && status !== 'running') return `after epoch ${epoch} of ${epochs}`;
  return `epoch ${Math.min(epoch + 1, epochs)}/${epochs}`;
}

export function ProgressPanel() {
  const status = useAppStore((s) => s.status);
  const statusMessage = useAppStore((s) => s.statusMessage);
  const progress = useAppStore((s) => s.progress);
  const epochs = useAppStore((s) => s.config.epochs);
  const lanes = useAppStore((s) => s.config.methods.length);
  const dataProgress = useAppStore((s) => s.dataProgress);
  // After a reload nothing has been timed yet in this session: show the last epoch's speed instead.
  const lastEpochSpeed = useAppStore((s) => s.history.at(-1)?.imagesPerSecond ?? 0);
  const evaluating = status === 'running' && progress?.phase === 'evaluate';
  const evaluatingFor = useElapsedSeconds(evaluating);

  const total = progress ? progress.epochs * progress.stepsPerEpoch : 1;
  const done = progress ? progress.epoch * progress.stepsPerEpoch + progress.step : 0;
  const midEpoch = progress !== null && (status === 'running' || (status === 'paused' && progress.step > 0));
  const replay = useAppStore((s) => s.replay);
  const recordedEpochs = useAppStore((s) => s.history.length);

  if (replay) {
    return (
      <div className="progress" data-testid="progress">
        <div className="progress-line">
          <strong data-testid="run-status" data-status="replay">
            Recording
          </strong>
          <span data-testid="progress-epoch">
            {recordedEpochs} of {epochs} epochs recorded · nothing trains
          </span>
        </div>
        <progress max={epochs} value={recordedEpochs} aria-label="Recorded epochs" />
      </div>
    );
  }

  return (
    <div className="progress" data-testid="progress" aria-live="polite">
      <div className="progress-line">
        <strong data-testid="run-status" data-status={status}>
          {status === 'loading' && statusMessage ? statusMessage : STATUS_TEXT[status]}
        </strong>
        {progress ? (
          <>
            <span data-testid="progress-epoch">
              {positionText(status, progress)}
              <span className="sr-only"> ({progress.epoch} completed)</span>
            </span>
            {midEpoch ? (
              <span data-testid="progress-step">
                {evaluating ? `evaluating ${lanes === 2 ? 'both runs' : lanes === 1 ? 'the run' : `${lanes} runs`}… ${Math.round(evaluatingFor)} s` : `step ${progress.step}/${progress.stepsPerEpoch}`}
              </span>
            ) : null}
            {status === 'running' || status === 'paused' ? (
              <span data-testid="progress-speed">{speedText(progress.imagesPerSecond || lastEpochSpeed)}</span>
            ) : null}
            {status === 'running' ? (
              <span data-testid="progress-eta" title={progress.etaIncludesEvaluation ? undefined : 'Training steps only, until one evaluation has been timed'}>
                ETA {progress.etaSeconds === null ? '—' : `${progress.etaIncludesEvaluation ? '' : '≥ '}${formatDuration(progress.etaSeconds)}`}
              </span>
            ) : null}
          </>
        ) : (
          <span>epoch 0/{epochs}</span>
        )}
      </div>
      {dataProgress && status === 'loading' ? (
        <progress max={dataProgress.total || 1} value={dataProgress.loaded} aria-label={dataProgress.message} data-testid="data-progress" />
      ) : (
        <progress max={total} value={done} aria-label="Training progress" />
      )}
    </div>
  );
}
