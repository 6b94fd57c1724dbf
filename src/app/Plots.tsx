/**
 * The plot area: the feature space (ERM beside MFW for the training and for the test features, each
 * pair with its caption underneath), the curves along the epochs, and the results at the shown epoch
 * (table and confusion matrices). Every caption says what the paper found and what this run shows.
 * In presentation mode only the plots a class needs are shown.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { TEST_PER_CLASS } from '../config/imbalance.ts';
import { METHODS, type EpochSnapshot } from '../core/snapshot.ts';
import { selectShownSnapshot, useAppStore } from '../state/store.ts';
import {
  AccuracyCurves,
  ConfusionMatrix,
  DeviationCurves,
  FeatureScatter,
  GradientNormCurves,
  LossCurves,
  RatioCurves,
  ResultsTable,
  epochsFeatureDomain,
  sharedFeatureDomain,
  type CurvesProps,
} from '../views/charts/index.ts';
import { useViewportHeight } from '../views/charts/useContainerWidth.ts';
import { MfwExplainer, WhatToLookFor, runFinding, type PlotKind } from '../views/teaching/index.ts';
import { ChartSizeContext, FONT, METHOD_LABEL, PRESENTATION_SIZES } from '../views/theme.ts';
import { ChartFrame } from '../views/controls/ChartFrame.tsx';

const SPLITS = [
  { key: 'train', title: 'Training features', noun: 'training image', caption: 'train-scatter' },
  { key: 'test', title: 'Test features', noun: 'test image', caption: 'test-scatter' },
] as const;

/** Screen height left for the square plot once the header, status bar, titles, legend, axis and caption are counted. */
const PLOT_CHROME_HEIGHT = 300;

function useFinding(kind: PlotKind): string | null {
  const snapshot = useAppStore(selectShownSnapshot);
  const history = useAppStore((s) => s.history);
  const trainCounts = useAppStore((s) => s.config.trainCounts);
  return useMemo(() => runFinding(kind, { snapshot, history, trainCounts }), [kind, snapshot, history, trainCounts]);
}

function Caption({ kind }: { kind: PlotKind }) {
  return <WhatToLookFor kind={kind} finding={useFinding(kind)} />;
}

function FeatureSpace({ classNames }: { classNames: string[] }) {
  const snapshot = useAppStore(selectShownSnapshot);
  const history = useAppStore((s) => s.history);
  const pointImages = useAppStore((s) => s.pointImages);
  const viewportHeight = useViewportHeight();
  // Axes fixed over all stored epochs by default, so scrubbing shows the features move, not the ticks.
  const [sameAxes, setSameAxes] = useState(true);
  const domain = useMemo(() => {
    if (!snapshot) return null;
    return sameAxes ? epochsFeatureDomain(history) : sharedFeatureDomain([snapshot.runs.erm, snapshot.runs.mfw]);
  }, [sameAxes, history, snapshot]);
  const maxPlotSize = Math.max(240, Math.min(560, viewportHeight - PLOT_CHROME_HEIGHT));

  return (
    <section className="feature-space" aria-labelledby="feature-space-title" data-testid="feature-space">
      <div className="section-head">
        <h2 id="feature-space-title">
          Feature space f(x) <span className="run-subtitle">ERM beside MFW on the same axes; colour and shape = true class, hollow = misclassified</span>
        </h2>
        <label className="axes-toggle">
          <input type="checkbox" data-testid="same-axes" checked={sameAxes} onChange={(event) => setSameAxes(event.target.checked)} />
          Same axes for every epoch
        </label>
      </div>
      <div className="scatter-pairs">
        {SPLITS.map(({ key, title, noun, caption }) => (
          <div key={key} className="scatter-pair" data-testid={`scatter-pair-${key}`}>
            <div className="scatter-pair-plots">
              {METHODS.map((method) =>
                snapshot && domain ? (
                  <ChartFrame key={method} name={`scatter-${method}-${key}`} epoch={snapshot.epoch} label={`${METHOD_LABEL[method]} ${title.toLowerCase()}`}>
                    <FeatureScatter
                      features={key === 'train' ? snapshot.runs[method].trainFeatures : snapshot.runs[method].testFeatures}
                      labels={key === 'train' ? snapshot.trainFeatureLabels : snapshot.testLabels}
                      classifier={snapshot.runs[method].classifier}
                      classNames={classNames}
                      domain={domain}
                      title={`${METHOD_LABEL[method]} — ${title.toLowerCase()}, epoch ${snapshot.epoch}`}
                      maxPlotSize={maxPlotSize}
                      images={pointImages?.[key]}
                      pointNoun={noun}
                      testId={`scatter-${method}-${key}`}
                    />
                  </ChartFrame>
                ) : (
                  <div key={method} className="placeholder" data-testid={`placeholder-${method}-${key}`}>
                    {METHOD_LABEL[method]}: the {title.toLowerCase()} f(x) and the decision regions appear here after the first epoch.
                  </div>
                ),
              )}
            </div>
            <Caption kind={caption} />
          </div>
        ))}
      </div>
    </section>
  );
}

interface CurveSpec {
  name: string;
  label: string;
  kind: PlotKind;
  /** Shown in presentation mode too. */
  essential: boolean;
  Chart: (props: CurvesProps) => ReactNode;
}

const CURVES: readonly CurveSpec[] = [
  { name: 'accuracy-train', label: 'training accuracy curves', kind: 'train-accuracy', essential: true, Chart: (props) => <AccuracyCurves {...props} split="train" /> },
  { name: 'accuracy-test', label: 'test accuracy curves', kind: 'test-accuracy', essential: true, Chart: (props) => <AccuracyCurves {...props} split="test" /> },
  { name: 'gradient-norm', label: 'feature gradient norm curves', kind: 'gradient-norm', essential: true, Chart: GradientNormCurves },
  { name: 'deviation', label: 'feature deviation curves', kind: 'deviation', essential: true, Chart: DeviationCurves },
  { name: 'ratio', label: 'classification ratio curves', kind: 'ratio', essential: false, Chart: RatioCurves },
  { name: 'loss', label: 'training loss curves', kind: 'loss', essential: false, Chart: LossCurves },
];

function Curves({ classNames, presentation }: { classNames: string[]; presentation: boolean }) {
  const history = useAppStore((s) => s.history);
  const selectedEpoch = useAppStore((s) => s.selectedEpoch);
  const props: CurvesProps = { history, classNames, selectedEpoch, plotHeight: presentation ? 280 : 220 };
  const epoch = selectedEpoch ?? history.at(-1)?.epoch ?? null;
  return (
    <section className="curves" aria-labelledby="curves-title" data-testid="curves">
      <h2 id="curves-title">
        Along the epochs <span className="run-subtitle">ERM dashed, MFW solid; one colour and marker per class; hover or focus a chart to read an epoch’s values</span>
      </h2>
      <div className="curve-grid">
        {CURVES.filter((curve) => !presentation || curve.essential).map(({ name, label, kind, Chart }) => (
          <div key={name} data-testid={`curve-${name}`}>
            <ChartFrame name={name} epoch={epoch} label={label}>
              <Chart {...props} />
            </ChartFrame>
            <Caption kind={kind} />
          </div>
        ))}
      </div>
    </section>
  );
}

function ConfusionMatrices({ snapshot, classNames }: { snapshot: EpochSnapshot; classNames: string[] }) {
  return (
    <div className="confusion-pair" data-testid="confusion-pair">
      <div className="confusion-pair-plots">
        {METHODS.map((method) => (
          <ChartFrame key={method} name={`confusion-${method}`} epoch={snapshot.epoch} label={`${METHOD_LABEL[method]} confusion matrix`}>
            <ConfusionMatrix
              features={snapshot.runs[method].testFeatures}
              labels={snapshot.testLabels}
              classifier={snapshot.runs[method].classifier}
              classNames={classNames}
              title={`${METHOD_LABEL[method]} — test set, epoch ${snapshot.epoch}`}
              testId={`confusion-${method}`}
            />
          </ChartFrame>
        ))}
      </div>
      <Caption kind="confusion" />
    </div>
  );
}

function Results({ classNames, presentation }: { classNames: string[]; presentation: boolean }) {
  const snapshot = useAppStore(selectShownSnapshot);
  const config = useAppStore((s) => s.config);
  return (
    <section className="results" aria-label="Results" data-testid="results">
      <div className="results-table">
        <ResultsTable
          snapshot={snapshot}
          classNames={classNames}
          trainCounts={config.trainCounts}
          isPaperPreset={config.imbalance === 'paper'}
          sampledTestPerClass={config.testPerClass < TEST_PER_CLASS ? config.testPerClass : null}
        />
        <Caption kind="results" />
      </div>
      {snapshot && !presentation ? <ConfusionMatrices snapshot={snapshot} classNames={classNames} /> : null}
    </section>
  );
}

export function Plots({ classNames }: { classNames: string[] }) {
  const presentation = useAppStore((s) => s.presentation);
  const config = useAppStore((s) => s.config);
  return (
    <ChartSizeContext.Provider value={presentation ? PRESENTATION_SIZES : FONT}>
      <FeatureSpace classNames={classNames} />
      <Curves classNames={classNames} presentation={presentation} />
      <Results classNames={classNames} presentation={presentation} />
      {presentation ? null : (
        <MfwExplainer
          classNames={classNames}
          trainCounts={config.trainCounts}
          weightMode={config.weightMode}
          beta={config.beta}
          alpha={config.alpha}
          mixingPoint={config.mixingPoint}
        />
      )}
    </ChartSizeContext.Provider>
  );
}
