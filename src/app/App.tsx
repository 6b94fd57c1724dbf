/**
 * The app shell: header (title, backend, presentation mode, transport), settings on the left, and in
 * the main area the data, then the plots (Plots.tsx). Presentation mode hides all but the plots a
 * class needs and enlarges the type.
 */
import { useEffect, useMemo } from 'react';
import { CIFAR10_CLASS_NAMES, lanesOf } from '../config/experiment.ts';
import { loadShippedRecordings } from '../state/shippedRecordings.ts';
import { useAppStore } from '../state/store.ts';
import { BackendBadge } from '../views/controls/BackendBadge.tsx';
import { DataMissing } from '../views/controls/DataMissing.tsx';
import { DataPreview } from '../views/controls/DataPreview.tsx';
import { EpochScrubber } from '../views/controls/EpochScrubber.tsx';
import { ExportButtons } from '../views/controls/ExportButtons.tsx';
import { FinishedRuns } from '../views/controls/FinishedRuns.tsx';
import { Notices } from '../views/controls/Notices.tsx';
import { ProgressPanel } from '../views/controls/ProgressPanel.tsx';
import { RecordingControls } from '../views/controls/RecordingControls.tsx';
import { ReplayBanner } from '../views/controls/ReplayBanner.tsx';
import { RunEstimate } from '../views/controls/RunEstimate.tsx';
import { SettingsPanel } from '../views/controls/SettingsPanel.tsx';
import { TransportControls } from '../views/controls/TransportControls.tsx';
import { UndoBar } from '../views/controls/UndoBar.tsx';
import { WeightsImport } from '../views/controls/WeightsImport.tsx';
import { startTrainingClient } from '../worker/client.ts';
import { Plots } from './Plots.tsx';
import './App.css';
import '../views/controls/controls.css';

/** Whether a key press types into a field (a text box, a list), where it must not trigger shortcuts. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return !['range', 'checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  return target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

/** "P" toggles presentation mode, from anywhere but a form field. */
function usePresentationShortcut(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.key.toLowerCase() !== 'p' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented || isTyping(event.target)) return;
      const { presentation, setPresentation } = useAppStore.getState();
      setPresentation(!presentation);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}

function PresentationToggle() {
  const presentation = useAppStore((s) => s.presentation);
  const setPresentation = useAppStore((s) => s.setPresentation);
  return (
    <button
      type="button"
      aria-pressed={presentation}
      data-testid="presentation-toggle"
      title="Large type and only the plots a class needs (shortcut: P)"
      onClick={() => setPresentation(!presentation)}
    >
      {presentation ? 'Exit presentation' : 'Present'}
    </button>
  );
}

/** In presentation mode: jumps to the explainer at the end of the plots (shown while a lane mixes the MFW way). */
function WhatIsMfwLink() {
  const presentation = useAppStore((s) => s.presentation);
  const config = useAppStore((s) => s.config);
  const mixesMfw = useMemo(() => lanesOf(config).some((lane) => lane.spec.mixing.kind === 'mfw'), [config]);
  if (!presentation || !mixesMfw) return null;
  return (
    <button
      type="button"
      data-testid="what-is-mfw"
      onClick={() => {
        const explainer = document.querySelector<HTMLElement>('[data-testid="mfw-explainer"]');
        explainer?.scrollIntoView({ block: 'start' });
        explainer?.focus({ preventScroll: true });
      }}
    >
      What is MFW?
    </button>
  );
}

export function App() {
  useEffect(() => startTrainingClient(), []);
  useEffect(() => void loadShippedRecordings(document.baseURI), []);
  usePresentationShortcut();
  const config = useAppStore((s) => s.config);
  const history = useAppStore((s) => s.history);
  const dataAvailability = useAppStore((s) => s.dataAvailability);
  const presentation = useAppStore((s) => s.presentation);
  const classNames = useMemo(() => config.classes.map((id) => CIFAR10_CLASS_NAMES[id] as string), [config.classes]);

  return (
    <div className={presentation ? 'app presentation' : 'app'}>
      {/* In presentation mode header and status bar stay in view together (Play, the scrubber). */}
      <div className="app-top">
        <header className="app-header">
          <h1>
            Imbalance Playground <span className="app-subtitle">ERM vs Major Feature Weakening on CIFAR-10</span>
          </h1>
          <BackendBadge />
          <PresentationToggle />
          <WhatIsMfwLink />
          <TransportControls />
        </header>
        <div className="status-bar">
          <ProgressPanel />
          <RunEstimate />
          <EpochScrubber />
          <UndoBar />
        </div>
      </div>
      <div className="app-body">
        <aside className="sidebar">
          <SettingsPanel />
          <ExportButtons />
          <RecordingControls />
          <WeightsImport />
        </aside>
        <main className="main">
          <ReplayBanner />
          <Notices />
          <FinishedRuns />
          <p className="controlled" data-testid="controlled-comparison">
            {config.methods.join() === 'erm,mfw' ? (
              <>
                <strong>A controlled comparison:</strong> both networks start from the same initial weights and see the same batches
                with the same augmentation, in the same order. The only difference is MFW’s feature mixing.
              </>
            ) : (
              <>
                <strong>A controlled comparison:</strong> every network starts from the same initial weights and sees the same batches
                with the same augmentation, in the same order. The only differences are the methods’ losses, class weights, classifiers and mixing.
              </>
            )}
          </p>
          {dataAvailability === 'missing' ? <DataMissing /> : null}
          {dataAvailability === 'available' ? (
            <details className="data-details" open={history.length === 0}>
              <summary>Data: {classNames.join(', ')}</summary>
              <DataPreview />
            </details>
          ) : null}
          {dataAvailability === 'checking' ? <p role="status">Looking for the CIFAR-10 data…</p> : null}
          <Plots classNames={classNames} />
        </main>
      </div>
    </div>
  );
}
