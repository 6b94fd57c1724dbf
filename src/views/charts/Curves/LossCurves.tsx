import { useMemo } from 'react';
import { METHODS } from '../../../core/snapshot.ts';
import { INK, METHOD_DASH, METHOD_LABEL } from '../../theme.ts';
import { LineChart, type LegendEntry, type LineSeries } from '../LineChart/LineChart.tsx';
import type { CurvesProps } from './MetricCurves.tsx';

const LEGEND: LegendEntry[] = METHODS.map((method) => ({ label: METHOD_LABEL[method], dash: METHOD_DASH[method] }));

/** Mean training loss per epoch, one line per run (MFW's on mixed features, so not like for like). */
export function LossCurves({ history, selectedEpoch = null, plotHeight }: Pick<CurvesProps, 'history' | 'selectedEpoch' | 'plotHeight'>) {
  const series = useMemo<LineSeries[]>(
    () =>
      METHODS.map((method) => ({
        key: method,
        label: METHOD_LABEL[method],
        colour: INK,
        dash: METHOD_DASH[method],
        points: history.map((snapshot) => ({ x: snapshot.epoch, y: snapshot.runs[method].trainLoss })),
      })),
    [history],
  );
  return (
    <LineChart
      series={series}
      legend={LEGEND}
      title="Training loss (mean over the epoch)"
      xLabel="epoch"
      yLabel="cross-entropy"
      markerX={selectedEpoch}
      plotHeight={plotHeight}
      testId="loss-curves"
    />
  );
}
