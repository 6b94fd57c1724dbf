import type { RunSnapshot } from '../../../core/snapshot.ts';
import { MetricCurves, type CurvesProps } from './MetricCurves.tsx';

const gradientNorm = (run: RunSnapshot): number[] => run.featureGradientNorm;

/** Mean ‖∇_{g(x)} ℓ‖ per class at the mixing point (paper Fig. 4). */
export function GradientNormCurves(props: CurvesProps) {
  return (
    <MetricCurves
      {...props}
      metric={gradientNorm}
      title="Feature-gradient norm per class"
      xLabel="epoch"
      yLabel="mean ‖∇g(x) loss‖"
      testId="gradient-norm-curves"
    />
  );
}
