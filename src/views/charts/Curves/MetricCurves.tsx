import { useMemo } from 'react';
import type { EpochSnapshot } from '../../../core/snapshot.ts';
import type { LaneStyle } from '../../theme.ts';
import { LineChart, type LineChartProps } from '../LineChart/LineChart.tsx';
import { metricLegend, metricSeries, type PerClassMetric } from './metricSeries.ts';

/** What every ready-made curve chart takes from the app. */
export interface CurvesProps {
  history: readonly EpochSnapshot[];
  classNames: readonly string[];
  /** The lanes to draw, in order, with their labels and line styles. */
  lanes: readonly LaneStyle[];
  /** The scrubbed epoch, marked with a vertical line; null or absent for none. */
  selectedEpoch?: number | null;
  colours?: readonly string[];
  plotHeight?: number;
}

type ChartText = Pick<LineChartProps, 'title' | 'xLabel' | 'yLabel' | 'yDomain' | 'yFormat' | 'reference' | 'testId'>;

/** The shared body of the ready-made curve charts: one per-class metric, one line style per lane (ERM dashed, MFW solid). */
export function MetricCurves({ history, classNames, lanes, selectedEpoch = null, colours, plotHeight, metric, scale, ...chart }: CurvesProps & ChartText & { metric: PerClassMetric; scale?: number }) {
  const series = useMemo(() => metricSeries(history, metric, classNames, lanes, { colours, scale }), [history, metric, classNames, lanes, colours, scale]);
  const legend = useMemo(() => metricLegend(classNames, lanes, colours), [classNames, lanes, colours]);
  return <LineChart {...chart} series={series} legend={legend} markerX={selectedEpoch} plotHeight={plotHeight} />;
}
