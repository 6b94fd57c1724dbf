/**
 * One run (ERM or MFW): a network, its optimiser and its on-device accumulator of feature
 * gradient norms. The same `trainStep` serves both methods; MFW only adds the mixing inputs.
 */
import * as tf from '@tensorflow/tfjs';
import { ResNet } from './resnet.ts';
import type { Sgd } from './sgd.ts';

export interface MixingInputs {
  /** Partner of each sample, int32 [B]: z̃_n mixes in g(x_perm(n)). */
  permutation: tf.Tensor1D;
  /** The inverse permutation, int32 [B], for the backward pass. */
  inversePermutation: tf.Tensor1D;
  /** λ_n = s(N_{y_n})·Beta(α, α) draw, float32 [B]. */
  lambda: tf.Tensor1D;
}

export interface StepInputs {
  /** Normalised, augmented images [B, 32, 32, 3]. */
  x: tf.Tensor4D;
  /** One-hot labels [B, C] (float32). */
  oneHot: tf.Tensor2D;
  learningRate: number;
  /** DRW class weights [C] when re-weighting is active. */
  classWeights?: tf.Tensor1D;
  /** The loss's normaliser: B, or Σ_n w_{y_n} under DRW. Scales the captured gradient to per-sample. */
  lossNormaliser: number;
  /** MFW mixing; absent for ERM. */
  mixing?: MixingInputs;
}

/**
 * z̃_n = (1 − λ_n)·z_n + λ_n·z_perm(n) (paper Eq. 4); the label stays y_n. Both terms are ordinary
 * tensor ops, so the gradient flows into both g(x_n) and g(x_perm(n)) (Eq. 9).
 */
export function mixFeatures(z: tf.Tensor4D, mixing: MixingInputs): tf.Tensor4D {
  const weight = tf.reshape(mixing.lambda, [-1, 1, 1, 1]);
  return tf.add(tf.mul(tf.sub(1, weight), z), tf.mul(weight, permuteBatch(z, mixing.permutation, mixing.inversePermutation)));
}

/**
 * z[perm] whose gradient is dy[perm⁻¹]: a permutation's transpose is its inverse. tf.gather's own
 * gradient (UnsortedSegmentSum) is far slower, especially on the CPU backend.
 */
const permuteBatch = (z: tf.Tensor, permutation: tf.Tensor1D, inversePermutation: tf.Tensor1D): tf.Tensor =>
  tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.gather(args[0] as tf.Tensor, permutation),
    gradFunc: (dy: tf.Tensor) => tf.gather(dy, inversePermutation),
  }))(z);

/** Per class, the sum over the batch of ‖dy_n‖₂·scale. dy: [B, …], oneHot: [B, C] → [C]. */
function perClassGradientNorms(dy: tf.Tensor, oneHot: tf.Tensor2D, scale: number): tf.Tensor1D {
  return tf.tidy(() => {
    const axes = dy.shape.map((_, i) => i).slice(1);
    const norms = tf.mul(tf.sqrt(tf.sum(tf.square(dy), axes)), scale);
    return tf.sum(tf.mul(oneHot, tf.reshape(norms, [-1, 1])), 0) as tf.Tensor1D;
  });
}

export class Trainer {
  /** Per class, Σ over the epoch's samples of the per-sample ‖∇_{g(x)} ℓ‖₂; read once per epoch. */
  gradientNormSums: tf.Tensor1D;

  constructor(
    readonly model: ResNet,
    readonly sgd: Sgd,
    readonly mixingPoint: number,
    gradientNormSums: ArrayLike<number>,
  ) {
    this.gradientNormSums = tf.keep(tf.tensor1d(Float32Array.from(gradientNormSums)));
  }

  /**
   * One SGD step; returns the batch loss as a scalar the caller must dispose. Nothing is read
   * back here: the loss and the gradient norms stay on the device.
   */
  trainStep(inputs: StepInputs): tf.Scalar {
    let captured: tf.Tensor1D | null = null;
    // Identity on z whose backward pass records ‖∂L/∂z_n‖ per class; under MFW z feeds both
    // mixing terms, so this is the whole gradient of Eq. 9 reaching g(x_n).
    const captureGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
      value: tf.clone(args[0] as tf.Tensor),
      gradFunc: (dy: tf.Tensor) => {
        captured = tf.keep(perClassGradientNorms(dy, inputs.oneHot, inputs.lossNormaliser));
        return dy;
      },
    }));
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const options = {
          training: true,
          mixingPoint: this.mixingPoint,
          atMixingPoint: (z: tf.Tensor4D) => {
            const tracked = captureGradient(z) as tf.Tensor4D;
            return inputs.mixing ? mixFeatures(tracked, inputs.mixing) : tracked;
          },
        };
        return this.model.trainingLoss(inputs.x, options, inputs.oneHot, inputs.classWeights);
      }, this.model.trainable);
      this.sgd.apply(this.model.trainable.map((v) => grads[v.name]), inputs.learningRate);
      return value;
    });
    const sums = captured as tf.Tensor1D | null;
    if (sums) {
      const next = tf.keep(tf.add(this.gradientNormSums, sums)) as tf.Tensor1D;
      this.gradientNormSums.dispose();
      sums.dispose();
      this.gradientNormSums = next;
    }
    return loss;
  }

  /** 2-D features f(x) in evaluation mode (running BN statistics, no mixing). Call inside tf.tidy. */
  features(x: tf.Tensor4D): tf.Tensor2D {
    return this.model.forward(x, { training: false }).features;
  }

  resetGradientNorms(): void {
    const numClasses = this.gradientNormSums.shape[0];
    this.gradientNormSums.dispose();
    this.gradientNormSums = tf.keep(tf.zeros([numClasses])) as tf.Tensor1D;
  }

  dispose(): void {
    this.model.dispose();
    this.sgd.dispose();
    this.gradientNormSums.dispose();
  }
}
