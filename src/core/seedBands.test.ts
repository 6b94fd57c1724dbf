import { describe, expect, it } from 'vitest';
import { accuracyBands, commonEpochs, meanAndSd } from './seedBands.ts';
import type { EpochSnapshot } from './snapshot.ts';

/** A history whose lanes have these per-class test accuracies at the epochs (the rest of a snapshot is not read). */
function history(accuracies: Record<string, number[][]>, firstEpoch = 1): EpochSnapshot[] {
  const [first] = Object.values(accuracies);
  return first.map((_, e) => ({
    epoch: firstEpoch + e,
    runs: Object.fromEntries(Object.entries(accuracies).map(([lane, perEpoch]) => [lane, { testAccuracy: perEpoch[e] }])),
  })) as unknown as EpochSnapshot[];
}

// Counts 40,40,8,8: classes 0 and 1 are major, 2 and 3 minor.
const COUNTS = [40, 40, 8, 8];
/** Both major classes at 1, both minor classes at `minor`: balanced = (2 + 2·minor) / 4. */
const minorAt = (minor: number) => [1, 1, minor, minor];

describe('bands over seeds', () => {
  it('meanAndSd: the sample standard deviation (n − 1), none for one value', () => {
    expect(meanAndSd([0.5, 0.25, 0.75])).toEqual({ mean: 0.5, sd: 0.25 });
    expect(meanAndSd([0.6])).toEqual({ mean: 0.6, sd: null });
  });

  it('each lane’s balanced and minor-class mean ± sd per epoch, as computed by hand', () => {
    // Minor accuracy, seeds 0, 1, 2 at epochs 1 and 2: (0.5, 0.25, 0.75) → mean 0.5, sd 0.25; (0.2, 0.2, 0.2) → 0.2, sd 0.
    const seeds = [0.5, 0.25, 0.75].map((first) => history({ erm: [minorAt(first), minorAt(0.2)] }));
    const { erm } = accuracyBands(seeds, ['erm'], COUNTS);
    expect(erm.minor.map((p) => p.epoch)).toEqual([1, 2]);
    expect(erm.minor[0].spread).toEqual({ mean: 0.5, sd: 0.25 });
    expect(erm.minor[1].spread!.mean).toBeCloseTo(0.2, 12);
    expect(erm.minor[1].spread!.sd).toBeCloseTo(0, 12);
    // Balanced = 0.5 + minor / 2: mean 0.75, sd 0.125 at epoch 1; 0.6, sd 0 at epoch 2.
    expect(erm.balanced[0]).toEqual({ epoch: 1, spread: { mean: 0.75, sd: 0.125 } });
    expect(erm.balanced[1].spread!.mean).toBeCloseTo(0.6, 12);
    expect(erm.balanced[1].spread!.sd).toBeCloseTo(0, 12);
  });

  it('one seed: the mean and no spread', () => {
    const { erm } = accuracyBands([history({ erm: [minorAt(0.5)] })], ['erm'], COUNTS);
    expect(erm.minor).toEqual([{ epoch: 1, spread: { mean: 0.5, sd: null } }]);
  });

  it('only the epochs every seed reached; a seed without a finite value at an epoch leaves a gap there', () => {
    const full = history({ erm: [minorAt(0.2), minorAt(0.4), minorAt(0.6)] });
    const partial = history({ erm: [minorAt(0.4), minorAt(Number.NaN)] });
    expect(commonEpochs([full, partial])).toEqual([1, 2]);
    const { erm } = accuracyBands([full, partial], ['erm'], COUNTS);
    expect(erm.minor.map((p) => p.epoch)).toEqual([1, 2]);
    expect(erm.minor[0].spread!.mean).toBeCloseTo(0.3, 12);
    expect(erm.minor[1].spread).toBeNull();
  });
});
