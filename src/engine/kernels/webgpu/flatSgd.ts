/**
 * SGD with momentum and weight decay (PyTorch semantics, as sgd.ts) for every parameter of a network
 * in one dispatch on webgpu, instead of ~6 per parameter. The parameters and their momentum live in
 * two flat buffers; each step copies the gradients into a third, updates all three in one kernel
 * and copies the new values back into the variables the network computes with. Copies are commands
 * of the encoder, not dispatches: no shader, uniforms or bind group each.
 */
import * as tf from '@tensorflow/tfjs';
import type { Sgd } from '../../sgd.ts';
import { copyOwn, dispatchOwn, KERNEL_MAIN, outputTensor, WORKGROUP_SIZE, type OwnKernel } from './dispatch.ts';

const sgdKernel: OwnKernel = {
  name: 'SgdMomentumWeightDecay',
  code: `
@group(0) @binding(0) var<storage, read> gradient: array<f32>;
@group(0) @binding(1) var<storage, read_write> weights: array<f32>;
@group(0) @binding(2) var<storage, read_write> momentum: array<f32>;
struct Params { size: u32, learningRate: f32, momentum: f32, weightDecay: f32 }
@group(0) @binding(3) var<uniform> u: Params;
${KERNEL_MAIN}
  if (index >= u.size) { return; }
  let w = weights[index];
  // The stock update's operations, in its order: g + wd·w; m·buf + g; w − lr·buf.
  let g = gradient[index] + u.weightDecay * w;
  let buf = u.momentum * momentum[index] + g;
  momentum[index] = buf;
  weights[index] = w - u.learningRate * buf;
}`,
};

export class FlatSgd implements Sgd {
  private readonly offsets: number[];
  private readonly size: number;
  private readonly weights: tf.Tensor;
  private readonly momentumBuffer: tf.Tensor;
  private readonly gradient: tf.Tensor;

  /** `buffers` restores saved momentum (same order as `variables`); zeros otherwise. */
  constructor(
    private readonly variables: tf.Variable[],
    private readonly momentum: number,
    private readonly weightDecay: number,
    buffers?: ArrayLike<number>[],
  ) {
    this.offsets = [];
    let size = 0;
    for (const v of variables) {
      this.offsets.push(size);
      size += v.size;
    }
    this.size = size;
    this.weights = tf.keep(outputTensor([size]));
    variables.forEach((v, i) => copyOwn(v, 0, this.weights, this.offsets[i], v.size));
    const initialMomentum = new Float32Array(size);
    buffers?.forEach((b, i) => initialMomentum.set(Float32Array.from(b), this.offsets[i]));
    this.momentumBuffer = tf.keep(tf.tensor1d(initialMomentum));
    this.gradient = tf.keep(outputTensor([size]));
  }

  /** Applies one update; `grads` are in the order of the variables. */
  apply(grads: tf.Tensor[], learningRate: number): void {
    grads.forEach((g, i) => copyOwn(g, 0, this.gradient, this.offsets[i], g.size));
    dispatchOwn(sgdKernel, {
      inputs: [this.gradient],
      outputs: [this.weights, this.momentumBuffer],
      uniforms: [['u32', this.size], ['f32', learningRate], ['f32', this.momentum], ['f32', this.weightDecay]],
      workgroups: Math.ceil(this.size / WORKGROUP_SIZE),
      loop: null,
    });
    this.variables.forEach((v, i) => copyOwn(this.weights, this.offsets[i], v, 0, v.size));
  }

  /** The momentum buffers, one per variable (for saving). */
  async momentumValues(): Promise<Float32Array[]> {
    const flat = (await this.momentumBuffer.data()) as Float32Array;
    return this.variables.map((v, i) => flat.slice(this.offsets[i], this.offsets[i] + v.size));
  }

  dispose(): void {
    this.weights.dispose();
    this.momentumBuffer.dispose();
    this.gradient.dispose();
  }
}
