/**
 * SGD with momentum and weight decay, PyTorch semantics (tfjs optimizers have no weight decay):
 *   g ← g + wd·w;  buf ← m·buf + g;  w ← w − lr·buf.
 * Weight decay applies to every learned variable (BN γ/β and biases too), as LDAM-DRW's
 * `SGD(model.parameters(), weight_decay=2e-4)` does.
 */
import * as tf from '@tensorflow/tfjs';

/** What the trainer needs of an optimiser. */
export interface Sgd {
  /** Applies one update; `grads` are in the order of the variables. Call inside tf.tidy. */
  apply(grads: tf.Tensor[], learningRate: number): void;
  /** The momentum buffers, one per variable (for saving). */
  momentumValues(): Promise<Float32Array[]>;
  dispose(): void;
}

/** The stock composition: a few tfjs element-wise ops per variable. */
export class MomentumSgd implements Sgd {
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

  apply(grads: tf.Tensor[], learningRate: number): void {
    const lr = tf.scalar(learningRate);
    this.variables.forEach((w, i) => {
      const g = tf.add(grads[i], tf.mul(this.weightDecay, w));
      const buf = tf.add(tf.mul(this.momentum, this.buffers[i]), g);
      this.buffers[i].assign(buf);
      w.assign(tf.sub(w, tf.mul(lr, buf)));
    });
  }

  async momentumValues(): Promise<Float32Array[]> {
    return Promise.all(this.buffers.map(async (b) => (await b.data()) as Float32Array));
  }

  dispose(): void {
    for (const b of this.buffers) b.dispose();
    this.momentum.dispose();
    this.weightDecay.dispose();
  }
}
