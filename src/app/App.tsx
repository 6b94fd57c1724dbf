/**
 * The app shell: header (title, backend, transport), settings on the left, and in the main area
 * the data, the two runs side by side (ERM | MFW), the curves, the results and the explainer.
 */
import { useEffect, useMemo } from 'react';
import { CIFAR10_CLASS_NAMES } from '../config/experiment.ts';
import { TEST_PER_CLASS } from '../config/imbalance.ts';
import { METHODS, type EpochSnapshot } from '../engine/snapshot.ts';
import { selectShownSnapshot, useAppStore } from '../state/store.ts';
import {
  AccuracyCurves,
  DeviationCurves,
  FeatureScatter,
  GradientNormCurves,
  RatioCurves,
  ResultsTable,
  sharedFeatureDomain,
} from '../views/charts/index.ts';
import { MfwExplainer, WhatToLookFor } from '../views/teaching/index.ts';
import { METHOD_LABEL } from '../views/theme.ts';
import { BackendBadge } from '../views/controls/BackendBadge.tsx';
import { ChartFrame } from '../views/controls/ChartFrame.tsx';
import { DataMissing } from '../views/controls/DataMissing.tsx';
import { DataPreview } from '../views/controls/DataPreview.tsx';
import { EpochScrubber } from '../views/controls/EpochScrubber.tsx';
import { ExportButtons } from '../views/controls/ExportButtons.tsx';
import { Notices } from '../views/controls/Notices.tsx';
import { ProgressPanel } from '../views/controls/ProgressPanel.tsx';
import { SettingsPanel } from '../views/controls/SettingsPanel.tsx';
import { TransportControls } from '../views/controls/TransportControls.tsx';
import { startTrainingClient } from '../worker/client.ts';
import './App.css';

const SPLITS = [
  { key: 'train', label: 'training' },
  { key: 'test', label: 'test' },
] as const;

function RunColumns({ snapshot, classNames }: { snapshot: EpochSnapshot | null; classNames: string[] }) {
  // One domain for both columns (and both splits) per epoch, so ERM and MFW are drawn on the same axes.
  const domain = useMemo(() => (snapshot ? sharedFeatureDomain([snapshot.runs.erm, snapshot.runs.mfw]) : null), [snapshot]);
  return (
    <section className="runs" aria-label="Feature space of both runs">
      {METHODS.map((method) => (
        <div key={method} className={`run run-${method}`} data-testid={`run-${method}`}>
          <h2>
            {METHOD_LABEL[method]} <span className="run-subtitle">{method === 'erm' ? 'plain training' : 'Major Feature Weakening'}</span>
          </h2>
          {SPLITS.map(({ key, label }) =>
            snapshot && domain ? (
              <ChartFrame key={key} name={`scatter-${method}-${key}`} label={`${METHOD_LABEL[method]} ${label} features`}>
                <FeatureScatter
                  features={key === 'train' ? snapshot.runs[method].trainFeatures : snapshot.runs[method].testFeatures}
                  labels={key === 'train' ? snapshot.trainFeatureLabels : snapshot.testLabels}
                  classifier={snapshot.runs[method].classifier}
                  classNames={classNames}
                  domain={domain}
                  title={`${METHOD_LABEL[method]} — ${label} features, epoch ${snapshot.epoch}`}
                  testId={`scatter-${method}-${key}`}
                />
              </ChartFrame>
            ) : (
              <div key={key} className="placeholder" data-testid={`placeholder-${method}-${key}`}>
                The {label} features f(x) and the decision regions appear here after the first epoch.
              </div>
            ),
          )}
        </div>
      ))}
      <div className="runs-captions">
        <WhatToLookFor kind="train-scatter" />
        <WhatToLookFor kind="test-scatter" />
      </div>
    </section>
  );
}

function Curves({ history, selectedEpoch, classNames }: { history: EpochSnapshot[]; selectedEpoch: number | null; classNames: string[] }) {
  const props = { history, classNames, selectedEpoch };
  return (
    <section className="curves" aria-labelledby="curves-title" data-testid="curves">
      <h2 id="curves-title">
        Along the epochs <span className="run-subtitle">ERM dashed, MFW solid; one colour per class</span>
      </h2>
      <div className="curve-grid">
        <div>
          <ChartFrame name="accuracy-train" label="training accuracy curves">
            <AccuracyCurves {...props} split="train" />
          </ChartFrame>
          <WhatToLookFor kind="train-accuracy" />
        </div>
        <div>
          <ChartFrame name="accuracy-test" label="test accuracy curves">
            <AccuracyCurves {...props} split="test" />
          </ChartFrame>
          <WhatToLookFor kind="test-accuracy" />
        </div>
        <div>
          <ChartFrame name="ratio" label="classification ratio curves">
            <RatioCurves {...props} />
          </ChartFrame>
          <WhatToLookFor kind="ratio" />
        </div>
        <div>
          <ChartFrame name="gradient-norm" label="feature gradient norm curves">
            <GradientNormCurves {...props} />
          </ChartFrame>
          <WhatToLookFor kind="gradient-norm" />
        </div>
        <div>
          <ChartFrame name="deviation" label="feature deviation curves">
            <DeviationCurves {...props} />
          </ChartFrame>
          <WhatToLookFor kind="deviation" />
        </div>
      </div>
    </section>
  );
}

export function App() {
  useEffect(() => startTrainingClient(), []);
  const config = useAppStore((s) => s.config);
  const history = useAppStore((s) => s.history);
  const selectedEpoch = useAppStore((s) => s.selectedEpoch);
  const dataAvailability = useAppStore((s) => s.dataAvailability);
  const snapshot = useAppStore(selectShownSnapshot);
  const classNames = useMemo(() => config.classes.map((id) => CIFAR10_CLASS_NAMES[id] as string), [config.classes]);

  return (
    <div className="app">
      <header className="app-header">
        <h1>
          Imbalance Playground <span className="app-subtitle">ERM vs Major Feature Weakening on CIFAR-10</span>
        </h1>
        <BackendBadge />
        <TransportControls />
      </header>
      <div className="status-bar">
        <ProgressPanel />
        <EpochScrubber />
      </div>
      <div className="app-body">
        <aside className="sidebar">
          <SettingsPanel />
          <ExportButtons />
        </aside>
        <main className="main">
          <Notices />
          <p className="controlled" data-testid="controlled-comparison">
            <strong>A controlled comparison:</strong> both networks start from the same initial weights and see the same batches
            with the same augmentation, in the same order. The only difference is MFW’s feature mixing.
          </p>
          {dataAvailability === 'missing' ? <DataMissing /> : null}
          {dataAvailability === 'available' ? (
            <details className="data-details" open={history.length === 0}>
              <summary>Data: {classNames.join(', ')}</summary>
              <DataPreview />
            </details>
          ) : null}
          {dataAvailability === 'checking' ? <p role="status">Looking for the CIFAR-10 data…</p> : null}
          <RunColumns snapshot={snapshot} classNames={classNames} />
          <Curves history={history} selectedEpoch={selectedEpoch} classNames={classNames} />
          <section className="results" aria-label="Results" data-testid="results">
            <ResultsTable
              snapshot={snapshot}
              classNames={classNames}
              trainCounts={config.trainCounts}
              isPaperPreset={config.imbalance === 'paper'}
              sampledTestPerClass={config.testPerClass < TEST_PER_CLASS ? config.testPerClass : null}
            />
            <WhatToLookFor kind="results" />
          </section>
          <MfwExplainer
            classNames={classNames}
            trainCounts={config.trainCounts}
            weightMode={config.weightMode}
            beta={config.beta}
            alpha={config.alpha}
            mixingPoint={config.mixingPoint}
          />
        </main>
      </div>
    </div>
  );
}
