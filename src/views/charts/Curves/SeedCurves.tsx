import { useMemo } from 'react';
import type { LaneBands } from '../../../core/seedBands.ts';
import type { LaneStyle } from '../../theme.ts';
import { LineChart } from '../LineChart/LineChart.tsx';
import { seedBandSeries, seedLegend, type SeedMeasure } from './seedSeries.ts';

export interface SeedCurvesProps {
  bands: Readonly<Record<string, LaneBands>>;
  lanes: readonly LaneStyle[];
  measure: SeedMeasure;
  /** How many seeds the bands are over, for the title. */
  seeds: number;
  selectedEpoch?: number | null;
  plotHeight?: number;
}

const TITLES: Record<SeedMeasure, string> = { balanced: 'Balanced test accuracy', minor: 'Minor-class test accuracy' };
const percent = (value: number): string => `${value.toFixed(0)}`;

/** One measure of every lane over the seeds: the mean as the line, ± 1 sd as the shaded band. */
export function SeedCurves({ bands, lanes, measure, seeds, selectedEpoch = null, plotHeight }: SeedCurvesProps) {
  const series = useMemo(() => seedBandSeries(bands, lanes, measure), [bands, lanes, measure]);
  const legend = useMemo(() => seedLegend(lanes), [lanes]);
  return (
    <LineChart
      series={series}
      legend={legend}
      title={`${TITLES[measure]}, ${seeds} seeds: mean ± 1 sd`}
      xLabel="epoch"
      yLabel="accuracy (%)"
      yDomain={[0, 100]}
      yFormat={percent}
      markerX={selectedEpoch}
      plotHeight={plotHeight}
      testId={`seed-curves-${measure}`}
    />
  );
}
