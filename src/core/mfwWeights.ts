/**
 * The class-dependent weight s(N_c) of MFW (paper Algorithm 1, Eq. 12 and §4).
 * Kept free of tfjs so the views can draw it too.
 */
import type { WeightMode } from '../config/experiment.ts';

/** Geometric mean of the class sizes: less sensitive to one huge class than the arithmetic mean (paper §5.2). */
export function geometricMean(counts: readonly number[]): number {
  const logSum = counts.reduce((sum, n) => sum + Math.log(n), 0);
  return Math.exp(logSum / counts.length);
}

/**
 * Population standard deviation (divide by C, like numpy's default np.std), our reading of the
 * paper's "standard deviation over {N_c}".
 */
export function populationStd(counts: readonly number[]): number {
  const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
  const variance = counts.reduce((sum, n) => sum + (n - mean) ** 2, 0) / counts.length;
  return Math.sqrt(variance);
}

/** A class is major when it has more training images than the geometric mean of all class sizes. */
export function isMajorClass(counts: readonly number[]): boolean[] {
  const mu = geometricMean(counts);
  return counts.map((n) => n > mu);
}

/**
 * s(N_c) per class, in [0, 0.5].
 * 'eq12': s = 0.5·σ((N_c − μ)/(β·γ)), μ = geometric mean, γ = population std of the class sizes.
 *         When all classes are equally large (γ = 0) every class sits at the midpoint, s = 0.25.
 * 'two-level' (§4): 0.5 for major classes, 0 for minor ones.
 */
export function mfwWeights(counts: readonly number[], mode: WeightMode, beta: number): number[] {
  if (mode === 'two-level') return isMajorClass(counts).map((major) => (major ? 0.5 : 0));
  const mu = geometricMean(counts);
  const gamma = populationStd(counts);
  return counts.map((n) => {
    if (gamma === 0) return 0.25;
    const a = (n - mu) / (beta * gamma);
    return 0.5 / (1 + Math.exp(-a));
  });
}
