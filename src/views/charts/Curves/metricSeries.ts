/**
 * Turns the per-epoch history into line series: one per (class, method), colour and marker shape =
 * class, dash = method, so ERM and MFW of the same class sit on one chart.
 */
import { METHODS, type EpochSnapshot, type Method, type RunSnapshot } from '../../../core/snapshot.ts';
import { METHOD_DASH, METHOD_LABEL, classColour, classShape } from '../../theme.ts';
import type { LegendEntry, LineSeries } from '../LineChart/LineChart.tsx';

export type PerClassMetric = (run: RunSnapshot) => readonly number[];

export function metricSeries(
  history: readonly EpochSnapshot[],
  metric: PerClassMetric,
  classNames: readonly string[],
  options: { colours?: readonly string[]; scale?: number; methods?: readonly Method[] } = {},
): LineSeries[] {
  const { colours, scale = 1, methods = METHODS } = options;
  const series: LineSeries[] = [];
  classNames.forEach((name, c) => {
    for (const method of methods) {
      series.push({
        key: `${method}-${c}`,
        label: `${name} · ${METHOD_LABEL[method]}`,
        colour: classColour(c, colours),
        dash: METHOD_DASH[method],
        shape: classShape(c),
        points: history.map((snapshot) => {
          const value = metric(snapshot.runs[method])[c];
          return { x: snapshot.epoch, y: value === undefined ? Number.NaN : value * scale };
        }),
      });
    }
  });
  return series;
}

/** Class swatches (colour and marker), then the two line styles. */
export function metricLegend(classNames: readonly string[], colours?: readonly string[], methods: readonly Method[] = METHODS): LegendEntry[] {
  return [
    ...classNames.map((label, c) => ({ label, colour: classColour(c, colours), shape: classShape(c) })),
    ...methods.map((method) => ({ label: METHOD_LABEL[method], dash: METHOD_DASH[method] })),
  ];
}
