/**
 * A seed set's bands (core/seedBands.ts) as line series: per lane, the mean over the seeds as the
 * line and ± 1 sample standard deviation as its band, in percent and clipped to 0–100, in the lane's
 * colour and dash.
 */
import type { LaneBands } from '../../../core/seedBands.ts';
import { INK, type LaneStyle } from '../../palette.ts';
import type { LegendEntry, LineSeries } from '../LineChart/LineChart.tsx';

export type SeedMeasure = keyof LaneBands;

const percent = (fraction: number): number => Math.min(100, Math.max(0, 100 * fraction));

export function seedBandSeries(bands: Readonly<Record<string, LaneBands>>, lanes: readonly LaneStyle[], measure: SeedMeasure): LineSeries[] {
  return lanes.flatMap((lane) => {
    const points = bands[lane.id]?.[measure];
    if (!points) return [];
    return [
      {
        key: `${lane.id}-${measure}`,
        label: lane.label,
        colour: lane.colour,
        dash: lane.dash,
        points: points.map(({ epoch, spread }) => ({ x: epoch, y: spread ? 100 * spread.mean : Number.NaN })),
        band: points.map(({ epoch, spread }) =>
          !spread || spread.sd === null
            ? { x: epoch, low: Number.NaN, high: Number.NaN }
            : { x: epoch, low: percent(spread.mean - spread.sd), high: percent(spread.mean + spread.sd) },
        ),
      },
    ];
  });
}

/** The lanes' line styles with a band swatch (an ink lane keeps the neutral swatch). */
export function seedLegend(lanes: readonly LaneStyle[]): LegendEntry[] {
  return lanes.map((lane) => ({ label: lane.label, colour: lane.colour === INK ? undefined : lane.colour, dash: lane.dash, band: true }));
}
