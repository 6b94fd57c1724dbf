/**
 * Training-set sizes per class for the imbalance presets (LDAM-DRW's formulas, as used by the paper).
 * Classes are ordered major → minor, so index 0 always has the most images.
 */
export const MAX_TRAIN_PER_CLASS = 5000;
export const TEST_PER_CLASS = 1000;

export type ImbalancePreset = 'paper' | 'step' | 'long-tailed' | 'custom';
export const IMBALANCE_RATIOS = [10, 100, 200] as const;

/** Long-tailed: n_c = floor(nMax · ρ^(−c/(C−1))). */
export function longTailedCounts(numClasses: number, ratio: number, nMax = MAX_TRAIN_PER_CLASS): number[] {
  return Array.from({ length: numClasses }, (_, c) =>
    Math.floor(nMax * Math.pow(ratio, -c / (numClasses - 1))),
  );
}

/** Step: the first half of the classes keep nMax, the second half floor(nMax / ρ). */
export function stepCounts(numClasses: number, ratio: number, nMax = MAX_TRAIN_PER_CLASS): number[] {
  const major = Math.floor(numClasses / 2);
  return Array.from({ length: numClasses }, (_, c) => (c < major ? nMax : Math.floor(nMax / ratio)));
}

/** The illustrative experiment of the paper's §4: two major classes of 5000, two minor of 50. */
export const PAPER_SECTION4_COUNTS = [5000, 5000, 50, 50];

export function presetCounts(preset: Exclude<ImbalancePreset, 'custom'>, numClasses: number, ratio: number): number[] {
  switch (preset) {
    case 'paper':
      return PAPER_SECTION4_COUNTS.slice(0, numClasses);
    case 'step':
      return stepCounts(numClasses, ratio);
    case 'long-tailed':
      return longTailedCounts(numClasses, ratio);
  }
}
