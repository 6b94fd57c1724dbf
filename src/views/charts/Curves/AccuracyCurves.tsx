import type { RunSnapshot } from '../../../core/snapshot.ts';
import { MetricCurves, type CurvesProps } from './MetricCurves.tsx';

const trainAccuracy = (run: RunSnapshot): number[] => run.trainAccuracy;
const testAccuracy = (run: RunSnapshot): number[] => run.testAccuracy;
const percent = (value: number): string => `${value.toFixed(0)}`;

/** Per-class accuracy along the epochs (paper Figs 1a and 3): train shows the progress, test the result. */
export function AccuracyCurves({ split, ...props }: CurvesProps & { split: 'train' | 'test' }) {
  return (
    <MetricCurves
      {...props}
      metric={split === 'train' ? trainAccuracy : testAccuracy}
      scale={100}
      title={split === 'train' ? 'Training accuracy per class' : 'Test accuracy per class (balanced test set)'}
      xLabel="epoch"
      yLabel="accuracy (%)"
      yDomain={[0, 100]}
      yFormat={percent}
      testId={`accuracy-curves-${split}`}
    />
  );
}
