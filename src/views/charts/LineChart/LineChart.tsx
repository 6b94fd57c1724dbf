/**
 * A reusable multi-series line chart over epochs (d3 scales and paths, plain SVG): colour = class,
 * dash = method, a small circle at every data point while there are few (so a single epoch shows and
 * epochs can be counted; hollow on dashed series, filled on solid ones), an optional reference line,
 * a vertical marker at the scrubbed epoch and a hover read-out of every series at the nearest epoch.
 */
import { useMemo, useState, type PointerEvent } from 'react';
import { extent, line, scaleLinear } from 'd3';
import { FONT, FONT_FAMILY, GRID_LINE, INK, MUTED_INK } from '../../theme.ts';
import { layoutLegend } from '../legendLayout.ts';
import { useContainerWidth } from '../useContainerWidth.ts';
import '../../theme.css';

export interface LinePoint {
  x: number;
  y: number;
}

export interface LineSeries {
  key: string;
  /** Shown in the hover read-out, e.g. "bird · MFW". */
  label: string;
  colour: string;
  /** SVG stroke-dasharray; undefined draws a solid line. */
  dash?: string;
  points: readonly LinePoint[];
}

export interface LegendEntry {
  label: string;
  /** Swatch colour; a neutral ink when absent (for line-style entries). */
  colour?: string;
  dash?: string;
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

const MARGIN = { left: 54, right: 14, bottom: 42 };
/** Point markers on every point up to this many points per series; beyond it only isolated points get one. */
export const MARKERS_UP_TO = 60;
const MARKER_RADIUS = 3;
const TITLE_HEIGHT = 24;
const LEGEND_ROW = 20;

/** A white outline behind text drawn over lines, so labels stay readable where curves cross them. */
const HALO = { stroke: '#ffffff', strokeWidth: 3, strokeLinejoin: 'round', paintOrder: 'stroke' } as const;

const defaultFormat = (value: number): string => (Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(3)).toString());

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
  const [hoverX, setHoverX] = useState<number | null>(null);

  const legendLayout = useMemo(
    () => layoutLegend(legend, (entry) => entry.label, { width: width - MARGIN.left, fontSize: FONT.legend, symbolWidth: 24, gap: 14, rowHeight: LEGEND_ROW }),
    [legend, width],
  );
  const top = TITLE_HEIGHT + legendLayout.rows * LEGEND_ROW + 10;
  const plotWidth = Math.max(60, width - MARGIN.left - MARGIN.right);
  const height = top + plotHeight + MARGIN.bottom;

  const { xScale, yScale, xs } = useMemo(() => {
    const all = series.flatMap((s) => s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)));
    const [xMin = 0, xMax = 1] = extent(all, (p) => p.x);
    let [yMin = 0, yMax = 1] = yDomain ?? extent(all, (p) => p.y);
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

  const readout = hoverX === null
    ? []
    : series
        .map((s) => ({ s, point: s.points.find((p) => p.x === hoverX) }))
        .filter((row): row is { s: LineSeries; point: LinePoint } => row.point !== undefined && Number.isFinite(row.point.y));
  const readoutOnRight = hoverX !== null && xScale(hoverX) < plotWidth / 2;

  return (
    <figure ref={rootRef} className="ip-chart ip-line-chart" data-testid={testId} data-series={series.length} style={{ height }}>
      <svg className="ip-chart-svg" width={width} height={height} role="img" aria-label={title} fontFamily={FONT_FAMILY}>
        <text x={0} y={16} fontSize={FONT.title} fontWeight={600} fill={INK}>{title}</text>
        <g transform={`translate(${MARGIN.left},${TITLE_HEIGHT + 4})`} fontSize={FONT.legend} fill={INK}>
          {legendLayout.placements.map(({ item, x, y }) => (
            <g key={`${item.label}-${x}-${y}`} transform={`translate(${x},${y})`}>
              <line x1={0} x2={24} y1={8} y2={8} stroke={item.colour ?? INK} strokeWidth={item.colour ? 4 : 2.5} strokeDasharray={item.dash} />
              <text x={28} y={12.5}>{item.label}</text>
            </g>
          ))}
        </g>
        <g transform={`translate(${MARGIN.left},${top})`}>
          <g fontSize={FONT.tick} fill={MUTED_INK}>
            {yTicks.map((t) => (
              <g key={`y${t}`} transform={`translate(0,${yScale(t)})`}>
                <line x2={plotWidth} stroke={GRID_LINE} />
                <text x={-7} y={4} textAnchor="end">{yFormat(t)}</text>
              </g>
            ))}
            {xTicks.map((t) => (
              <g key={`x${t}`} transform={`translate(${xScale(t)},${plotHeight})`}>
                <line y2={5} stroke={MUTED_INK} />
                <text y={18} textAnchor="middle">{t}</text>
              </g>
            ))}
            <line x1={0} x2={plotWidth} y1={plotHeight} y2={plotHeight} stroke={MUTED_INK} />
            <line x1={0} x2={0} y1={0} y2={plotHeight} stroke={MUTED_INK} />
          </g>
          <text x={plotWidth / 2} y={plotHeight + 36} textAnchor="middle" fontSize={FONT.label} fill={INK}>{xLabel}</text>
          <text transform={`translate(${-42},${plotHeight / 2}) rotate(-90)`} textAnchor="middle" fontSize={FONT.label} fill={INK}>{yLabel}</text>
          {reference && (
            <g data-testid={`${testId}-reference`}>
              <line x1={0} x2={plotWidth} y1={yScale(reference.y)} y2={yScale(reference.y)} stroke={INK} strokeWidth={1.2} strokeDasharray="2 3" />
              <text x={6} y={yScale(reference.y) + 15} fontSize={FONT.tick} fill={INK} {...HALO}>{reference.label}</text>
            </g>
          )}
          <g fill="none" strokeLinejoin="round" strokeLinecap="round">
            {series.map((s) => (
              <path key={s.key} d={path(s.points as LinePoint[]) ?? ''} stroke={s.colour} strokeWidth={2.2} strokeDasharray={s.dash} />
            ))}
          </g>
          <g data-testid={`${testId}-points`}>
            {series.map((s) => (
              <g key={s.key} data-series-key={s.key} fill={s.dash ? '#ffffff' : s.colour} stroke={s.colour} strokeWidth={1.5}>
                {markersOf(s.points).map((p, i) => (
                  <circle key={`${p.x}-${i}`} cx={xScale(p.x)} cy={yScale(p.y)} r={MARKER_RADIUS} />
                ))}
              </g>
            ))}
          </g>
          {markerX !== null && Number.isFinite(markerX) && (
            <g data-testid={`${testId}-marker`}>
              <line x1={xScale(markerX)} x2={xScale(markerX)} y1={0} y2={plotHeight} stroke={INK} strokeWidth={1.5} />
              <text
                x={xScale(markerX) + (xScale(markerX) < plotWidth / 2 ? 5 : -5)}
                y={14}
                textAnchor={xScale(markerX) < plotWidth / 2 ? 'start' : 'end'}
                fontSize={FONT.tick}
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
            ...(readoutOnRight ? { left: MARGIN.left + xScale(hoverX) + 12 } : { right: width - MARGIN.left - xScale(hoverX) + 12 }),
          }}
        >
          <div className="ip-tooltip-title">epoch {hoverX}</div>
          {readout.map(({ s, point }) => (
            <div key={s.key} className="ip-tooltip-row">
              <svg width={22} height={10} aria-hidden="true">
                <line x1={1} x2={21} y1={5} y2={5} stroke={s.colour} strokeWidth={3} strokeDasharray={s.dash ? '5 3' : undefined} />
              </svg>
              <span>{s.label}</span>
              <span className="ip-tooltip-value">{yFormat(point.y)}</span>
            </div>
          ))}
        </div>
      )}
    </figure>
  );
}
