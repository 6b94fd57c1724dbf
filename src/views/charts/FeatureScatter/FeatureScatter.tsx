/**
 * A 2-D feature scatter with the linear classifier's decision regions and boundaries behind it
 * (paper Figs 5 and 6). Canvas for the regions and the thousands of points (a vector layer stands
 * in for it in SVG exports), SVG for text and axes. Hovering a point, or focusing the plot and moving
 * with the arrow keys, shows the point's class, prediction and CIFAR image.
 */
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type FocusEvent, type KeyboardEvent, type PointerEvent } from 'react';
import { Delaunay, scaleLinear } from 'd3';
import { IMAGE_BYTES, IMAGE_SIZE } from '../../../data/types.ts';
import { FONT_FAMILY, INK, MUTED_INK, classColour, classShape, useChartSizes } from '../../theme.ts';
import { setVectorLayer } from '../export.ts';
import { estimateTextWidth, fittedFontSize, layoutLegend } from '../legendLayout.ts';
import { ClassSwatch, MarkerSymbol } from '../MarkerSymbol.tsx';
import { useContainerWidth, useDevicePixelRatio } from '../useContainerWidth.ts';
import '../../theme.css';
import { nextPointInDirection, predictAll, type Direction, type Domain, type LinearClassifier } from './featureSpace.ts';
import { drawScene, pointRadius, sceneToSvg, scatterScene } from './scatterScene.ts';

export interface FeatureScatterProps {
  /** Interleaved 2-D features x0, y0, x1, y1, … */
  features: Float32Array;
  /** True class of each point. */
  labels: Uint8Array;
  classifier: LinearClassifier;
  classNames: readonly string[];
  /** One colour per class; defaults to the theme's palette. */
  colours?: readonly string[];
  /** Axis ranges, shared by the ERM and MFW plots (see sharedFeatureDomain, epochsFeatureDomain). */
  domain: Domain;
  title: string;
  /** Largest side of the square plot area in pixels (default 480), so a pair of plots fits the screen's height. */
  maxPlotSize?: number;
  /** The CIFAR images behind the points, in point order (NHWC uint8); null or absent when not available. */
  images?: Uint8Array | null;
  /** What a point is, for the read-out, e.g. "test image". */
  pointNoun?: string;
  /** Overrides the root's data-testid (default 'feature-scatter'). */
  testId?: string;
  /**
   * A point picked in another plot of the same points (another lane's scatter of the same split):
   * ringed here too, so one image can be followed across methods. Null or absent for none.
   */
  linkedIndex?: number | null;
  /** Told the index of the point picked here (hover or keyboard), and null when the pick ends. */
  onActiveChange?: (index: number | null) => void;
  /** The other lanes' predictions of the same points: the read-out says where the picked image lands under each method. */
  otherLanes?: readonly OtherLane[];
}

export interface OtherLane {
  label: string;
  /** Predicted class per point, in point order. */
  predictions: Uint8Array;
}

/** A pointer this close (in pixels) to a point picks it. */
const PICK_DISTANCE = 12;
const ARROW_KEYS: Record<string, Direction> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };
/** The 32×32 image is shown three times larger (more in presentation mode). */
const THUMBNAIL_SCALE = 3;

/**
 * The x ticks with room between their labels (their estimated width and a gap): d3 takes the count
 * only as a hint, and large type on a narrow small multiple would run "−300−200−100" together, so
 * every other tick goes until they fit.
 */
export function spacedTicks(ticks: number[], format: (t: number) => string, length: number, fontSize: number): number[] {
  const width = (list: number[]) => list.reduce((sum, t) => sum + estimateTextWidth(format(t), fontSize) + 12, 0);
  let shown = ticks;
  while (shown.length > 2 && width(shown) > length) shown = shown.filter((_, i) => i % 2 === 0);
  return shown;
}

const formatCoordinate = (value: number): string => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3));

export function FeatureScatter({
  features,
  labels,
  classifier,
  classNames,
  colours,
  domain,
  title,
  maxPlotSize = 480,
  images = null,
  pointNoun = 'image',
  testId = 'feature-scatter',
  linkedIndex = null,
  otherLanes = [],
  onActiveChange,
}: FeatureScatterProps) {
  const [rootRef, width] = useContainerWidth<HTMLElement>(420);
  const dpr = useDevicePixelRatio();
  const sizes = useChartSizes();
  const clipId = useId().replace(/:/g, '');
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const [active, setActive] = useState<{ index: number; by: 'pointer' | 'keyboard' } | null>(null);
  const numClasses = classifier.weight.length;

  // Room for the widest y tick label (e.g. "−1,500": about 0.6 em a character) beside the axis title.
  const widestYTick = useMemo(() => {
    const probe = scaleLinear().domain(domain.y);
    const format = probe.tickFormat(8);
    return Math.max(...probe.ticks(8).map((t) => format(t).length), 3);
  }, [domain.y]);
  const margin = { left: Math.round(sizes.tick * 0.62 * widestYTick + sizes.label + 18), right: 12, bottom: sizes.tick + sizes.label + 20 };
  // A long title on a narrow chart shrinks (to the label size at least) rather than run into its neighbour.
  const titleSize = fittedFontSize(title, width, sizes.title, sizes.label);
  const titleHeight = titleSize + 9;
  const legendRow = sizes.legend + 7;
  const legend = useMemo(() => {
    const items = [
      ...classNames.slice(0, numClasses).map((name, c) => ({ key: `class-${c}`, label: name, kind: 'class' as const, c })),
      { key: 'correct', label: 'correct', kind: 'correct' as const, c: -1 },
      { key: 'wrong', label: 'misclassified', kind: 'wrong' as const, c: -1 },
    ];
    return layoutLegend(items, (item) => item.label, { width: width - margin.left, fontSize: sizes.legend, symbolWidth: 14, gap: 14, rowHeight: legendRow });
  }, [classNames, numClasses, width, margin.left, sizes.legend, legendRow]);

  const top = titleHeight + legend.rows * legendRow + 8;
  const plotWidth = Math.max(60, Math.min(maxPlotSize, width - margin.left - margin.right));
  const plotHeight = plotWidth; // square: the feature space has no preferred direction
  const height = top + plotHeight + margin.bottom;

  const xScale = useMemo(() => scaleLinear().domain(domain.x).range([0, plotWidth]), [domain.x, plotWidth]);
  const yScale = useMemo(() => scaleLinear().domain(domain.y).range([plotHeight, 0]), [domain.y, plotHeight]);
  const predictions = useMemo(() => predictAll(classifier, features), [classifier, features]);
  const pointCount = Math.min(features.length >> 1, labels.length);
  let misclassified = 0;
  for (let i = 0; i < pointCount; i++) if (predictions[i] !== labels[i]) misclassified++;

  const radius = pointRadius(pointCount) * sizes.marker;
  const scene = useMemo(
    () => scatterScene({ features, labels, predictions, classifier, domain, x: xScale, y: yScale, width: plotWidth, height: plotHeight, radius, colours }),
    [features, labels, predictions, classifier, domain, xScale, yScale, plotWidth, plotHeight, radius, colours],
  );

  useEffect(() => {
    const canvas = canvasRef.current;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    canvas.width = Math.round(plotWidth * dpr);
    canvas.height = Math.round(plotHeight * dpr);
    context.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawScene(context, scene);
    setVectorLayer(canvas, () => sceneToSvg(scene, `${clipId}-export`));
    return () => setVectorLayer(canvas, null);
  }, [scene, dpr, plotWidth, plotHeight, clipId]);

  // Screen positions of the points, and a Delaunay triangulation of the finite ones for picking.
  const positions = useMemo(() => {
    const xs = new Float64Array(pointCount);
    const ys = new Float64Array(pointCount);
    const finite: number[] = [];
    for (let i = 0; i < pointCount; i++) {
      xs[i] = xScale(features[2 * i]);
      ys[i] = yScale(features[2 * i + 1]);
      if (Number.isFinite(xs[i]) && Number.isFinite(ys[i])) finite.push(i);
    }
    const delaunay = Delaunay.from(finite, (i) => xs[i], (i) => ys[i]);
    return { xs, ys, finite, delaunay };
  }, [features, pointCount, xScale, yScale]);

  // A new epoch or split may have fewer points: forget a pick that no longer exists.
  const shown = active && active.index < pointCount && Number.isFinite(positions.xs[active.index]) ? active : null;
  const shownIndex = shown?.index ?? null;
  useEffect(() => onActiveChange?.(shownIndex), [shownIndex, onActiveChange]);
  // The other plot's pick, unless this plot has its own.
  const linked =
    shown === null && linkedIndex !== null && linkedIndex < pointCount && Number.isFinite(positions.xs[linkedIndex]) && Number.isFinite(positions.ys[linkedIndex]) ? linkedIndex : null;

  const nearestToCentre = (): number | null => {
    if (positions.finite.length === 0) return null;
    return positions.finite[positions.delaunay.find(plotWidth / 2, plotHeight / 2)] ?? null;
  };

  const pick = (event: PointerEvent<HTMLElement>): void => {
    const bounds = canvasRef.current?.getBoundingClientRect();
    if (!bounds || positions.finite.length === 0) return;
    const px = event.clientX - bounds.left;
    const py = event.clientY - bounds.top;
    const nearest = positions.finite[positions.delaunay.find(px, py)];
    const close = nearest !== undefined && Math.hypot(positions.xs[nearest] - px, positions.ys[nearest] - py) <= PICK_DISTANCE;
    if (close) setActive({ index: nearest, by: 'pointer' });
    else if (shown?.by === 'pointer') setActive(null);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>): void => {
    if (event.key === 'Escape') {
      setActive(null);
      return;
    }
    const direction = ARROW_KEYS[event.key];
    if (!direction || positions.finite.length === 0) return;
    // The arrows move between points here, not the epoch scrubber.
    event.preventDefault();
    event.stopPropagation();
    const from = shown?.index ?? null;
    const next = from === null ? nearestToCentre() : nextPointInDirection(positions.xs, positions.ys, from, direction);
    if (next !== null) setActive({ index: next, by: 'keyboard' });
  };

  /** Keyboard focus starts at the point nearest the centre, so the read-out appears at once. */
  const onFocus = (event: FocusEvent<HTMLElement>): void => {
    if (event.target !== event.currentTarget || shown) return;
    const index = nearestToCentre();
    if (index !== null) setActive({ index, by: 'keyboard' });
  };

  const tickFormat = xScale.tickFormat(8);
  const xTicks = spacedTicks(xScale.ticks(Math.max(3, Math.floor(plotWidth / 70))), tickFormat, plotWidth, sizes.tick);
  const yTicks = yScale.ticks(Math.max(3, Math.floor(plotHeight / 60)));
  const yTickFormat = yScale.tickFormat(8);

  return (
    <figure
      ref={rootRef}
      className="ip-chart ip-feature-scatter"
      data-testid={testId}
      data-points={pointCount}
      data-misclassified={misclassified}
      data-domain={[...domain.x, ...domain.y].map((v) => v.toPrecision(6)).join(',')}
      style={{ height }}
      tabIndex={0}
      aria-label={`${title}: ${pointCount} points, ${misclassified} misclassified. Arrow keys move between points and read them out.`}
      onPointerMove={pick}
      onPointerLeave={() => shown?.by === 'pointer' && setActive(null)}
      onKeyDown={onKeyDown}
      onFocus={onFocus}
      onBlur={() => shown?.by === 'keyboard' && setActive(null)}
    >
      <canvas ref={canvasRef} className="ip-chart-canvas" style={{ left: margin.left, top, width: plotWidth, height: plotHeight }} aria-hidden="true" />
      <svg className="ip-chart-svg" width={width} height={height} aria-hidden="true" fontFamily={FONT_FAMILY}>
        <text x={0} y={titleSize + 1} fontSize={titleSize} fontWeight={600} fill={INK}>{title}</text>
        <g transform={`translate(${margin.left},${titleHeight + 4})`} fontSize={sizes.legend} fill={INK}>
          {legend.placements.map(({ item, x, y }) => (
            <g key={item.key} transform={`translate(${x},${y})`}>
              {item.kind === 'class' && <MarkerSymbol shape={classShape(item.c)} colour={classColour(item.c, colours)} x={7} y={legendRow / 2 - 1} r={5} />}
              {item.kind === 'correct' && <MarkerSymbol shape="circle" colour={MUTED_INK} x={7} y={legendRow / 2 - 1} r={4.5} />}
              {item.kind === 'wrong' && <MarkerSymbol shape="circle" colour={MUTED_INK} x={7} y={legendRow / 2 - 1} r={4.5} hollow />}
              <text x={18} y={legendRow / 2 - 1} dy="0.35em">{item.label}</text>
            </g>
          ))}
        </g>
        <g transform={`translate(${margin.left},${top})`} fontSize={sizes.tick} fill={MUTED_INK}>
          <rect width={plotWidth} height={plotHeight} fill="none" stroke={MUTED_INK} strokeWidth={1} />
          {xTicks.map((t) => (
            <g key={`x${t}`} transform={`translate(${xScale(t)},${plotHeight})`}>
              <line y2={5} stroke={MUTED_INK} />
              <text y={sizes.tick + 6} textAnchor="middle">{tickFormat(t)}</text>
            </g>
          ))}
          {yTicks.map((t) => (
            <g key={`y${t}`} transform={`translate(0,${yScale(t)})`}>
              <line x2={-5} stroke={MUTED_INK} />
              <text x={-8} dy="0.35em" textAnchor="end">{yTickFormat(t)}</text>
            </g>
          ))}
          <text x={plotWidth / 2} y={plotHeight + sizes.tick + sizes.label + 12} textAnchor="middle" fill={INK} fontSize={sizes.label}>feature 1</text>
          <text transform={`translate(${-(margin.left - sizes.label)},${plotHeight / 2}) rotate(-90)`} textAnchor="middle" fill={INK} fontSize={sizes.label}>feature 2</text>
          {pointCount === 0 && (
            <text x={plotWidth / 2} y={plotHeight / 2} textAnchor="middle" fill={MUTED_INK} fontSize={sizes.label}>no features yet</text>
          )}
          {linked !== null && (
            <circle
              data-export-ignore=""
              data-testid={`${testId}-linked`}
              data-index={linked}
              cx={positions.xs[linked]}
              cy={positions.ys[linked]}
              r={radius + 6}
              fill="none"
              stroke={INK}
              strokeWidth={2}
              strokeDasharray="4 2"
            />
          )}
          {shown && (
            <circle
              data-export-ignore=""
              data-testid={`${testId}-highlight`}
              data-index={shown.index}
              cx={positions.xs[shown.index]}
              cy={positions.ys[shown.index]}
              r={radius + 6}
              fill="none"
              stroke={INK}
              strokeWidth={2}
            />
          )}
        </g>
      </svg>
      {shown && (
        <PointReadout
          testId={`${testId}-tooltip`}
          index={shown.index}
          label={labels[shown.index]}
          prediction={predictions[shown.index]}
          feature={[features[2 * shown.index], features[2 * shown.index + 1]]}
          classNames={classNames}
          colours={colours}
          images={images && images.length === pointCount * IMAGE_BYTES ? images : null}
          pointNoun={pointNoun}
          imageSize={Math.round(IMAGE_SIZE * THUMBNAIL_SCALE * sizes.marker)}
          position={{ x: margin.left + positions.xs[shown.index], y: top + positions.ys[shown.index], above: positions.ys[shown.index] > plotHeight / 2 }}
          chart={{ width, height, gap: radius + 10 }}
          others={otherLanes.map(({ label, predictions: theirs }) => ({ label, prediction: theirs[shown.index] }))}
        />
      )}
    </figure>
  );
}

interface PointReadoutProps {
  testId: string;
  index: number;
  label: number;
  prediction: number;
  feature: [number, number];
  classNames: readonly string[];
  colours?: readonly string[];
  images: Uint8Array | null;
  pointNoun: string;
  /** Displayed side of the CIFAR image in pixels. */
  imageSize: number;
  /** The point in chart pixels, and whether the read-out goes above it (points in the lower half). */
  position: { x: number; y: number; above: boolean };
  /** The chart's size, and the space to keep between the point and the read-out. */
  chart: { width: number; height: number; gap: number };
  /** The same image's prediction under each other method. */
  others: readonly { label: string; prediction: number }[];
}

/** The picked point: its CIFAR image, true class, prediction and feature, announced to screen readers. */
function PointReadout({ testId, index, label, prediction, feature, classNames, colours, images, pointNoun, imageSize, position, chart, others }: PointReadoutProps) {
  const imageRef = useRef<HTMLCanvasElement | null>(null);
  const boxRef = useRef<HTMLDivElement | null>(null);
  const [boxWidth, setBoxWidth] = useState(280);
  useLayoutEffect(() => {
    const measured = boxRef.current?.offsetWidth;
    if (measured && measured !== boxWidth) setBoxWidth(measured);
  }, [index, label, prediction, images, boxWidth, others.length]);
  useEffect(() => {
    const context = imageRef.current?.getContext('2d');
    if (!images || !context) return;
    const pixels = context.createImageData(IMAGE_SIZE, IMAGE_SIZE);
    const image = images.subarray(index * IMAGE_BYTES, (index + 1) * IMAGE_BYTES);
    for (let p = 0; p < IMAGE_SIZE * IMAGE_SIZE; p++) {
      pixels.data.set(image.subarray(3 * p, 3 * p + 3), 4 * p);
      pixels.data[4 * p + 3] = 255;
    }
    context.putImageData(pixels, 0, 0);
  }, [images, index]);

  const correct = label === prediction;
  // Centred over or under the point, never covering it, and kept inside the chart.
  const style = {
    left: Math.max(0, Math.min(chart.width - boxWidth, position.x - boxWidth / 2)),
    ...(position.above ? { bottom: chart.height - position.y + chart.gap } : { top: position.y + chart.gap }),
  };
  return (
    <div ref={boxRef} className="ip-tooltip ip-point-readout" data-export-ignore="" data-testid={testId} data-correct={correct} role="status" style={style}>
      {images ? (
        <canvas
          ref={imageRef}
          className="ip-point-image"
          width={IMAGE_SIZE}
          height={IMAGE_SIZE}
          style={{ width: imageSize, height: imageSize }}
          data-testid={`${testId}-image`}
          aria-hidden="true"
        />
      ) : null}
      <div className="ip-point-text">
        <div className="ip-tooltip-title">
          <ClassSwatch shape={classShape(label)} colour={classColour(label, colours)} /> {classNames[label] ?? `class ${label}`}
        </div>
        <div className={correct ? 'ip-point-correct' : 'ip-point-wrong'}>
          {correct ? '✓ predicted correctly' : <>✗ predicted as <ClassSwatch shape={classShape(prediction)} colour={classColour(prediction, colours)} /> {classNames[prediction] ?? `class ${prediction}`}</>}
        </div>
        <div className="ip-point-meta">
          {pointNoun} {index + 1} · f(x) = ({formatCoordinate(feature[0])}, {formatCoordinate(feature[1])})
        </div>
        {images ? null : <div className="ip-point-meta">(image not available)</div>}
        {others.length > 0 ? (
          <ul className="ip-point-others" data-testid={`${testId}-others`}>
            {others.map((other) => (
              <li key={other.label} className={other.prediction === label ? 'ip-point-correct' : 'ip-point-wrong'}>
                {other.label}: {other.prediction === label ? '✓' : <>✗ {classNames[other.prediction] ?? `class ${other.prediction}`}</>}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </div>
  );
}
