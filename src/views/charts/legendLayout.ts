/**
 * Flow layout for SVG legends (SVG has no text wrapping): items go left to right and wrap to a new
 * row when the next one would pass the width. Text width is estimated, which is enough for labels.
 */
export interface LegendPlacement<T> {
  item: T;
  x: number;
  y: number;
}

/**
 * Character widths as fractions of the font size, for system sans-serif fonts (DejaVu Sans, the
 * widest common one, measured): capitals are wider than the average, so an all-capitals label such
 * as "LDAM-DRW" estimated at the average ran into the next legend item. Rather over than under: a
 * label estimated short is clipped at the chart's edge.
 */
const NARROW_CHARS = /[ilIjft.,:;'|‖! ()]/;
const charWidth = (char: string): number => (NARROW_CHARS.test(char) ? 0.32 : /[mwMW]/.test(char) ? 0.92 : /[A-Z]/.test(char) ? 0.7 : 0.62);

export function estimateTextWidth(text: string, fontSize: number): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width * fontSize;
}

/** The preferred font size, or a smaller one (not below `minimum`) at which the text fits the width. */
export function fittedFontSize(text: string, width: number, preferred: number, minimum: number): number {
  const fits = width / Math.max(1, estimateTextWidth(text, 1));
  return Math.max(minimum, Math.min(preferred, Math.floor(fits)));
}

export function layoutLegend<T>(
  items: readonly T[],
  labelOf: (item: T) => string,
  options: { width: number; fontSize: number; symbolWidth: number; gap: number; rowHeight: number },
): { placements: LegendPlacement<T>[]; rows: number } {
  const placements: LegendPlacement<T>[] = [];
  let x = 0;
  let row = 0;
  for (const item of items) {
    const itemWidth = options.symbolWidth + 4 + estimateTextWidth(labelOf(item), options.fontSize);
    if (x > 0 && x + itemWidth > options.width) {
      x = 0;
      row++;
    }
    placements.push({ item, x, y: row * options.rowHeight });
    x += itemWidth + options.gap;
  }
  return { placements, rows: items.length === 0 ? 0 : row + 1 };
}
