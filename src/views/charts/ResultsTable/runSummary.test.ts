import { describe, expect, it } from 'vitest';
import { PAPER_CONFIG } from '../../../config/experiment.ts';
import { isMajorClass } from '../../../core/mfwWeights.ts';
import type { EpochSnapshot } from '../../../core/snapshot.ts';
import { runSnapshot } from '../../../state/runFixture.ts';
import { median, paperFigure, summariseRun } from './runSummary.ts';

/** Two major, two minor classes. */
const IS_MAJOR = isMajorClass([5000, 5000, 50, 50]);

/** A history of one lane whose epoch e has the major classes at 0.9 and both minor classes at minors[e − 1]. */
function historyOf(minors: readonly number[], lane = 'erm'): EpochSnapshot[] {
  return minors.map((minor, i) => ({
    epoch: i + 1,
    learningRate: 0.1,
    imagesPerSecond: 0,
    trainFeatureLabels: new Uint8Array(),
    testLabels: new Uint8Array(),
    runs: { [lane]: runSnapshot({ testAccuracy: [0.9, 0.9, minor, minor] }) },
  }));
}

describe('median', () => {
  it('is the middle value of an odd count and the mean of the middle two of an even one, in any order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNull();
  });
});

describe('summariseRun', () => {
  it('reads the last epoch, the median of the last ten and the best epoch', () => {
    // Minor accuracy 0.0, 0.1, …, 1.1 over 12 epochs: the last ten are 0.2 … 1.1.
    const history = historyOf(Array.from({ length: 12 }, (_, i) => i / 10));
    const summary = summariseRun(history, 'erm', IS_MAJOR)!;
    expect(summary.last.epoch).toBe(12);
    expect(summary.last.minor).toBeCloseTo(1.1);
    expect(summary.last.balanced).toBeCloseTo((0.9 + 1.1) / 2);
    expect(summary.median.epochs).toBe(10);
    expect(summary.median.minor).toBeCloseTo(0.65);
    expect(summary.median.balanced).toBeCloseTo((0.9 + 0.65) / 2);
    expect(summary.best).toEqual({ epoch: 12, balanced: summary.last.balanced });
  });

  it('takes the median over fewer epochs when fewer are stored, and says how many', () => {
    const summary = summariseRun(historyOf([0.2, 0.6, 0.4]), 'erm', IS_MAJOR)!;
    expect(summary.median.epochs).toBe(3);
    expect(summary.median.minor).toBeCloseTo(0.4);
    expect(summary.best.epoch).toBe(2);
  });

  it('picks the earliest of tied best epochs', () => {
    expect(summariseRun(historyOf([0.1, 0.5, 0.3, 0.5, 0.5]), 'erm', IS_MAJOR)!.best.epoch).toBe(2);
  });

  it('skips epochs whose accuracies are not finite, and epochs without the lane', () => {
    const history = historyOf([0.2, Number.NaN, 0.4, Number.NaN]);
    const summary = summariseRun(history, 'erm', IS_MAJOR)!;
    expect(summary.last.epoch).toBe(3);
    expect(summary.median.epochs).toBe(2);
    expect(summary.median.minor).toBeCloseTo(0.3);
    expect(summariseRun(history, 'mfw', IS_MAJOR)).toBeNull();
    expect(summariseRun([], 'erm', IS_MAJOR)).toBeNull();
  });
});

describe('paperFigure', () => {
  it('gives §4’s ERM and MFW figures in the Paper preset’s setting only', () => {
    expect(paperFigure(PAPER_CONFIG, { id: 'erm' })).toBe(78.3);
    expect(paperFigure(PAPER_CONFIG, { id: 'mfw' })).toBe(83.65);
    expect(paperFigure(PAPER_CONFIG, { id: 'drw' })).toBeNull();
    expect(paperFigure(PAPER_CONFIG, { id: 'mfw:alpha=1' })).toBeNull();
  });

  it('gives none on a shorter run, a smaller network, other classes or other MFW settings', () => {
    for (const change of [{ epochs: 40 }, { blocksPerStage: 1 }, { classes: [0, 1, 3, 2] }, { imbalance: 'custom' as const }, { learningRate: 0.05 }]) {
      expect(paperFigure({ ...PAPER_CONFIG, ...change }, { id: 'erm' }), JSON.stringify(change)).toBeNull();
    }
    expect(paperFigure({ ...PAPER_CONFIG, weightMode: 'eq12' }, { id: 'mfw' })).toBeNull();
    expect(paperFigure({ ...PAPER_CONFIG, weightMode: 'eq12' }, { id: 'erm' })).toBe(78.3);
  });
});
