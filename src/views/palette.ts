/**
 * The lanes' line styles and the inks of every chart, as plain constants without React, so the app's
 * charts (through theme.ts) and the report's SVG figures (scripts/lib/reportFigures.ts) draw each
 * method in the same colour and dash.
 */
import type { Lane, MethodName } from '../core/methods.ts';

export const INK = '#1f2328';
export const MUTED_INK = '#57606a';
export const GRID_LINE = '#d8dee4';
export const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

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
