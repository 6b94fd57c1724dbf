/**
 * Colours, line styles and type sizes shared by every chart, so ERM/MFW and the four classes look
 * the same everywhere (and in exported images).
 */
import type { Method } from '../engine/snapshot.ts';

/**
 * Okabe–Ito colours for the four chosen classes (major → minor): distinguishable with the common
 * colour-vision deficiencies, dark enough on white, and saturated enough for a washed-out projector.
 */
export const CLASS_COLOURS: readonly string[] = ['#0072B2', '#E69F00', '#009E73', '#D55E00'];

/** Fallbacks for more than four classes (more Okabe–Ito, then greys). */
const EXTRA_COLOURS = ['#CC79A7', '#56B4E9', '#7A6A00', '#000000', '#999999', '#666666'];

export function classColour(classIndex: number, colours: readonly string[] = CLASS_COLOURS): string {
  if (classIndex < colours.length) return colours[classIndex];
  return EXTRA_COLOURS[(classIndex - colours.length) % EXTRA_COLOURS.length];
}

export const INK = '#1f2328';
export const MUTED_INK = '#57606a';
export const GRID_LINE = '#d8dee4';
export const BOUNDARY_LINE = '#24292f';
/** MFW − ERM differences: blue for a gain, vermillion-red for a loss (and a sign, never colour alone). */
export const GAIN = '#0a5fa8';
export const LOSS = '#b3261e';

export const METHOD_LABEL: Record<Method, string> = { erm: 'ERM', mfw: 'MFW' };
/** ERM dashed, MFW solid: the method MFW is the one the eye should follow. */
export const METHOD_DASH: Record<Method, string | undefined> = { erm: '7 4', mfw: undefined };

/** Type sizes in CSS pixels; nothing below 12 px so a 1280×720 projector stays readable. */
export const FONT = { tick: 12, label: 13, legend: 13, title: 15 } as const;
export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

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
