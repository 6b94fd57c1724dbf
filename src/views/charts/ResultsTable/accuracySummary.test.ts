import { describe, expect, it } from 'vitest';
import { isMajorClass } from '../../../core/mfwWeights.ts';
import { accuracyDifference, summariseAccuracy } from './accuracySummary.ts';

describe('summariseAccuracy', () => {
  it('averages overall, major and minor classes of the §4 setting', () => {
    const summary = summariseAccuracy([0.9, 0.8, 0.3, 0.2], isMajorClass([5000, 5000, 50, 50]));
    expect(summary.overall).toBeCloseTo(0.55);
    expect(summary.majorAverage).toBeCloseTo(0.85);
    expect(summary.minorAverage).toBeCloseTo(0.25);
  });
  it('follows isMajorClass on a long-tailed split', () => {
    // Geometric mean of [5000, 1077, 232, 50] ≈ 500: two major, two minor.
    const summary = summariseAccuracy([1, 0.5, 0.25, 0], isMajorClass([5000, 1077, 232, 50]));
    expect(summary.majorAverage).toBeCloseTo(0.75);
    expect(summary.minorAverage).toBeCloseTo(0.125);
  });
  it('has no major average when every class is equally large', () => {
    const summary = summariseAccuracy([0.5, 0.7], isMajorClass([100, 100]));
    expect(summary.majorAverage).toBeNull();
    expect(summary.minorAverage).toBeCloseTo(0.6);
    expect(summary.overall).toBeCloseTo(0.6);
  });
  it('has nothing to average before any class', () => {
    expect(summariseAccuracy([], []).overall).toBeNull();
  });
});

describe('accuracyDifference', () => {
  it('is MFW − ERM in percentage points', () => {
    expect(accuracyDifference(0.783, 0.8365)).toBeCloseTo(5.35);
    expect(accuracyDifference(0.5, 0.4)).toBeCloseTo(-10);
    expect(accuracyDifference(null, 0.4)).toBeNull();
  });
});
