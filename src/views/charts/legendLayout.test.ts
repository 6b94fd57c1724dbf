import { describe, expect, it } from 'vitest';
import { estimateTextWidth, layoutLegend } from './legendLayout.ts';

describe('legend layout', () => {
  it('estimates capitals wider than lower case, so all-capital lane labels do not run into the next item', () => {
    expect(estimateTextWidth('LDAM-DRW', 12)).toBeGreaterThan(estimateTextWidth('ldam-drw', 12));
    // Chromium's sans-serif (DejaVu Sans) at 12 px, measured here: "LDAM-DRW" 67.6 px, "automobile" 67.7, "airplane" 48.9.
    for (const [text, measured] of [['LDAM-DRW', 67.6], ['automobile', 67.7], ['airplane', 48.9]] as const) {
      expect(estimateTextWidth(text, 12)).toBeGreaterThanOrEqual(measured - 1);
      expect(estimateTextWidth(text, 12)).toBeLessThanOrEqual(measured * 1.1);
    }
  });

  it('wraps to a new row when the next item would pass the width', () => {
    const { placements, rows } = layoutLegend(['ERM', 'LDAM-DRW', 'LA τ=1.5'], (s) => s, { width: 200, fontSize: 12, symbolWidth: 14, gap: 10, rowHeight: 18 });
    expect(rows).toBe(2);
    expect(placements.map((p) => p.y)).toEqual([0, 0, 18]);
  });
});
