/**
 * Colours, marker shapes, line styles and type sizes shared by every chart, so the lanes (ERM, MFW,
 * …) and the four classes look the same everywhere (and in exported images).
 */
import { createContext, useContext } from 'react';
// The lanes' styles and the inks are plain constants in palette.ts, so Node scripts draw with them without React.
export { FONT_FAMILY, GRID_LINE, INK, METHOD_STYLE, MUTED_INK, laneStyles, type LaneStyle, type LineStyle } from './palette.ts';

/**
 * The four chosen classes (major → minor): dark blue, sky blue, orange, crimson. Chosen so every pair
 * stays far apart (CIEDE2000 ≥ 25) for normal vision and simulated protanopia, deuteranopia and
 * tritanopia, every colour keeps ≥ 3:1 contrast on white for a washed-out projector, and the pale
 * region tints stay apart too (theme.test.ts checks all three). The minor classes get the warm
 * colours, which the eye picks out first.
 */
export const CLASS_COLOURS: readonly string[] = ['#1133CC', '#5599DD', '#DD7700', '#990033'];

/** How far a decision region's tint is mixed toward white: pale enough for the points on top to stand out. */
export const REGION_TINT = 0.8;

/** Fallbacks for more than four classes (Okabe–Ito, then greys). */
const EXTRA_COLOURS = ['#009E73', '#CC79A7', '#56B4E9', '#7A6A00', '#000000', '#999999'];

export function classColour(classIndex: number, colours: readonly string[] = CLASS_COLOURS): string {
  if (classIndex < colours.length) return colours[classIndex];
  return EXTRA_COLOURS[(classIndex - colours.length) % EXTRA_COLOURS.length];
}

/** A second, colour-free cue per class: the marker shape, in scatter plots, curves and legends. */
export type MarkerShape = 'circle' | 'square' | 'triangle' | 'diamond';
const CLASS_SHAPES: readonly MarkerShape[] = ['circle', 'square', 'triangle', 'diamond'];

export function classShape(classIndex: number): MarkerShape {
  return CLASS_SHAPES[classIndex % CLASS_SHAPES.length];
}

const round = (value: number): number => Math.round(value * 100) / 100;

/**
 * SVG path data of a marker centred on (x, y), of about the area of a circle of radius r, so no
 * class looks heavier than another. The same string draws on a canvas (new Path2D(d)) and in SVG.
 */
export function markerPath(shape: MarkerShape, x: number, y: number, r: number): string {
  switch (shape) {
    case 'circle':
      return `M${round(x + r)},${round(y)}A${round(r)},${round(r)} 0 1 0 ${round(x - r)},${round(y)}A${round(r)},${round(r)} 0 1 0 ${round(x + r)},${round(y)}Z`;
    case 'square': {
      const h = r * 0.886; // (2h)² = πr²
      return `M${round(x - h)},${round(y - h)}h${round(2 * h)}v${round(2 * h)}h${round(-2 * h)}Z`;
    }
    case 'triangle': {
      const R = r * 1.555; // equilateral, circumradius R: (3√3/4)R² = πr²
      const dx = R * 0.866;
      return `M${round(x)},${round(y - R)}L${round(x + dx)},${round(y + R / 2)}L${round(x - dx)},${round(y + R / 2)}Z`;
    }
    case 'diamond': {
      const d = r * 1.2533; // 2d² = πr²
      return `M${round(x)},${round(y - d)}L${round(x + d)},${round(y)}L${round(x)},${round(y + d)}L${round(x - d)},${round(y)}Z`;
    }
  }
}

/** A misclassified point's hollow marker: white inside, a dark outer ring, then the class colour. */
export const HOLLOW_MARKER = { fill: '#ffffff', outline: 3.2, stroke: 1.7 } as const;

export const BOUNDARY_LINE = '#24292f';
/** MFW − ERM differences: blue for a gain, vermillion-red for a loss (and a sign, never colour alone). */
export const GAIN = '#0a5fa8';
export const LOSS = '#b3261e';

/** Type sizes in CSS pixels, and a factor on point-marker sizes. */
export interface ChartSizes {
  tick: number;
  label: number;
  legend: number;
  title: number;
  marker: number;
}
/** Nothing below 12 px, so a 1280×720 screen stays readable. */
export const FONT: ChartSizes = { tick: 12, label: 13, legend: 13, title: 15, marker: 1 };
/** Presentation mode: read from a projector at the back of a classroom, ticks and legends 20 px, larger points. */
export const PRESENTATION_SIZES: ChartSizes = { tick: 20, label: 22, legend: 20, title: 26, marker: 1.4 };

/** The chart sizes in use; the app switches them for presentation mode. */
export const ChartSizeContext = createContext<ChartSizes>(FONT);

export function useChartSizes(): ChartSizes {
  return useContext(ChartSizeContext);
}

/** Parses '#rrggbb' to [r, g, b] (0–255). */
export function hexToRgb(hex: string): [number, number, number] {
  const value = hex.replace('#', '');
  const full = value.length === 3 ? [...value].map((c) => c + c).join('') : value;
  const n = Number.parseInt(full, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** The colour mixed toward white: `amount` 0 keeps it, 1 gives white. Used for decision-region tints. */
export function tint(hex: string, amount: number): [number, number, number] {
  const [r, g, b] = hexToRgb(hex);
  return [r, g, b].map((v) => Math.round(v + (255 - v) * amount)) as [number, number, number];
}
