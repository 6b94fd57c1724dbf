/**
 * One lane's training step: a network, its optimiser and its on-device accumulator of feature
 * gradient norms. Every method runs through the same `trainStep`; what differs is data (core/methods.ts):
 * the target matrix (class weights, mixed labels), the logit offsets (logit adjustment, LDAM margins),
 * the head (resnet.ts) and where and how the batch is mixed.
 */
import * as tf from '@tensorflow/tfjs';
import { ResNet } from './resnet.ts';
import type { Sgd } from './sgd.ts';

export interface MixingInputs {
  /** 'input' (the images) or the convolution group after which the features mix. */
  point: 'input' | number;
  /** Partner of each sample, int32 [B]: the mixed value of n takes in sample perm(n). */
  permutation: tf.Tensor1D;
  /** The inverse permutation, int32 [B], for the backward pass. */
  inversePermutation: tf.Tensor1D;
  /** The partner's share per sample, float32 [B]: MFW's λ_n, mixup's and Remix's 1 − λ. */
  partnerWeight: tf.Tensor1D;
}

export interface LaneStepInputs {
  /** Normalised, augmented images [B, 32, 32, 3], shared by every lane. */
  x: tf.Tensor4D;
  learningRate: number;
  /** Loss targets [B, C] (core/methods.ts lossTargets): the loss is Σ T·(−log p) / Σ T. */
  targets: tf.Tensor2D;
  /** One-hot of each sample's own label [B, C]: attributes the captured gradient norms to classes. */
  anchorOneHot: tf.Tensor2D;
  /** Σ T: scales the captured gradient back to one sample's loss. */
  normaliser: number;
  /** Per-sample logit offsets [B, C] (LA's τ·log π, LDAM's −s·m_y), in training only. */
  logitOffsets?: tf.Tensor2D;
  mixing?: MixingInputs;
}

/**
 * v_n = (1 − p_n)·v_n + p_n·v_perm(n) with p the partner's share: MFW's z̃ (paper Eq. 4) and mixup's
 * x̃ = λ·x + (1 − λ)·x[perm] alike. Both terms are ordinary tensor ops, so the gradient flows into
 * both samples (Eq. 9).
 */
export function mixBatch<T extends tf.Tensor4D>(v: T, mixing: MixingInputs): T {
  const weight = tf.reshape(mixing.partnerWeight, [-1, 1, 1, 1]);
  return tf.add(tf.mul(tf.sub(1, weight), v), tf.mul(weight, permuteBatch(v, mixing.permutation, mixing.inversePermutation))) as T;
}

/**
 * v[perm] whose gradient is dy[perm⁻¹]: a permutation's transpose is its inverse. tf.gather's own
 * gradient (UnsortedSegmentSum) is far slower, especially on the CPU backend.
 */
const permuteBatch = (v: tf.Tensor, permutation: tf.Tensor1D, inversePermutation: tf.Tensor1D): tf.Tensor =>
  tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.gather(args[0] as tf.Tensor, permutation),
    gradFunc: (dy: tf.Tensor) => tf.gather(dy, inversePermutation),
  }))(v);

/** Per class, the sum over the batch of ‖dy_n‖₂·scale. dy: [B, …], oneHot: [B, C] → [C]. */
function perClassGradientNorms(dy: tf.Tensor, oneHot: tf.Tensor2D, scale: number): tf.Tensor1D {
  return tf.tidy(() => {
    const axes = dy.shape.map((_, i) => i).slice(1);
    const norms = tf.mul(tf.sqrt(tf.sum(tf.square(dy), axes)), scale);
    return tf.sum(tf.mul(oneHot, tf.reshape(norms, [-1, 1])), 0) as tf.Tensor1D;
  });
}

export class LaneTrainer {
  /** Per class, Σ over the epoch's samples of the per-sample ‖∇_z ℓ‖₂ at the measuring point; read once per epoch. */
  gradientNormSums: tf.Tensor1D;

  /** `measurePoint`: the convolution group whose output's gradient is measured (the app's MFW point, the same for every lane). */
  constructor(
    readonly model: ResNet,
    readonly sgd: Sgd,
    readonly measurePoint: number,
    gradientNormSums: ArrayLike<number>,
  ) {
    this.gradientNormSums = tf.keep(tf.tensor1d(Float32Array.from(gradientNormSums)));
  }

  /**
   * One SGD step; returns the batch loss as a scalar the caller must dispose. Nothing is read
   * back here: the loss and the gradient norms stay on the device.
   */
  trainStep(inputs: LaneStepInputs): tf.Scalar {
    const { mixing } = inputs;
    let captured: tf.Tensor1D | null = null;
    // Identity on z whose backward pass records ‖∂L/∂z_n‖ per class. It wraps z before any mixing at
    // the same point, so under MFW it sees the whole gradient of Eq. 9 reaching g(x_n).
    const captureGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
      value: tf.clone(args[0] as tf.Tensor),
      gradFunc: (dy: tf.Tensor) => {
        captured = tf.keep(perClassGradientNorms(dy, inputs.anchorOneHot, inputs.normaliser));
        return dy;
      },
    }));
    const afterGroup = (group: number, z: tf.Tensor4D): tf.Tensor4D => {
      const tracked = group === this.measurePoint ? (captureGradient(z) as tf.Tensor4D) : z;
      return mixing && mixing.point === group ? mixBatch(tracked, mixing) : tracked;
    };
    const loss = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const x = mixing?.point === 'input' ? mixBatch(inputs.x, mixing) : inputs.x;
        return this.model.trainingLoss(x, { training: true, afterGroup }, inputs.targets, inputs.logitOffsets);
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
