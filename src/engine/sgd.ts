/**
 * SGD with momentum and weight decay, PyTorch semantics (tfjs optimizers have no weight decay):
 *   g ← g + wd·w;  buf ← m·buf + g;  w ← w − lr·buf.
 * Weight decay applies to every learned variable (BN γ/β and biases too), as LDAM-DRW's
 * `SGD(model.parameters(), weight_decay=2e-4)` does.
 */
import * as tf from '@tensorflow/tfjs';

export class MomentumSgd {
  readonly buffers: tf.Variable[];
  private readonly momentum: tf.Scalar;
  private readonly weightDecay: tf.Scalar;

  /** `buffers` restores saved momentum (same order as `variables`); zeros otherwise. */
  constructor(
    private readonly variables: tf.Variable[],
    momentum: number,
    weightDecay: number,
    buffers?: ArrayLike<number>[],
  ) {
    this.momentum = tf.keep(tf.scalar(momentum));
    this.weightDecay = tf.keep(tf.scalar(weightDecay));
    this.buffers = variables.map((v, i) =>
      tf.tidy(() => tf.variable(buffers ? tf.tensor(Float32Array.from(buffers[i]), v.shape) : tf.zerosLike(v), false)),
    );
  }

  /** Applies one update; `grads` are in the order of the variables. Call inside tf.tidy. */
  apply(grads: tf.Tensor[], learningRate: tf.Scalar): void {
    this.variables.forEach((w, i) => {
      const g = tf.add(grads[i], tf.mul(this.weightDecay, w));
      const buf = tf.add(tf.mul(this.momentum, this.buffers[i]), g);
      this.buffers[i].assign(buf);
      w.assign(tf.sub(w, tf.mul(learningRate, buf)));
    });
  }

  dispose(): void {
    for (const b of this.buffers) b.dispose();
    this.momentum.dispose();
    this.weightDecay.dispose();
  }
}
