/**
 * The report's figures: for each setting of a sweep, one self-contained SVG file with two panels,
 * balanced and minor-class test accuracy over the epochs, one line per lane (the mean over the seeds)
 * with a band of ± 1 sample standard deviation. Hand-written SVG, so Node draws it without a browser;
 * the lanes keep the app's colours and dashes (src/views/palette.ts).
 */
import { ticks } from 'd3';
import { lanesOf, type ExperimentConfig } from '../../src/config/experiment.ts';
import { accuracyBands, type BandPoint, type LaneBands } from '../../src/core/seedBands.ts';
import { FONT_FAMILY, GRID_LINE, INK, MUTED_INK, laneStyles, type LaneStyle } from '../../src/views/palette.ts';
import { groupBySetting, type RunResult } from './report.ts';

/** Where the panels sit in the figure, in SVG pixels (exported for the tests' hand-computed coordinates). */
export const FIGURE = {
  width: 960,
  /** The first panel's plot area starts here; the second one `panelStride` to the right. */
  plotLeft: 64,
  plotWidth: 380,
  panelStride: 480,
  plotHeight: 260,
  /** Above the legend: the title and the line saying what the band is. */
  legendTop: 66,
  legendRow: 22,
} as const;

const PANELS = [
  { key: 'balanced', title: 'Balanced test accuracy' },
  { key: 'minor', title: 'Minor-class test accuracy' },
] as const;

const BAND_OPACITY = 0.16;

const round = (value: number): number => Math.round(value * 100) / 100;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** The top of the plot areas: below the title, the band's note, the legend rows and the panel titles. */
export function plotTop(legendRows: number): number {
  return FIGURE.legendTop + legendRows * FIGURE.legendRow + 34;
}

interface Scales {
  x: (epoch: number) => number;
  /** An accuracy fraction to the panel's y (100 % at the top). */
  y: (fraction: number) => number;
}

/** Runs of consecutive points with a value: a gap (a seed without a finite value) breaks the line and the band. */
function segments(points: readonly BandPoint[]): { epoch: number; mean: number; sd: number | null }[][] {
  const runs: { epoch: number; mean: number; sd: number | null }[][] = [];
  let current: { epoch: number; mean: number; sd: number | null }[] = [];
  for (const point of points) {
    if (point.spread === null) {
      if (current.length) runs.push(current);
      current = [];
    } else current.push({ epoch: point.epoch, ...point.spread });
  }
  if (current.length) runs.push(current);
  return runs;
}

/** SVG path data of the mean line: one `M…L…` per segment. */
export function meanPath(points: readonly BandPoint[], { x, y }: Scales): string {
  return segments(points)
    .map((run) => run.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(x(p.epoch))},${round(y(p.mean))}`).join(''))
    .join('');
}

/** SVG path data of the band, mean ± sd, clipped to 0–100 %: along the upper edge, back along the lower one, per segment; empty without a spread (one seed). */
export function bandPath(points: readonly BandPoint[], { x, y }: Scales): string {
  const clip = (v: number) => Math.min(1, Math.max(0, v));
  return segments(points)
    .filter((run) => run.every((p) => p.sd !== null))
    .map((run) => {
      const upper = run.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(x(p.epoch))},${round(y(clip(p.mean + p.sd!)))}`);
      const lower = [...run].reverse().map((p) => `L${round(x(p.epoch))},${round(y(clip(p.mean - p.sd!)))}`);
      return `${upper.join('')}${lower.join('')}Z`;
    })
    .join('');
}

/** Legend entries laid out in rows that fit the figure's width (text width estimated from its length). */
function legendRows(lanes: readonly LaneStyle[], fontSize: number): { lane: LaneStyle; x: number; row: number }[] {
  const placed: { lane: LaneStyle; x: number; row: number }[] = [];
  let x = 0;
  let row = 0;
  for (const lane of lanes) {
    const width = 40 + lane.label.length * fontSize * 0.62 + 24;
    if (x > 0 && FIGURE.plotLeft + x + width > FIGURE.width) {
      x = 0;
      row++;
    }
    placed.push({ lane, x, row });
    x += width;
  }
  return placed;
}

export interface FigureInput {
  /** Names the setting, e.g. "ratio = 100, imbalance = long-tailed". */
  setting: string;
  seeds: number;
  lanes: readonly LaneStyle[];
  bands: Readonly<Record<string, LaneBands>>;
}

/** The figure of one setting as an SVG document. */
export function accuracyFigureSvg({ setting, seeds, lanes, bands }: FigureInput): string {
  const legend = legendRows(lanes, 13);
  const rows = (legend.at(-1)?.row ?? 0) + 1;
  const top = plotTop(rows);
  const height = top + FIGURE.plotHeight + 52;
  const epochs = [...new Set(lanes.flatMap((lane) => bands[lane.id]?.balanced.map((p) => p.epoch) ?? []))];
  const xMin = Math.min(...epochs);
  const xMax = Math.max(...epochs);
  const span = xMax > xMin ? xMax - xMin : 1;
  const x = (epoch: number) => ((epoch - xMin) / span) * FIGURE.plotWidth;
  const y = (fraction: number) => (1 - fraction) * FIGURE.plotHeight;
  const xTicks = ticks(xMin, xMin + span, 8).filter(Number.isInteger);
  const yTicks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const seedsText = seeds === 1 ? '1 seed' : `${seeds} seeds`;
  const bandText =
    seeds === 1
      ? 'Test accuracy along the epochs of 1 seed: no band (a spread needs two seeds or more).'
      : `Lines: the mean over the ${seeds} seeds; bands: ± 1 sample standard deviation (n − 1) over the seeds.`;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${FIGURE.width}" height="${height}" viewBox="0 0 ${FIGURE.width} ${height}" font-family="${escapeXml(FONT_FAMILY)}">`,
    `<title>${escapeXml(`Test accuracy over the epochs, ${setting}, ${seedsText}`)}</title>`,
    `<rect width="${FIGURE.width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="28" font-size="18" font-weight="600" fill="${INK}">${escapeXml(`${setting} — ${seedsText}`)}</text>`,
    `<text x="16" y="50" font-size="13" fill="${MUTED_INK}">${escapeXml(bandText)}</text>`,
  );
  out.push(`<g transform="translate(${FIGURE.plotLeft},${FIGURE.legendTop})" font-size="13" fill="${INK}">`);
  for (const { lane, x: lx, row } of legend) {
    const ly = row * FIGURE.legendRow + FIGURE.legendRow / 2;
    out.push(
      `<g data-lane="${escapeXml(lane.id)}" transform="translate(${round(lx)},${ly})">`,
      seeds > 1 ? `<rect x="0" y="-7" width="32" height="14" fill="${lane.colour}" fill-opacity="${BAND_OPACITY}"/>` : '',
      `<line x1="0" x2="32" y1="0" y2="0" stroke="${lane.colour}" stroke-width="2.5"${lane.dash ? ` stroke-dasharray="${lane.dash}"` : ''}/>`,
      `<text x="40" y="0" dy="0.35em">${escapeXml(lane.label)}</text>`,
      '</g>',
    );
  }
  out.push('</g>');

  PANELS.forEach((panel, p) => {
    const left = FIGURE.plotLeft + p * FIGURE.panelStride;
    out.push(`<g data-panel="${panel.key}" transform="translate(${left},${top})">`);
    out.push(`<text x="0" y="-12" font-size="14" font-weight="600" fill="${INK}">${escapeXml(panel.title)}</text>`);
    out.push(`<g font-size="12" fill="${MUTED_INK}">`);
    for (const t of yTicks) {
      out.push(
        `<line x1="0" x2="${FIGURE.plotWidth}" y1="${round(y(t))}" y2="${round(y(t))}" stroke="${GRID_LINE}"/>`,
        `<text x="-7" y="${round(y(t))}" dy="0.35em" text-anchor="end">${Math.round(t * 100)}</text>`,
      );
    }
    for (const t of xTicks) {
      out.push(
        `<line x1="${round(x(t))}" x2="${round(x(t))}" y1="${FIGURE.plotHeight}" y2="${FIGURE.plotHeight + 5}" stroke="${MUTED_INK}"/>`,
        `<text x="${round(x(t))}" y="${FIGURE.plotHeight + 19}" text-anchor="middle">${t}</text>`,
      );
    }
    out.push(
      `<line x1="0" x2="${FIGURE.plotWidth}" y1="${FIGURE.plotHeight}" y2="${FIGURE.plotHeight}" stroke="${MUTED_INK}"/>`,
      `<line x1="0" x2="0" y1="0" y2="${FIGURE.plotHeight}" stroke="${MUTED_INK}"/>`,
      '</g>',
      `<text x="${FIGURE.plotWidth / 2}" y="${FIGURE.plotHeight + 40}" text-anchor="middle" font-size="13" fill="${INK}">epoch</text>`,
      `<text transform="translate(-44,${FIGURE.plotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="13" fill="${INK}">test accuracy (%)</text>`,
    );
    const scales = { x, y };
    const drawn = lanes.filter((lane) => bands[lane.id]);
    // Every band first, then every line, so no band hides another lane's line.
    for (const lane of drawn) {
      const band = bandPath(bands[lane.id][panel.key], scales);
      if (band) {
        out.push(
          `<path data-band="${escapeXml(lane.id)}" d="${band}" fill="${lane.colour}" fill-opacity="${BAND_OPACITY}" stroke="${lane.colour}" stroke-opacity="0.5" stroke-width="0.8"${lane.dash ? ` stroke-dasharray="${lane.dash}"` : ''}/>`,
        );
      }
    }
    for (const lane of drawn) {
      const points = bands[lane.id][panel.key];
      out.push(
        `<path data-mean="${escapeXml(lane.id)}" d="${meanPath(points, scales)}" fill="none" stroke="${lane.colour}" stroke-width="2.2" stroke-linejoin="round"${lane.dash ? ` stroke-dasharray="${lane.dash}"` : ''}/>`,
      );
      // A lone epoch draws no line segment: it gets a dot.
      for (const run of segments(points).filter((segment) => segment.length === 1)) {
        out.push(`<circle cx="${round(x(run[0].epoch))}" cy="${round(y(run[0].mean))}" r="3" fill="${lane.colour}"/>`);
      }
    }
    out.push('</g>');
  });
  out.push('</svg>');
  return `${out.filter(Boolean).join('\n')}\n`;
}

/** A file name from the setting's values: `ratio-100_imbalance-long-tailed`, or `accuracy` for a sweep of one setting. */
function figureName(settingKeys: readonly string[], setting: readonly string[]): string {
  if (settingKeys.length === 0) return 'accuracy';
  return settingKeys.map((key, i) => `${key}-${setting[i]}`).join('_').replace(/[^\w.,-]/g, '-');
}

/** How the figure names its setting: the swept values, or for a sweep of one setting the network, epochs and counts. */
function settingTitle(settingKeys: readonly string[], setting: readonly string[], config: ExperimentConfig): string {
  if (settingKeys.length > 0) return settingKeys.map((key, i) => `${key} = ${setting[i]}`).join(', ');
  return `ResNet-${6 * config.blocksPerStage + 2}, ${config.epochs} epochs, training images ${config.trainCounts.join(', ')}`;
}

export interface Figure {
  /** Path relative to the sweep's folder: `figures/NAME.svg`. */
  path: string;
  /** What it shows, for the report's image link. */
  title: string;
  svg: string;
}

/** One figure per setting of the finished runs, in the report's order. */
export function settingFigures(results: readonly RunResult[]): Figure[] {
  const { settingKeys, groups } = groupBySetting(results);
  const used = new Set<string>();
  return groups.map(({ setting, runs }) => {
    const { config } = runs[0];
    const lanes = laneStyles(lanesOf(config));
    const bands = accuracyBands(
      runs.map((run) => run.epochs),
      lanes.map((lane) => lane.id),
      config.trainCounts,
    );
    let name = figureName(settingKeys, setting);
    while (used.has(name)) name += '-';
    used.add(name);
    const title = settingTitle(settingKeys, setting, config);
    return {
      path: `figures/${name}.svg`,
      title: `Test accuracy over the epochs, ${title}, ${runs.length === 1 ? '1 seed' : `${runs.length} seeds`}`,
      svg: accuracyFigureSvg({ setting: title, seeds: runs.length, lanes, bands }),
    };
  });
}
