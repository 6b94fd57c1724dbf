/**
 * The method lab's curves: measures comparable across methods, one line per lane in the lane's own
 * style (balanced and minor-class test accuracy, the minor/major feature-gradient ratio, the clean
 * training cross-entropy), the classifier's ‖w_c‖ and bias b_c per class, and each method's own measures where a
 * lane has them (class weights in force, Remix's relabelled fraction, the mean partner share).
 */
import { useMemo } from 'react';
import type { RunSnapshot } from '../../../core/snapshot.ts';
import { isMajorClass } from '../../../core/mfwWeights.ts';
import { LineChart, type LineChartProps } from '../LineChart/LineChart.tsx';
import { summariseAccuracy } from '../ResultsTable/accuracySummary.ts';
import { MetricCurves, type CurvesProps } from './MetricCurves.tsx';
import { laneLegend, laneSeries, type LaneMeasure } from './metricSeries.ts';

type ChartText = Pick<LineChartProps, 'title' | 'xLabel' | 'yLabel' | 'yDomain' | 'yFormat' | 'reference' | 'testId'>;

/** One line per lane and measure, in the lanes' styles. */
export function LaneCurves({
  history,
  lanes,
  selectedEpoch = null,
  plotHeight,
  measures,
  scale,
  showLegend = true,
  ...chart
}: Omit<CurvesProps, 'classNames'> & ChartText & { measures: readonly LaneMeasure[]; scale?: number; showLegend?: boolean }) {
  const series = useMemo(() => laneSeries(history, lanes, measures, scale), [history, lanes, measures, scale]);
  const legend = useMemo(() => (showLegend ? laneLegend(lanes, measures) : []), [lanes, measures, showLegend]);
  return <LineChart {...chart} series={series} legend={legend} markerX={selectedEpoch} plotHeight={plotHeight} />;
}

const percent = (value: number): string => `${value.toFixed(0)}`;

/** Balanced (thick, ●) and minor-class (thin, ▲) test accuracy of every lane on one chart. */
export function BalancedAccuracyCurves({ trainCounts, ...props }: CurvesProps & { trainCounts: readonly number[] }) {
  const measures = useMemo<LaneMeasure[]>(() => {
    const isMajor = isMajorClass(trainCounts);
    return [
      { key: 'balanced', label: 'balanced', shape: 'circle', width: 3, metric: (run) => summariseAccuracy(run.testAccuracy, isMajor).overall },
      { key: 'minor', label: 'minor classes', shape: 'triangle', width: 1.3, metric: (run) => summariseAccuracy(run.testAccuracy, isMajor).minorAverage },
    ];
  }, [trainCounts]);
  return (
    <LaneCurves
      {...props}
      measures={measures}
      scale={100}
      title="Balanced and minor-class test accuracy"
      xLabel="epoch"
      yLabel="accuracy (%)"
      yDomain={[0, 100]}
      yFormat={percent}
      testId="lab-accuracy-curves"
    />
  );
}

const single = (key: string, metric: (run: RunSnapshot) => number | null): LaneMeasure[] => [{ key, label: '', metric }];
const GRADIENT_RATIO = single('gradient-ratio', (run) => run.gradientNormRatio);
const CLEAN_LOSS = single('clean-loss', (run) => run.cleanTrainLoss);
const RELABELLED = single('relabelled', (run) => run.relabelledFraction);
const RATIO_REFERENCE = { y: 1, label: '1 = minor and major pushed alike' };

/** Mean feature-gradient norm of the minor classes ÷ that of the major ones, per lane (comparable across methods). */
export function GradientRatioCurves(props: CurvesProps) {
  return (
    <LaneCurves
      {...props}
      measures={GRADIENT_RATIO}
      title="Feature-gradient norm, minor ÷ major"
      xLabel="epoch"
      yLabel="minor ÷ major"
      reference={RATIO_REFERENCE}
      testId="lab-gradient-ratio-curves"
    />
  );
}

/** Plain cross-entropy on the training subset in evaluation mode: the one training loss comparable across methods. */
export function CleanLossCurves(props: CurvesProps) {
  return <LaneCurves {...props} measures={CLEAN_LOSS} title="Clean training cross-entropy" xLabel="epoch" yLabel="cross-entropy" testId="lab-clean-loss-curves" />;
}

/** Remix's share of samples whose label went wholly to one side. */
export function RelabelledCurves(props: CurvesProps) {
  return (
    <LaneCurves {...props} measures={RELABELLED} scale={100} title="Remix: samples relabelled to one class" xLabel="epoch" yLabel="samples (%)" yFormat={percent} testId="lab-relabelled-curves" />
  );
}

const classWeights = (run: RunSnapshot): number[] => run.classWeights;
const partnerShare = (run: RunSnapshot): number[] => run.meanPartnerShare ?? [];

/**
 * A per-class measure of the classifier as small multiples, one chart per class with one line per lane
 * (the lanes' legend on the first row): every lane's values stay readable, where one chart of
 * C × lanes lines would not.
 */
function ClassMultiples({
  classNames,
  plotHeight = 220,
  title,
  yLabel,
  testId,
  metric,
  ...props
}: CurvesProps & { title: string; yLabel: string; testId: string; metric: (run: RunSnapshot, c: number) => number | undefined }) {
  const measures = useMemo(() => classNames.map((_, c) => single(`${testId}-${c}`, (run) => metric(run, c) ?? null)), [classNames, testId, metric]);
  return (
    <div className="small-multiples" data-testid={`${testId}-multiples`}>
      <div className="small-multiples-title">{title}</div>
      {classNames.map((name, c) => (
        <LaneCurves
          key={name}
          {...props}
          plotHeight={Math.round(plotHeight / 2)}
          measures={measures[c]}
          showLegend={c < 2}
          title={name}
          xLabel="epoch"
          yLabel={yLabel}
          testId={`${testId}-${c}`}
        />
      ))}
    </div>
  );
}

const classWeightNorm = (run: RunSnapshot, c: number): number | undefined => run.classifierWeightNorm[c];
const classBias = (run: RunSnapshot, c: number): number | undefined => run.classifier.bias[c];

/** ‖w_c‖ per class, one chart per class. */
export function WeightNormMultiples(props: CurvesProps) {
  return <ClassMultiples {...props} title="Classifier weight norm ‖w_c‖, one chart per class" yLabel="‖w_c‖" testId="lab-weight-norm" metric={classWeightNorm} />;
}

/** The classifier's bias b_c per class, one chart per class: for lanes with a linear head (a cosine head has none). */
export function BiasMultiples(props: CurvesProps) {
  return <ClassMultiples {...props} title="Classifier bias b_c, one chart per class" yLabel="b_c" testId="lab-bias" metric={classBias} />;
}

/** The loss weight each class had at the epoch's end (1 before a deferred re-weighting starts). */
export function ClassWeightCurves(props: CurvesProps) {
  return <MetricCurves {...props} metric={classWeights} title="Class weights in force" xLabel="epoch" yLabel="loss weight" testId="lab-class-weight-curves" />;
}

/** Per class, the mean share of the partner in a mixed input or feature. */
export function PartnerShareCurves(props: CurvesProps) {
  return <MetricCurves {...props} metric={partnerShare} title="Mean partner share per class (mixing)" xLabel="epoch" yLabel="partner share" yDomain={[0, 1]} testId="lab-partner-share-curves" />;
}
