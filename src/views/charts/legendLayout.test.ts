import { describe, expect, it } from 'vitest';
import { estimateTextWidth, layoutLegend } from './legendLayout.ts';

describe('legend layout', () => {
  it('estimates capitals wider than lower case, so all-capital lane labels do not run into the next item', () => {
    expect(estimateTextWidth('LDAM-DRW', 12)).toBeGreaterThan(estimateTextWidth('ldam-drw', 12));
    // Chromium's sans-serif at 12 px draws "LDAM-DRW" 67.6 px wide and "airplane" 48.9 px (measured here).
    expect(estimateTextWidth('LDAM-DRW', 12)).toBeCloseTo(67.6, -1);
    expect(estimateTextWidth('airplane', 12)).toBeCloseTo(48.9, -1);
  });

  it('wraps to a new row when the next item would pass the width', () => {
    const { placements, rows } = layoutLegend(['ERM', 'LDAM-DRW', 'LA τ=1.5'], (s) => s, { width: 200, fontSize: 12, symbolWidth: 14, gap: 10, rowHeight: 18 });
    expect(rows).toBe(2);
    expect(placements.map((p) => p.y)).toEqual([0, 0, 18]);
  });
});
