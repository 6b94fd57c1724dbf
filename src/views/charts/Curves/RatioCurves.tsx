import type { RunSnapshot } from '../../../core/snapshot.ts';
import { MetricCurves, type CurvesProps } from './MetricCurves.tsx';

const ratio = (run: RunSnapshot): number[] => run.classificationRatio;
const REFERENCE = { y: 1, label: '1 = predicted as often as present' };

/** Training images predicted as c ÷ training images of c (paper Fig. 1b): below 1, the class is swallowed by others. */
export function RatioCurves(props: CurvesProps) {
  return (
    <MetricCurves
      {...props}
      metric={ratio}
      title="Classification ratio (training set)"
      xLabel="epoch"
      yLabel="predicted ÷ true count"
      reference={REFERENCE}
      testId="ratio-curves"
    />
  );
}
