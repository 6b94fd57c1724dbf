/**
 * The box beside a setting changed after training began: what changed, that the plots still show
 * the run with the old settings, and a choice worded for the run's state (running, paused, finished).
 */
import { useEffect, useRef } from 'react';
import { CIFAR10_CLASS_NAMES, FIELDS, type ExperimentConfig } from '../../config/experiment.ts';
import { useAppStore } from '../../state/store.ts';

type Key = keyof ExperimentConfig;

function label(key: Key): string {
  if (key === 'classes') return 'Classes';
  if (key === 'trainCounts') return 'Training images';
  if (key === 'methods') return 'Methods';
  return FIELDS[key].label;
}

function shown(key: Key, value: ExperimentConfig[Key]): string {
  if (key === 'classes') return (value as number[]).map((id) => CIFAR10_CLASS_NAMES[id]).join(', ');
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

/** What the choice means while the run is in each state. */
const WORDING = {
  running: { now: 'The plots show the run in progress, with the old settings.', apply: 'Stop and start over' },
  finished: { now: 'The plots show the finished run, with the old settings.', apply: 'Start a new run' },
  other: { now: 'The plots show the run so far, with the old settings.', apply: 'Start over' },
};

export function PendingChanges({ onDone }: { onDone?: () => void }) {
  const config = useAppStore((s) => s.config);
  const pendingConfig = useAppStore((s) => s.pendingConfig);
  const status = useAppStore((s) => s.status);
  const applyPendingConfig = useAppStore((s) => s.applyPendingConfig);
  const discardPendingConfig = useAppStore((s) => s.discardPendingConfig);
  const box = useRef<HTMLDivElement>(null);
  const isPending = pendingConfig !== null;
  // When it appears, the box scrolls into view (the least that shows it, so the edited field above stays in view).
  useEffect(() => {
    if (isPending) box.current?.scrollIntoView({ block: 'nearest' });
  }, [isPending]);
  if (!pendingConfig) return null;
  const changed = (Object.keys(pendingConfig) as Key[]).filter((key) => JSON.stringify(config[key]) !== JSON.stringify(pendingConfig[key]));
  const wording = status === 'running' ? WORDING.running : status === 'finished' ? WORDING.finished : WORDING.other;
  const choose = (action: () => void) => () => {
    action();
    onDone?.();
  };
  return (
    <div className="pending" role="status" data-testid="pending-config" ref={box}>
      <p>
        Not applied yet: {wording.now} Applying these changes resets {config.methods.length === 2 ? 'both trainings' : 'every method’s training'} to epoch 0 (Undo brings this run back until you train again).
      </p>
      <ul className="pending-list">
        {changed.map((key) => (
          <li key={key}>
            {label(key)}: {shown(key, config[key])} → <strong>{shown(key, pendingConfig[key])}</strong>
          </li>
        ))}
      </ul>
      <div className="button-row">
        <button type="button" className="primary" data-testid="apply-pending" onClick={choose(applyPendingConfig)}>
          {wording.apply}
        </button>
        <button type="button" data-testid="discard-pending" onClick={choose(discardPendingConfig)}>
          Undo the changes
        </button>
      </div>
    </div>
  );
}
