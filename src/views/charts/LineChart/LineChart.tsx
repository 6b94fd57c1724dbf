/**
 * A reusable multi-series line chart over epochs (d3 scales and paths, plain SVG): colour = class,
 * dash = method, a small marker (the class's shape) at every data point while there are few (so a
 * single epoch shows and epochs can be counted; hollow on dashed series, filled on solid ones), an
 * optional reference line, optional shaded bands behind the lines (a spread, e.g. over seeds), a
 * vertical marker at the scrubbed epoch and a read-out of every series at the epoch under the
 * pointer — or, with the chart focused, the epoch chosen with ← and →.
 */
import { useMemo, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { area, extent, line, scaleLinear } from 'd3';
import { FONT_FAMILY, GRID_LINE, INK, MUTED_INK, markerPath, useChartSizes, type MarkerShape } from '../../theme.ts';
import { fittedFontSize, layoutLegend } from '../legendLayout.ts';
import { useContainerWidth } from '../useContainerWidth.ts';
import '../../theme.css';

export interface LinePoint {
  x: number;
  y: number;
}

/** A band's extent at one x; non-finite bounds leave a gap. */
export interface LineBand {
  x: number;
  low: number;
  high: number;
}

export interface LineSeries {
  key: string;
  /** Shown in the hover read-out, e.g. "bird · MFW". */
  label: string;
  colour: string;
  /** SVG stroke-dasharray; undefined draws a solid line. */
  dash?: string;
  /** Marker shape at the data points (default circle). */
  shape?: MarkerShape;
  /** Stroke width in pixels (default 2.2): a second cue where one chart draws two measures per lane. */
  width?: number;
  points: readonly LinePoint[];
  /** A shaded band around the line in its colour, its edges in its dash; the read-out gives its range. */
  band?: readonly LineBand[];
}

export interface LegendEntry {
  label: string;
  /** Swatch colour; a neutral ink when absent (for line-style entries). */
  colour?: string;
  dash?: string;
  shape?: MarkerShape;
  /** Swatch stroke width; 4 for a coloured swatch and 2.5 for an ink one when absent. */
  width?: number;
  /** A shaded band behind the swatch, for series drawn with one. */
  band?: boolean;
}

export interface LineChartProps {
  series: readonly LineSeries[];
  title: string;
  xLabel: string;
  yLabel: string;
  /** Fixed y range; otherwise the data's range, from zero when all values are non-negative. */
  yDomain?: [number, number];
  yFormat?: (value: number) => string;
  /** A horizontal reference, e.g. ratio = 1. */
  reference?: { y: number; label: string };
  /** Epoch to mark with a vertical line (the scrubber's position). */
  markerX?: number | null;
  legend?: readonly LegendEntry[];
  /** Plot-area height in pixels. */
  plotHeight?: number;
  testId?: string;
}

/** Point markers on every point up to this many points per series; beyond it only isolated points get one. */
export const MARKERS_UP_TO = 60;
const MARKER_RADIUS = 3.4;
/** Light enough that overlapping bands and every line stay visible. */
const BAND_OPACITY = 0.16;

/** A white outline behind text drawn over lines, so labels stay readable where curves cross them. */
const HALO = { stroke: '#ffffff', strokeWidth: 3, strokeLinejoin: 'round', paintOrder: 'stroke' } as const;

const defaultFormat = (value: number): string => (Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(3)).toString());

/**
 * One path holding every marker of a series: a long run keeps a few elements per chart rather than one
 * per epoch and series (each with its own React fiber), which the page's heap grew by every epoch.
 */
function SeriesMarkers({ points, shape, x, y }: { points: readonly LinePoint[]; shape: MarkerShape; x: (v: number) => number; y: (v: number) => number }) {
  if (points.length === 0) return null;
  return <path data-markers={points.length} d={points.map((p) => markerPath(shape, x(p.x), y(p.y), MARKER_RADIUS)).join('')} />;
}

export function LineChart({
  series,
  title,
  xLabel,
  yLabel,
  yDomain,
  yFormat = defaultFormat,
  reference,
  markerX = null,
  legend = [],
  plotHeight = 220,
  testId = 'line-chart',
}: LineChartProps) {
  const [rootRef, width] = useContainerWidth<HTMLElement>(480);
  const sizes = useChartSizes();
  const [hoverX, setHoverX] = useState<number | null>(null);

  const margin = { left: Math.round(sizes.tick * 2.6 + sizes.label + 14), right: 14, bottom: sizes.tick + sizes.label + 18 };
  // A long title on a narrow chart shrinks (to the label size at least) rather than run into its neighbour.
  const titleSize = fittedFontSize(title, width, sizes.title, sizes.label);
  const titleHeight = titleSize + 9;
  const legendRow = sizes.legend + 7;
  const legendLayout = useMemo(
    () => layoutLegend(legend, (entry) => entry.label, { width: width - margin.left, fontSize: sizes.legend, symbolWidth: 24, gap: 14, rowHeight: legendRow }),
    [legend, width, margin.left, sizes.legend, legendRow],
  );
  const top = titleHeight + legendLayout.rows * legendRow + 10;
  const plotWidth = Math.max(60, width - margin.left - margin.right);
  const height = top + plotHeight + margin.bottom;

  const { xScale, yScale, xs } = useMemo(() => {
    const all = series.flatMap((s) => s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)));
    const bandEnds = series.flatMap((s) => (s.band ?? []).flatMap((b) => [b.low, b.high])).filter(Number.isFinite);
    const [xMin = 0, xMax = 1] = extent(all, (p) => p.x);
    let [yMin = 0, yMax = 1] = yDomain ?? extent([...all.map((p) => p.y), ...bandEnds]);
    if (!yDomain) {
      if (reference) {
        yMin = Math.min(yMin, reference.y);
        yMax = Math.max(yMax, reference.y);
      }
      if (yMin >= 0) yMin = 0;
      if (yMax - yMin < 1e-12) yMax = yMin + 1;
    }
    const x = scaleLinear().domain([xMin, xMax === xMin ? xMin + 1 : xMax]).range([0, plotWidth]);
    const y = scaleLinear().domain([yMin, yMax]).range([plotHeight, 0]);
    if (!yDomain) y.nice(6);
    const distinctX = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
    return { xScale: x, yScale: y, xs: distinctX };
  }, [series, yDomain, reference, plotWidth, plotHeight]);

  const path = line<LinePoint>()
    .defined((p) => Number.isFinite(p.y))
    .x((p) => xScale(p.x))
    .y((p) => yScale(p.y));

  const bandArea = area<LineBand>()
    .defined((b) => Number.isFinite(b.low) && Number.isFinite(b.high))
    .x((b) => xScale(b.x))
    .y0((b) => yScale(b.low))
    .y1((b) => yScale(b.high));

  const finite = (p: LinePoint | undefined): boolean => p !== undefined && Number.isFinite(p.x) && Number.isFinite(p.y);
  const markersOf = (points: readonly LinePoint[]): LinePoint[] => {
    const all = points.length <= MARKERS_UP_TO;
    // A point without finite neighbours draws no line segment: it always gets a marker, or it would be invisible.
    return points.filter((p, i) => finite(p) && (all || (!finite(points[i - 1]) && !finite(points[i + 1]))));
  };

  const xTicks = xScale.ticks(Math.max(2, Math.floor(plotWidth / 70))).filter(Number.isInteger);
  const yTicks = yScale.ticks(Math.max(3, Math.floor(plotHeight / 45)));

  const onPointerMove = (event: PointerEvent<SVGRectElement>): void => {
    if (xs.length === 0) return;
    const bounds = event.currentTarget.getBoundingClientRect();
    const x = xScale.invert(event.clientX - bounds.left);
    let nearest = xs[0];
    for (const candidate of xs) if (Math.abs(candidate - x) < Math.abs(nearest - x)) nearest = candidate;
    setHoverX(nearest);
  };

  // With the chart focused, ← and → step the read-out through the epochs (the scrubber's arrows do not fire here).
  const onKeyDown = (event: KeyboardEvent<HTMLElement>): void => {
    if (event.key === 'Escape') setHoverX(null);
    if ((event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') || xs.length === 0) return;
    event.preventDefault();
    event.stopPropagation();
    const index = hoverX === null ? -1 : xs.indexOf(hoverX);
    const next = index === -1 ? xs.length - 1 : Math.min(xs.length - 1, Math.max(0, index + (event.key === 'ArrowRight' ? 1 : -1)));
    setHoverX(xs[next]);
  };

  const readout = hoverX === null
    ? []
    : series
        .map((s) => ({ s, point: s.points.find((p) => p.x === hoverX), band: s.band?.find((b) => b.x === hoverX && Number.isFinite(b.low) && Number.isFinite(b.high)) }))
        .filter((row): row is { s: LineSeries; point: LinePoint; band: LineBand | undefined } => row.point !== undefined && Number.isFinite(row.point.y));
  const readoutOnRight = hoverX !== null && xScale(hoverX) < plotWidth / 2;

  return (
    <figure
      ref={rootRef}
      className="ip-chart ip-line-chart"
      data-testid={testId}
      data-series={series.length}
      style={{ height }}
      tabIndex={0}
      aria-label={`${title}. Left and right arrow keys read out the values epoch by epoch.`}
      onKeyDown={onKeyDown}
      onBlur={() => setHoverX(null)}
    >
      <svg className="ip-chart-svg" width={width} height={height} role="img" aria-label={title} fontFamily={FONT_FAMILY}>
        <text x={0} y={titleSize + 1} fontSize={titleSize} fontWeight={600} fill={INK}>{title}</text>
        <g transform={`translate(${margin.left},${titleHeight + 4})`} fontSize={sizes.legend} fill={INK}>
          {legendLayout.placements.map(({ item, x, y }) => (
            <g key={`${item.label}-${x}-${y}`} transform={`translate(${x},${y})`}>
              {item.band && <rect x={0} y={legendRow / 2 - 7} width={24} height={12} fill={item.colour ?? INK} fillOpacity={BAND_OPACITY} />}
              <line x1={0} x2={24} y1={legendRow / 2 - 1} y2={legendRow / 2 - 1} stroke={item.colour ?? INK} strokeWidth={item.width ?? (item.colour ? 4 : 2.5)} strokeDasharray={item.dash} />
              {item.shape && <path d={markerPath(item.shape, 12, legendRow / 2 - 1, 4.2)} fill={item.colour ?? INK} stroke="#ffffff" strokeWidth={1} />}
              <text x={28} y={legendRow / 2 - 1} dy="0.35em">{item.label}</text>
            </g>
          ))}
        </g>
        <g transform={`translate(${margin.left},${top})`}>
          <g fontSize={sizes.tick} fill={MUTED_INK}>
            {yTicks.map((t) => (
              <g key={`y${t}`} transform={`translate(0,${yScale(t)})`}>
                <line x2={plotWidth} stroke={GRID_LINE} />
                <text x={-7} dy="0.35em" textAnchor="end">{yFormat(t)}</text>
              </g>
            ))}
            {xTicks.map((t) => (
              <g key={`x${t}`} transform={`translate(${xScale(t)},${plotHeight})`}>
                <line y2={5} stroke={MUTED_INK} />
                <text y={sizes.tick + 6} textAnchor="middle">{t}</text>
              </g>
            ))}
            <line x1={0} x2={plotWidth} y1={plotHeight} y2={plotHeight} stroke={MUTED_INK} />
            <line x1={0} x2={0} y1={0} y2={plotHeight} stroke={MUTED_INK} />
          </g>
          <text x={plotWidth / 2} y={plotHeight + sizes.tick + sizes.label + 12} textAnchor="middle" fontSize={sizes.label} fill={INK}>{xLabel}</text>
          <text transform={`translate(${-(margin.left - sizes.label)},${plotHeight / 2}) rotate(-90)`} textAnchor="middle" fontSize={sizes.label} fill={INK}>{yLabel}</text>
          {reference && (
            <g data-testid={`${testId}-reference`}>
              <line x1={0} x2={plotWidth} y1={yScale(reference.y)} y2={yScale(reference.y)} stroke={INK} strokeWidth={1.2} strokeDasharray="2 3" />
              <text x={6} y={yScale(reference.y) + sizes.tick + 3} fontSize={sizes.tick} fill={INK} {...HALO}>{reference.label}</text>
            </g>
          )}
          {/* Every band behind every line, so no band hides another series' line. */}
          <g data-testid={`${testId}-bands`} strokeWidth={0.8} strokeOpacity={0.5}>
            {series.map((s) =>
              s.band ? <path key={s.key} data-band={s.key} d={bandArea(s.band as LineBand[]) ?? ''} fill={s.colour} fillOpacity={BAND_OPACITY} stroke={s.colour} strokeDasharray={s.dash} /> : null,
            )}
          </g>
          <g fill="none" strokeLinejoin="round" strokeLinecap="round">
            {series.map((s) => (
              <path key={s.key} data-line="" d={path(s.points as LinePoint[]) ?? ''} stroke={s.colour} strokeWidth={s.width ?? 2.2} strokeDasharray={s.dash} />
            ))}
          </g>
          <g data-testid={`${testId}-points`}>
            {series.map((s) => (
              <g key={s.key} data-series-key={s.key} fill={s.dash ? '#ffffff' : s.colour} stroke={s.colour} strokeWidth={1.5} strokeLinejoin="round">
                <SeriesMarkers points={markersOf(s.points)} shape={s.shape ?? 'circle'} x={xScale} y={yScale} />
              </g>
            ))}
          </g>
          {markerX !== null && Number.isFinite(markerX) && (
            <g data-testid={`${testId}-marker`}>
              <line x1={xScale(markerX)} x2={xScale(markerX)} y1={0} y2={plotHeight} stroke={INK} strokeWidth={1.5} />
              <text
                x={xScale(markerX) + (xScale(markerX) < plotWidth / 2 ? 5 : -5)}
                y={sizes.tick + 2}
                textAnchor={xScale(markerX) < plotWidth / 2 ? 'start' : 'end'}
                fontSize={sizes.tick}
                fill={INK}
                {...HALO}
              >
                epoch {markerX}
              </text>
            </g>
          )}
          {hoverX !== null && (
            <line data-export-ignore="" x1={xScale(hoverX)} x2={xScale(hoverX)} y1={0} y2={plotHeight} stroke={MUTED_INK} strokeDasharray="3 3" />
          )}
          <rect
            width={plotWidth}
            height={plotHeight}
            fill="transparent"
            onPointerMove={onPointerMove}
            onPointerLeave={() => setHoverX(null)}
          />
        </g>
      </svg>
      {readout.length > 0 && hoverX !== null && (
        <div
          className="ip-tooltip"
          data-export-ignore=""
          data-testid={`${testId}-tooltip`}
          style={{
            top: top + 4,
            ...(readoutOnRight ? { left: margin.left + xScale(hoverX) + 12 } : { right: width - margin.left - xScale(hoverX) + 12 }),
          }}
        >
          <div className="ip-tooltip-title">epoch {hoverX}</div>
          {readout.map(({ s, point, band }) => (
            <div key={s.key} className="ip-tooltip-row">
              <svg width={24} height={12} aria-hidden="true">
                <line x1={1} x2={23} y1={6} y2={6} stroke={s.colour} strokeWidth={3} strokeDasharray={s.dash ? '5 3' : undefined} />
                <path d={markerPath(s.shape ?? 'circle', 12, 6, 3.6)} fill={s.dash ? '#ffffff' : s.colour} stroke={s.colour} strokeWidth={1.5} />
              </svg>
              <span>{s.label}</span>
              <span className="ip-tooltip-value">
                {yFormat(point.y)}
                {band ? ` (${yFormat(band.low)}–${yFormat(band.high)})` : ''}
              </span>
            </div>
          ))}
        </div>
      )}
    </figure>
  );
}
