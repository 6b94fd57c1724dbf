import { BOUNDARY_LINE, HOLLOW_MARKER, markerPath, type MarkerShape } from '../theme.ts';

export interface MarkerSymbolProps {
  shape: MarkerShape;
  colour: string;
  x: number;
  y: number;
  r: number;
  /** Hollow with a dark ring: how a misclassified point is drawn. */
  hollow?: boolean;
}

/** One point marker in SVG, drawn as the scatter plots draw their points (legends, read-outs, tables). */
export function MarkerSymbol({ shape, colour, x, y, r, hollow = false }: MarkerSymbolProps) {
  const d = markerPath(shape, x, y, r);
  if (!hollow) return <path d={d} fill={colour} />;
  return (
    <g strokeLinejoin="round">
      <path d={d} fill={HOLLOW_MARKER.fill} stroke={BOUNDARY_LINE} strokeWidth={HOLLOW_MARKER.outline} />
      <path d={d} fill={HOLLOW_MARKER.fill} stroke={colour} strokeWidth={HOLLOW_MARKER.stroke} />
    </g>
  );
}

/** A class's marker as an inline HTML swatch (tables, tooltips). */
export function ClassSwatch({ shape, colour, size = 14 }: { shape: MarkerShape; colour: string; size?: number }) {
  return (
    <svg className="ip-class-swatch" width={size} height={size} aria-hidden="true">
      <MarkerSymbol shape={shape} colour={colour} x={size / 2} y={size / 2} r={size * 0.32} />
    </svg>
  );
}
