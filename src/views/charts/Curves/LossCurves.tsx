import { useMemo } from 'react';
import type { RunSnapshot } from '../../../core/snapshot.ts';
import { INK } from '../../theme.ts';
import { LineChart, type LineSeries } from '../LineChart/LineChart.tsx';
import type { CurvesProps } from './MetricCurves.tsx';

/** Mean training loss per epoch, one line per lane (each on its own method's loss, so not like for like). */
export function LossCurves({ history, lanes, selectedEpoch = null, plotHeight }: Pick<CurvesProps, 'history' | 'lanes' | 'selectedEpoch' | 'plotHeight'>) {
  const series = useMemo<LineSeries[]>(
    () =>
      lanes.map((lane) => ({
        key: lane.id,
        label: lane.label,
        colour: lane.colour,
        dash: lane.dash,
        points: history.map((snapshot) => ({ x: snapshot.epoch, y: (snapshot.runs[lane.id] as RunSnapshot | undefined)?.trainLoss ?? Number.NaN })),
      })),
    [history, lanes],
  );
  // An ink line keeps the legend's thin neutral swatch, as ERM and MFW had before the method lab.
  const legend = useMemo(() => lanes.map((lane) => ({ label: lane.label, colour: lane.colour === INK ? undefined : lane.colour, dash: lane.dash })), [lanes]);
  return (
    <LineChart
      series={series}
      legend={legend}
      title="Training loss (mean over the epoch)"
      xLabel="epoch"
      yLabel="cross-entropy"
      markerX={selectedEpoch}
      plotHeight={plotHeight}
      testId="loss-curves"
    />
  );
}
