import { describe, expect, it } from 'vitest';
import type { LaneBands } from '../../../core/seedBands.ts';
import { laneStyles } from '../../palette.ts';
import { seedBandSeries, seedLegend } from './seedSeries.ts';

const lanes = laneStyles([
  { id: 'erm', method: 'erm', label: 'ERM' },
  { id: 'drw', method: 'drw', label: 'DRW' },
]);

const bands: Record<string, LaneBands> = {
  erm: {
    balanced: [
      { epoch: 1, spread: { mean: 0.5, sd: 0.1 } },
      { epoch: 2, spread: null },
      { epoch: 3, spread: { mean: 0.95, sd: 0.1 } },
    ],
    minor: [{ epoch: 1, spread: { mean: 0.2, sd: null } }],
  },
  drw: { balanced: [{ epoch: 1, spread: { mean: 0.05, sd: 0.1 } }], minor: [] },
};

describe('a seed set as line series', () => {
  it('per lane the mean in percent as the line, ± sd clipped to 0–100 as the band, a gap where a seed had no value, in the lane’s style', () => {
    const [erm, drw] = seedBandSeries(bands, lanes, 'balanced');
    expect(erm).toMatchObject({ key: 'erm-balanced', label: 'ERM', colour: lanes[0].colour, dash: lanes[0].dash });
    expect(erm.points.map((p) => [p.x, p.y])).toEqual([
      [1, 50],
      [2, Number.NaN],
      [3, 95],
    ]);
    expect(erm.band!.map((b) => [b.x, Number(b.low.toFixed(9)), Number(b.high.toFixed(9))])).toEqual([
      [1, 40, 60],
      [2, Number.NaN, Number.NaN],
      [3, 85, 100],
    ]);
    expect(drw.band![0]).toMatchObject({ low: 0 });
    expect(drw.band![0].high).toBeCloseTo(15, 9);
  });

  it('one seed: the line without a band', () => {
    const [erm] = seedBandSeries(bands, lanes, 'minor');
    expect(erm.points).toEqual([{ x: 1, y: 20 }]);
    expect(erm.band).toEqual([{ x: 1, low: Number.NaN, high: Number.NaN }]);
  });

  it('a legend entry per lane with a band swatch; ink lanes keep the neutral swatch', () => {
    expect(seedLegend(lanes)).toEqual([
      { label: 'ERM', colour: undefined, dash: lanes[0].dash, band: true },
      { label: 'DRW', colour: lanes[1].colour, dash: lanes[1].dash, band: true },
    ]);
  });
});
