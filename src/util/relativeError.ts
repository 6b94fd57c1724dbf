/** ‖a − b‖∞ / ‖b‖∞: the error of `actual` relative to the largest value of `expected` (for the engine's equality tests). */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`relativeError: lengths ${actual.length} and ${expected.length} differ.`);
  let maxDiff = 0;
  let maxValue = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    maxValue = Math.max(maxValue, Math.abs(expected[i]));
  }
  if (Number.isNaN(maxDiff)) return Number.POSITIVE_INFINITY;
  return maxValue === 0 ? maxDiff : maxDiff / maxValue;
}
