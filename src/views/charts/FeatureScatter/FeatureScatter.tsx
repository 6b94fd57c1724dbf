/**
 * A 2-D feature scatter with the linear classifier's decision regions and boundaries behind it
 * (paper Figs 5 and 6). Canvas for the regions and the thousands of points, SVG for text and axes.
 */
import { useEffect, useMemo, useRef } from 'react';
import { scaleLinear } from 'd3';
import { BOUNDARY_LINE, FONT, FONT_FAMILY, INK, MUTED_INK, classColour, tint } from '../../theme.ts';
import { layoutLegend } from '../legendLayout.ts';
import { useContainerWidth, useDevicePixelRatio } from '../useContainerWidth.ts';
import '../../theme.css';
import {
  classDrawLayers,
  decisionBoundarySegments,
  decisionRegionGrid,
  predictAll,
  type Domain,
  type LinearClassifier,
} from './featureSpace.ts';

export interface FeatureScatterProps {
  /** Interleaved 2-D features x0, y0, x1, y1, … */
  features: Float32Array;
  /** True class of each point. */
  labels: Uint8Array;
  classifier: LinearClassifier;
  classNames: readonly string[];
  /** One colour per class; defaults to the theme's palette. */
  colours?: readonly string[];
  /** Axis ranges, shared by the ERM and MFW plots of an epoch (see sharedFeatureDomain). */
  domain: Domain;
  title: string;
  /** Largest side of the square plot area in pixels (default 480), so two rows fit a 720-px-high screen. */
  maxPlotSize?: number;
  /** Overrides the root's data-testid (default 'feature-scatter'). */
  testId?: string;
}

/** Each region cell covers this many device pixels per side: plenty, since boundaries are drawn as exact lines. */
const REGION_CELL_DEVICE_PIXELS = 2;
const REGION_TINT = 0.8;
const MARGIN = { left: 46, right: 12, bottom: 40 };
const TITLE_HEIGHT = 24;
const LEGEND_ROW = 20;

function pointRadius(count: number): number {
  if (count <= 600) return 3.4;
  if (count <= 3000) return 2.7;
  return 2.1;
}

export function FeatureScatter({ features, labels, classifier, classNames, colours, domain, title, maxPlotSize = 480, testId = 'feature-scatter' }: FeatureScatterProps) {
  const [rootRef, width] = useContainerWidth<HTMLElement>(420);
  const dpr = useDevicePixelRatio();
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const numClasses = classifier.weight.length;
  const colourOf = (c: number): string => classColour(c, colours);

  const legend = useMemo(() => {
    const items = [
      ...classNames.slice(0, numClasses).map((name, c) => ({ key: `class-${c}`, label: name, kind: 'class' as const, c })),
      { key: 'correct', label: 'correct', kind: 'correct' as const, c: -1 },
      { key: 'wrong', label: 'misclassified', kind: 'wrong' as const, c: -1 },
    ];
    return layoutLegend(items, (item) => item.label, { width: width - MARGIN.left, fontSize: FONT.legend, symbolWidth: 12, gap: 14, rowHeight: LEGEND_ROW });
  }, [classNames, numClasses, width]);

  const top = TITLE_HEIGHT + legend.rows * LEGEND_ROW + 8;
  const plotWidth = Math.max(60, Math.min(maxPlotSize, width - MARGIN.left - MARGIN.right));
  const plotHeight = plotWidth; // square: the feature space has no preferred direction
  const height = top + plotHeight + MARGIN.bottom;

  const xScale = useMemo(() => scaleLinear().domain(domain.x).range([0, plotWidth]), [domain.x, plotWidth]);
  const yScale = useMemo(() => scaleLinear().domain(domain.y).range([plotHeight, 0]), [domain.y, plotHeight]);
  const predictions = useMemo(() => predictAll(classifier, features), [classifier, features]);
  const pointCount = Math.min(features.length >> 1, labels.length);
  let misclassified = 0;
  for (let i = 0; i < pointCount; i++) if (predictions[i] !== labels[i]) misclassified++;

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    canvas.width = Math.round(plotWidth * dpr);
    canvas.height = Math.round(plotHeight * dpr);
    drawRegions(context, classifier, domain, canvas.width, canvas.height, colours);
    context.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawBoundaries(context, classifier, domain, xScale, yScale);
    drawPoints(context, features, labels, predictions, numClasses, xScale, yScale, colours);
  }, [classifier, colours, domain, dpr, features, labels, numClasses, plotHeight, plotWidth, predictions, xScale, yScale]);

  const xTicks = xScale.ticks(Math.max(3, Math.floor(plotWidth / 70)));
  const yTicks = yScale.ticks(Math.max(3, Math.floor(plotHeight / 60)));
  const tickFormat = xScale.tickFormat(8);
  const yTickFormat = yScale.tickFormat(8);

  return (
    <figure
      ref={rootRef}
      className="ip-chart ip-feature-scatter"
      data-testid={testId}
      data-points={pointCount}
      data-misclassified={misclassified}
      style={{ height }}
    >
      <canvas
        ref={canvasRef}
        className="ip-chart-canvas"
        style={{ left: MARGIN.left, top, width: plotWidth, height: plotHeight }}
        aria-hidden="true"
      />
      <svg className="ip-chart-svg" width={width} height={height} role="img" aria-label={`${title}: ${pointCount} points, ${misclassified} misclassified`} fontFamily={FONT_FAMILY}>
        <text x={0} y={16} fontSize={FONT.title} fontWeight={600} fill={INK}>{title}</text>
        <g transform={`translate(${MARGIN.left},${TITLE_HEIGHT + 4})`} fontSize={FONT.legend} fill={INK}>
          {legend.placements.map(({ item, x, y }) => (
            <g key={item.key} transform={`translate(${x},${y})`}>
              {item.kind === 'class' && <circle cx={6} cy={8} r={5} fill={colourOf(item.c)} />}
              {item.kind === 'correct' && <circle cx={6} cy={8} r={4} fill={MUTED_INK} />}
              {item.kind === 'wrong' && <CrossMarker cx={6} cy={8} size={5} colour={MUTED_INK} />}
              <text x={16} y={12.5}>{item.label}</text>
            </g>
          ))}
        </g>
        <g transform={`translate(${MARGIN.left},${top})`} fontSize={FONT.tick} fill={MUTED_INK}>
          <rect width={plotWidth} height={plotHeight} fill="none" stroke={MUTED_INK} strokeWidth={1} />
          {xTicks.map((t) => (
            <g key={`x${t}`} transform={`translate(${xScale(t)},${plotHeight})`}>
              <line y2={5} stroke={MUTED_INK} />
              <text y={18} textAnchor="middle">{tickFormat(t)}</text>
            </g>
          ))}
          {yTicks.map((t) => (
            <g key={`y${t}`} transform={`translate(0,${yScale(t)})`}>
              <line x2={-5} stroke={MUTED_INK} />
              <text x={-8} y={4} textAnchor="end">{yTickFormat(t)}</text>
            </g>
          ))}
          <text x={plotWidth / 2} y={plotHeight + 34} textAnchor="middle" fill={INK} fontSize={FONT.label}>feature 1</text>
          <text transform={`translate(${-36},${plotHeight / 2}) rotate(-90)`} textAnchor="middle" fill={INK} fontSize={FONT.label}>feature 2</text>
          {pointCount === 0 && (
            <text x={plotWidth / 2} y={plotHeight / 2} textAnchor="middle" fill={MUTED_INK} fontSize={FONT.label}>no features yet</text>
          )}
        </g>
      </svg>
    </figure>
  );
}

function CrossMarker({ cx, cy, size, colour }: { cx: number; cy: number; size: number; colour: string }) {
  const d = `M${cx - size},${cy - size}L${cx + size},${cy + size}M${cx - size},${cy + size}L${cx + size},${cy - size}`;
  return (
    <g>
      <path d={d} stroke={BOUNDARY_LINE} strokeWidth={4} strokeLinecap="round" />
      <path d={d} stroke={colour} strokeWidth={2} strokeLinecap="round" />
    </g>
  );
}

type Scale = (value: number) => number;

/** Pale class tints per region cell, drawn to a small image and scaled up without smoothing. */
function drawRegions(
  context: CanvasRenderingContext2D,
  classifier: LinearClassifier,
  domain: Domain,
  deviceWidth: number,
  deviceHeight: number,
  colours: readonly string[] | undefined,
): void {
  context.setTransform(1, 0, 0, 1, 0, 0);
  context.clearRect(0, 0, deviceWidth, deviceHeight);
  const cols = Math.max(1, Math.ceil(deviceWidth / REGION_CELL_DEVICE_PIXELS));
  const rows = Math.max(1, Math.ceil(deviceHeight / REGION_CELL_DEVICE_PIXELS));
  const grid = decisionRegionGrid(classifier, domain, cols, rows);
  const tints = classifier.weight.map((_, c) => tint(classColour(c, colours), REGION_TINT));
  const image = new ImageData(cols, rows);
  for (let i = 0; i < grid.length; i++) {
    const [r, g, b] = tints[grid[i]];
    image.data[4 * i] = r;
    image.data[4 * i + 1] = g;
    image.data[4 * i + 2] = b;
    image.data[4 * i + 3] = 255;
  }
  const small = document.createElement('canvas');
  small.width = cols;
  small.height = rows;
  small.getContext('2d')?.putImageData(image, 0, 0);
  context.imageSmoothingEnabled = false;
  context.drawImage(small, 0, 0, cols * REGION_CELL_DEVICE_PIXELS, rows * REGION_CELL_DEVICE_PIXELS);
}

function drawBoundaries(context: CanvasRenderingContext2D, classifier: LinearClassifier, domain: Domain, x: Scale, y: Scale): void {
  context.strokeStyle = BOUNDARY_LINE;
  context.lineWidth = 1.5;
  context.globalAlpha = 0.85;
  context.beginPath();
  for (const segment of decisionBoundarySegments(classifier, domain)) {
    context.moveTo(x(segment.from[0]), y(segment.from[1]));
    context.lineTo(x(segment.to[0]), y(segment.to[1]));
  }
  context.stroke();
  context.globalAlpha = 1;
}

/** Rounds in which an equal-size layer is drawn, so its classes interleave rather than stack. */
const INTERLEAVE_ROUNDS = 8;

interface PointStyle {
  radius: number;
  x: Scale;
  y: Scale;
  colours: readonly string[] | undefined;
}

/**
 * Correct points as filled circles, misclassified ones as crosses with a dark outline. Classes with
 * fewer points are drawn last so the minor classes are never buried under the major ones; classes
 * of equal size (a balanced test set) are interleaved in rounds so none covers the others.
 */
function drawPoints(
  context: CanvasRenderingContext2D,
  features: Float32Array,
  labels: Uint8Array,
  predictions: Uint8Array,
  numClasses: number,
  x: Scale,
  y: Scale,
  colours: readonly string[] | undefined,
): void {
  const count = Math.min(features.length >> 1, labels.length);
  const style: PointStyle = { radius: pointRadius(count), x, y, colours };
  for (const layer of classDrawLayers(labels.subarray(0, count), numClasses)) {
    const rounds = layer.length > 1 ? INTERLEAVE_ROUNDS : 1;
    for (let round = 0; round < rounds; round++) {
      for (const c of layer) {
        const points: number[] = [];
        for (let i = round; i < count; i += rounds) if (labels[i] === c) points.push(i);
        drawClassPoints(context, features, predictions, c, points, style);
      }
    }
  }
}

/** The given points of class c, as one batch of circles and one of crosses. */
function drawClassPoints(
  context: CanvasRenderingContext2D,
  features: Float32Array,
  predictions: Uint8Array,
  c: number,
  points: readonly number[],
  { radius, x, y, colours }: PointStyle,
): void {
  const arm = radius + 1;
  const circles = new Path2D();
  const crosses = new Path2D();
  for (const i of points) {
    const px = x(features[2 * i]);
    const py = y(features[2 * i + 1]);
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    if (predictions[i] === c) {
      circles.moveTo(px + radius, py);
      circles.arc(px, py, radius, 0, 2 * Math.PI);
    } else {
      crosses.moveTo(px - arm, py - arm);
      crosses.lineTo(px + arm, py + arm);
      crosses.moveTo(px - arm, py + arm);
      crosses.lineTo(px + arm, py - arm);
    }
  }
  const colour = classColour(c, colours);
  context.globalAlpha = 0.85;
  context.fillStyle = colour;
  context.fill(circles);
  context.lineCap = 'round';
  // The dark outline separates a cross from same-coloured circles and from its region tint.
  context.globalAlpha = 0.8;
  context.strokeStyle = BOUNDARY_LINE;
  context.lineWidth = 3.4;
  context.stroke(crosses);
  context.globalAlpha = 1;
  context.strokeStyle = colour;
  context.lineWidth = 1.8;
  context.stroke(crosses);
}
