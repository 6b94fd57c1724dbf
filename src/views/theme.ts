/**
 * Colours, marker shapes, line styles and type sizes shared by every chart, so the lanes (ERM, MFW,
 * …) and the four classes look the same everywhere (and in exported images).
 */
import { createContext, useContext } from 'react';
import type { Lane, MethodName } from '../core/methods.ts';

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

export const INK = '#1f2328';
export const MUTED_INK = '#57606a';
export const GRID_LINE = '#d8dee4';
export const BOUNDARY_LINE = '#24292f';
/** MFW − ERM differences: blue for a gain, vermillion-red for a loss (and a sign, never colour alone). */
export const GAIN = '#0a5fa8';
export const LOSS = '#b3261e';

export interface LineStyle {
  /** The line's colour where a chart has one line per lane (per-class charts colour by class instead). */
  colour: string;
  /** SVG stroke-dasharray; undefined draws a solid line. */
  dash: string | undefined;
}

/**
 * One style per method, used by every chart and legend. ERM dashed and MFW solid, both in ink, as
 * before the method lab (MFW is the one the eye should follow); the others get Okabe–Ito colours and
 * dash patterns of their own, since per-class charts tell lanes apart by the dash alone.
 */
export const METHOD_STYLE: Record<MethodName, LineStyle> = {
  erm: { colour: INK, dash: '7 4' },
  mfw: { colour: INK, dash: undefined },
  'mfw-drw': { colour: '#009E73', dash: '2 3' },
  drw: { colour: '#D55E00', dash: '10 3 2 3' },
  rw: { colour: '#CC79A7', dash: '4 2' },
  'ldam-drw': { colour: '#0072B2', dash: '12 3' },
  la: { colour: '#E69F00', dash: '1 3' },
  mixup: { colour: '#56B4E9', dash: '8 2 2 2 2 2' },
  'manifold-mixup': { colour: '#7A6A00', dash: '14 4 4 4' },
  'remix-drw': { colour: '#999999', dash: '3 6' },
};

/** For a second lane of a method (other parameters): styles no method uses. */
const REPEAT_STYLES: readonly LineStyle[] = [
  { colour: '#6A3D9A', dash: '6 2 6 6' },
  { colour: '#B15928', dash: '1 2 1 6' },
  { colour: '#1B7837', dash: '16 3' },
  { colour: '#5E3C99', dash: '5 5 1 5' },
  { colour: '#8C510A', dash: '9 2 1 2 1 2' },
];

/** A lane as the charts draw it: its id (the snapshot's key), method, label and line style. */
export interface LaneStyle extends LineStyle, Pick<Lane, 'id' | 'method' | 'label'> {}

/** Each lane with its method's style, or for a method listed again (other parameters), one of its own. */
export function laneStyles(lanes: readonly Pick<Lane, 'id' | 'method' | 'label'>[]): LaneStyle[] {
  const used = new Set<MethodName>();
  let repeats = 0;
  return lanes.map((lane) => {
    const style = used.has(lane.method) ? REPEAT_STYLES[repeats++ % REPEAT_STYLES.length] : METHOD_STYLE[lane.method];
    used.add(lane.method);
    return { id: lane.id, method: lane.method, label: lane.label, ...style };
  });
}

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
export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

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
