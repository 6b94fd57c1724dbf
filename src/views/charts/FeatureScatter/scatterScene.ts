/**
 * What a feature scatter draws, as plain shapes in plot pixels: the decision regions (polygons), the
 * boundaries (segments) and the points (one path per class and correctness, in drawing order). The
 * canvas on screen and the vector layer of SVG exports draw this same scene, so they cannot differ.
 */
import { BOUNDARY_LINE, HOLLOW_MARKER, REGION_TINT, classColour, classShape, markerPath, tint } from '../../theme.ts';
import { classDrawLayers, decisionBoundarySegments, decisionRegionPolygons, type Domain, type LinearClassifier } from './featureSpace.ts';

type Scale = (value: number) => number;

export interface ScatterScene {
  width: number;
  height: number;
  regions: { fill: string; d: string }[];
  boundaries: string;
  /** Batches of markers in drawing order: correct points filled, misclassified ones hollow. */
  points: { colour: string; correct: string; misclassified: string }[];
}

/** Rounds in which an equal-size layer is drawn, so its classes interleave rather than stack. */
const INTERLEAVE_ROUNDS = 8;

/** Smaller markers for more points, so a crowded plot stays readable. */
export function pointRadius(count: number): number {
  if (count <= 600) return 3.6;
  if (count <= 3000) return 3;
  return 2.4;
}

/** A misclassified point's hollow marker is a little larger, so its ring reads at a glance. */
export const MISCLASSIFIED_EXTRA_RADIUS = 0.9;

const rgb = ([r, g, b]: [number, number, number]): string => `rgb(${r},${g},${b})`;

export function scatterScene(input: {
  features: Float32Array;
  labels: Uint8Array;
  predictions: Uint8Array;
  classifier: LinearClassifier;
  domain: Domain;
  x: Scale;
  y: Scale;
  width: number;
  height: number;
  /** Marker radius in pixels (see pointRadius). */
  radius: number;
  colours?: readonly string[];
}): ScatterScene {
  const { features, labels, predictions, classifier, domain, x, y, radius, colours } = input;
  const numClasses = classifier.weight.length;
  const count = Math.min(features.length >> 1, labels.length);

  const regions = decisionRegionPolygons(classifier, domain).map(({ classIndex, vertices }) => ({
    fill: rgb(tint(classColour(classIndex, colours), REGION_TINT)),
    d: `M${vertices.map(([vx, vy]) => `${x(vx).toFixed(2)},${y(vy).toFixed(2)}`).join('L')}Z`,
  }));
  const boundaries = decisionBoundarySegments(classifier, domain)
    .map(({ from, to }) => `M${x(from[0]).toFixed(2)},${y(from[1]).toFixed(2)}L${x(to[0]).toFixed(2)},${y(to[1]).toFixed(2)}`)
    .join('');

  // Classes with fewer points are drawn last so the minor classes are never buried under the major
  // ones; classes of equal size (a balanced test set) are interleaved in rounds so none covers the others.
  const points: ScatterScene['points'] = [];
  for (const layer of classDrawLayers(labels.subarray(0, count), numClasses)) {
    const rounds = layer.length > 1 ? INTERLEAVE_ROUNDS : 1;
    for (let round = 0; round < rounds; round++) {
      for (const c of layer) {
        const shape = classShape(c);
        let correct = '';
        let misclassified = '';
        for (let i = round; i < count; i += rounds) {
          if (labels[i] !== c) continue;
          const px = x(features[2 * i]);
          const py = y(features[2 * i + 1]);
          if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
          if (predictions[i] === c) correct += markerPath(shape, px, py, radius);
          else misclassified += markerPath(shape, px, py, radius + MISCLASSIFIED_EXTRA_RADIUS);
        }
        if (correct || misclassified) points.push({ colour: classColour(c, colours), correct, misclassified });
      }
    }
  }
  return { width: input.width, height: input.height, regions, boundaries, points };
}

const POINT_OPACITY = 0.85;
const BOUNDARY_WIDTH = 1.5;
const BOUNDARY_OPACITY = 0.85;

/** Draws the scene on a 2-D canvas context already scaled to plot pixels. */
export function drawScene(context: CanvasRenderingContext2D, scene: ScatterScene): void {
  context.clearRect(0, 0, scene.width, scene.height);
  for (const region of scene.regions) {
    context.fillStyle = region.fill;
    context.fill(new Path2D(region.d));
  }
  context.strokeStyle = BOUNDARY_LINE;
  context.lineWidth = BOUNDARY_WIDTH;
  context.globalAlpha = BOUNDARY_OPACITY;
  context.stroke(new Path2D(scene.boundaries));
  context.lineJoin = 'round';
  for (const batch of scene.points) {
    context.globalAlpha = POINT_OPACITY;
    context.fillStyle = batch.colour;
    context.fill(new Path2D(batch.correct));
    if (!batch.misclassified) continue;
    const hollow = new Path2D(batch.misclassified);
    context.globalAlpha = 1;
    context.strokeStyle = BOUNDARY_LINE;
    context.lineWidth = HOLLOW_MARKER.outline;
    context.stroke(hollow);
    context.fillStyle = HOLLOW_MARKER.fill;
    context.fill(hollow);
    context.strokeStyle = batch.colour;
    context.lineWidth = HOLLOW_MARKER.stroke;
    context.stroke(hollow);
  }
  context.globalAlpha = 1;
}

/** The scene as SVG markup in plot pixels, clipped to the plot like the canvas. */
export function sceneToSvg(scene: ScatterScene, clipId: string): string {
  const parts = [
    `<defs><clipPath id="${clipId}"><rect width="${scene.width}" height="${scene.height}"/></clipPath></defs>`,
    `<g clip-path="url(#${clipId})" stroke-linejoin="round">`,
    ...scene.regions.map((region) => `<path d="${region.d}" fill="${region.fill}"/>`),
    `<path d="${scene.boundaries}" fill="none" stroke="${BOUNDARY_LINE}" stroke-width="${BOUNDARY_WIDTH}" stroke-opacity="${BOUNDARY_OPACITY}"/>`,
  ];
  for (const batch of scene.points) {
    if (batch.correct) parts.push(`<path d="${batch.correct}" fill="${batch.colour}" fill-opacity="${POINT_OPACITY}"/>`);
    if (batch.misclassified) {
      parts.push(`<path d="${batch.misclassified}" fill="${HOLLOW_MARKER.fill}" stroke="${BOUNDARY_LINE}" stroke-width="${HOLLOW_MARKER.outline}"/>`);
      parts.push(`<path d="${batch.misclassified}" fill="${HOLLOW_MARKER.fill}" stroke="${batch.colour}" stroke-width="${HOLLOW_MARKER.stroke}"/>`);
    }
  }
  parts.push('</g>');
  return parts.join('');
}
