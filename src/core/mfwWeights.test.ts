import { describe, expect, it } from 'vitest';
import { geometricMean, isMajorClass, mfwWeights, populationStd } from './mfwWeights.ts';

const SECTION4 = [5000, 5000, 50, 50];
const sigmoid = (a: number) => 1 / (1 + Math.exp(-a));

describe('s(N_c), paper Eq. 12', () => {
  // By hand: μ = (5000²·50²)^(1/4) = √(5000·50) = 500; mean 2525, every |N_c − mean| = 2475, so γ = 2475.
  it('uses the geometric mean and the population std', () => {
    expect(geometricMean(SECTION4)).toBeCloseTo(500, 9);
    expect(populationStd(SECTION4)).toBeCloseTo(2475, 9);
  });

  it('β = 0.01 (step): 0.5 for the major classes, ~0 for the minor ones', () => {
    // (5000 − 500)/(0.01·2475) = 181.8 → σ ≈ 1;  (50 − 500)/(0.01·2475) = −18.18 → σ ≈ 1.27e-8.
    const s = mfwWeights(SECTION4, 'eq12', 0.01);
    expect(s[0]).toBeCloseTo(0.5, 12);
    expect(s[1]).toBeCloseTo(0.5, 12);
    expect(s[2]).toBeCloseTo(0.5 * sigmoid(-450 / 24.75), 15);
    expect(s[2]).toBeLessThan(1e-8);
    expect(s[3]).toBe(s[2]);
  });

  it('β = 2 (long-tailed): soft weights', () => {
    // (5000 − 500)/(2·2475) = 0.909091, e^−0.909091 = 0.402890 → 0.5/1.402890 = 0.356407;
    // (50 − 500)/4950 = −0.090909, e^0.090909 = 1.095170 → 0.5/2.095170 = 0.238644.
    const s = mfwWeights(SECTION4, 'eq12', 2);
    expect(s[0]).toBeCloseTo(0.356407, 5);
    expect(s[2]).toBeCloseTo(0.238644, 5);
  });

  it('two-level (§4): 0.5 for major, 0 for minor; major = above the geometric mean', () => {
    expect(isMajorClass(SECTION4)).toEqual([true, true, false, false]);
    expect(mfwWeights(SECTION4, 'two-level', 2)).toEqual([0.5, 0.5, 0, 0]);
    expect(isMajorClass([5000, 1077, 232, 50])).toEqual([true, true, false, false]);
  });

  it('is monotone in the class size and balanced classes get the midpoint', () => {
    const s = mfwWeights([5000, 1077, 232, 50], 'eq12', 2);
    for (let c = 1; c < s.length; c++) expect(s[c]).toBeLessThan(s[c - 1]);
    expect(mfwWeights([100, 100, 100, 100], 'eq12', 2)).toEqual([0.25, 0.25, 0.25, 0.25]);
  });
});
