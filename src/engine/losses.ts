/**
 * The training loss, as the stock tfjs composition (the fused webgpu head computes the same):
 * cross-entropy against a target matrix T [B, C] that carries the class weights and mixed labels,
 * divided by Σ T (PyTorch's weighted mean; see lossTargets in core/methods.ts), after optional
 * per-sample logit offsets (logit adjustment, LDAM margins).
 */
import * as tf from '@tensorflow/tfjs';

/** F.normalize's floor on a norm (x / max(‖x‖, eps)); squared, so the gradient is 0 below it as in PyTorch's clamp. */
const NORM_EPSILON_SQUARED = 1e-24;

/** x / max(‖x‖₂, 1e-12) along `axis` (PyTorch F.normalize). */
export function normalise(x: tf.Tensor2D, axis: 0 | 1): tf.Tensor2D {
  return tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), axis, true), NORM_EPSILON_SQUARED)));
}

/** LDAM's NormedLinear: scale·⟨f/‖f‖, w_c/‖w_c‖⟩ for features [B, D] and weights [D, C]. */
export function cosineLogits(features: tf.Tensor2D, weight: tf.Tensor2D, scale: number): tf.Tensor2D {
  const cosines = tf.matMul(normalise(features, 1), normalise(weight, 0)) as tf.Tensor2D;
  return scale === 1 ? cosines : (tf.mul(cosines, scale) as tf.Tensor2D);
}

/** Σ_n Σ_c −T[n, c]·log softmax(logits + offsets)[n, c] / Σ T. */
export function targetCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D, logitOffsets?: tf.Tensor2D): tf.Scalar {
  const adjusted = logitOffsets ? tf.add(logits, logitOffsets) : logits;
  return tf.div(tf.neg(tf.sum(tf.mul(targets, tf.logSoftmax(adjusted)))), tf.sum(targets));
}
