/** Test-accuracy summaries for the results table. Accuracies are fractions in [0, 1]. */

export interface AccuracySummary {
  /** Mean of the per-class accuracies: balanced accuracy, and plain accuracy on the balanced test set. */
  overall: number | null;
  /** Mean over the major classes; null when there are none (all classes equally large). */
  majorAverage: number | null;
  minorAverage: number | null;
  perClass: readonly number[];
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

export function summariseAccuracy(perClass: readonly number[], isMajor: readonly boolean[]): AccuracySummary {
  return {
    overall: mean(perClass),
    majorAverage: mean(perClass.filter((_, c) => isMajor[c] === true)),
    minorAverage: mean(perClass.filter((_, c) => isMajor[c] === false)),
    perClass,
  };
}

/** second − first (MFW − ERM) in percentage points, or null where either side is missing. */
export function accuracyDifference(first: number | null | undefined, second: number | null | undefined): number | null {
  if (first === null || first === undefined || second === null || second === undefined) return null;
  return (second - first) * 100;
}

/** The paper's §4 result (ResNet-32, 200 epochs, its official CIFAR-10 subset), overall test accuracy in %. */
export const PAPER_SECTION4_RESULT = { erm: 78.3, mfw: 83.65 } as const;
