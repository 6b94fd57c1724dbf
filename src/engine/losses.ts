/**
 * Cross-entropy with optional per-class weights (DRW), with PyTorch's semantics for a weighted
 * mean: Σ w_{y_n}·ℓ_n / Σ w_{y_n}.
 */
import * as tf from '@tensorflow/tfjs';

/** Class-balanced weights of DRW: w_c = (1 − β)/(1 − β^{N_c}), normalised to sum to C. */
export function drwClassWeights(counts: readonly number[], beta = 0.9999): number[] {
  const raw = counts.map((n) => (1 - beta) / (1 - Math.pow(beta, n)));
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => (w / sum) * counts.length);
}

/**
 * Mean cross-entropy of `logits` [B, C] against one-hot labels [B, C]. With `classWeights` [C]
 * each sample is weighted by its class's weight and the sum is divided by the sum of the weights.
 */
export function crossEntropy(logits: tf.Tensor2D, oneHot: tf.Tensor2D, classWeights?: tf.Tensor1D): tf.Scalar {
  const perSample = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1));
  if (!classWeights) return tf.mean(perSample);
  const sampleWeights = tf.sum(tf.mul(oneHot, classWeights), 1);
  return tf.div(tf.sum(tf.mul(perSample, sampleWeights)), tf.sum(sampleWeights));
}
