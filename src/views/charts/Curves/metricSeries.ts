/**
 * Turns the per-epoch history into line series: one per (class, lane), colour and marker shape =
 * class, dash = lane, so every lane's line of a class sits on one chart.
 */
import type { EpochSnapshot, RunSnapshot } from '../../../core/snapshot.ts';
import { classColour, classShape, type LaneStyle } from '../../theme.ts';
import type { LegendEntry, LineSeries } from '../LineChart/LineChart.tsx';

export type PerClassMetric = (run: RunSnapshot) => readonly number[];

export function metricSeries(
  history: readonly EpochSnapshot[],
  metric: PerClassMetric,
  classNames: readonly string[],
  lanes: readonly LaneStyle[],
  options: { colours?: readonly string[]; scale?: number } = {},
): LineSeries[] {
  const { colours, scale = 1 } = options;
  const series: LineSeries[] = [];
  classNames.forEach((name, c) => {
    for (const lane of lanes) {
      series.push({
        key: `${lane.id}-${c}`,
        label: `${name} · ${lane.label}`,
        colour: classColour(c, colours),
        dash: lane.dash,
        shape: classShape(c),
        points: history.map((snapshot) => {
          const run = snapshot.runs[lane.id] as RunSnapshot | undefined;
          const value = run ? metric(run)[c] : undefined;
          return { x: snapshot.epoch, y: value === undefined ? Number.NaN : value * scale };
        }),
      });
    }
  });
  return series;
}

/** Class swatches (colour and marker), then the lanes' line styles. */
export function metricLegend(classNames: readonly string[], lanes: readonly LaneStyle[], colours?: readonly string[]): LegendEntry[] {
  return [
    ...classNames.map((label, c) => ({ label, colour: classColour(c, colours), shape: classShape(c) })),
    ...lanes.map((lane) => ({ label: lane.label, dash: lane.dash })),
  ];
}
