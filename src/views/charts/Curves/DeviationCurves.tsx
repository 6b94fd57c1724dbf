import type { RunSnapshot } from '../../../core/snapshot.ts';
import { MetricCurves, type CurvesProps } from './MetricCurves.tsx';

const deviation = (run: RunSnapshot): number[] => run.featureDeviation;

/** dis(c): distance between the class's mean normalised training and test features (§5.4, Fig. 7). */
export function DeviationCurves(props: CurvesProps) {
  return (
    <MetricCurves
      {...props}
      metric={deviation}
      title="Feature deviation dis(c), train vs test"
      xLabel="epoch"
      yLabel="dis(c)"
      testId="deviation-curves"
    />
  );
}
