/**
 * Turns the per-epoch history into line series: one per (class, lane), colour and marker shape =
 * class, dash = lane, so every lane's line of a class sits on one chart.
 */
import type { EpochSnapshot, RunSnapshot } from '../../../core/snapshot.ts';
import { INK, classColour, classShape, type LaneStyle, type MarkerShape } from '../../theme.ts';
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

/** One number per lane and epoch; null or NaN where the lane does not measure it. */
export type LaneMetric = (run: RunSnapshot) => number | null;

/** One measure of a chart that draws one line per lane: its key, its name, and a marker and width telling it from the chart's other measures. */
export interface LaneMeasure {
  key: string;
  /** Shown after the lane's label in the read-out, e.g. "balanced"; empty for a chart of one measure. */
  label: string;
  metric: LaneMetric;
  shape?: MarkerShape;
  width?: number;
}

/**
 * One line per (measure, lane) in the lane's own colour and dash: for measures that are comparable
 * across methods (balanced accuracy, the gradient ratio, the clean loss), so lanes sit on one chart.
 * A lane without a value at an epoch (missing, null, NaN) leaves a gap.
 */
export function laneSeries(history: readonly EpochSnapshot[], lanes: readonly LaneStyle[], measures: readonly LaneMeasure[], scale = 1): LineSeries[] {
  return measures.flatMap((measure) =>
    lanes.map((lane) => ({
      key: `${lane.id}-${measure.key}`,
      label: measure.label ? `${lane.label} · ${measure.label}` : lane.label,
      colour: lane.colour,
      dash: lane.dash,
      shape: measure.shape,
      width: measure.width,
      points: history.map((snapshot) => {
        const run = snapshot.runs[lane.id] as RunSnapshot | undefined;
        const value = run ? measure.metric(run) : null;
        return { x: snapshot.epoch, y: value === null || value === undefined ? Number.NaN : value * scale };
      }),
    })),
  );
}

/** The lanes' line styles (an ink lane keeps the thin neutral swatch), then, for several measures, each measure's marker and width. */
export function laneLegend(lanes: readonly LaneStyle[], measures: readonly LaneMeasure[] = []): LegendEntry[] {
  return [
    ...lanes.map((lane) => ({ label: lane.label, colour: lane.colour === INK ? undefined : lane.colour, dash: lane.dash })),
    ...(measures.length > 1 ? measures.map((m) => ({ label: m.label, shape: m.shape, width: m.width })) : []),
  ];
}
