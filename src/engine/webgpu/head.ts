/**
 * The network's head and training loss for the webgpu backend, fused: global average pooling, the
 * projection to the 2-D feature, the linear classifier and the (class-weighted) cross-entropy, in
 * two dispatches forward and two backward (plus four buffer copies), instead of ~34 tfjs kernels.
 *
 *   pooled = mean over pixels of h,  f = pooled·Wp + bp,  logits = f·Wc + bc,
 *   loss = Σ_b w_b·CE_b / Σ_b w_b,   w_b = the sample's class weight (1 without DRW),
 * computed as tfjs computes them (logSoftmax as logits − max − log Σ exp(logits − max)); the
 * batch sums run in one workgroup in a fixed order. Backward, with s = dloss/Σ_b w_b and p the
 * softmax: dlogits = s·w_b·(p − onehot), then the products' gradients and dh = dpooled / pixels.
 */
import * as tf from '@tensorflow/tfjs';
import { copyOwn, dispatchOwn, KERNEL_MAIN, kernelVariant, outputTensor, WORKGROUP_SIZE, type OwnKernel } from './dispatch.ts';

/** The largest batch (the app allows 512): one workgroup runs the head, each thread a few samples. */
export const MAX_HEAD_BATCH = 512;

export interface HeadParameters {
  projectionWeight: tf.Tensor2D;
  projectionBias: tf.Tensor1D;
  classifierWeight: tf.Tensor2D;
  classifierBias: tf.Tensor1D;
}

const poolKernel: OwnKernel = {
  name: 'HeadAveragePool',
  code: `
@group(0) @binding(0) var<storage, read> h: array<f32>;
@group(0) @binding(1) var<storage, read_write> pooled: array<f32>;
struct Params { size: u32, pixels: u32, channels: u32 }
@group(0) @binding(2) var<uniform> u: Params;
${KERNEL_MAIN}
  if (index >= u.size) { return; }
  let b = index / u.channels;
  let c = index % u.channels;
  var sum = 0.0;
  for (var p = 0u; p < u.pixels; p++) { sum += h[(b * u.pixels + p) * u.channels + c]; }
  pooled[index] = sum / f32(u.pixels);
}`,
};

const poolGradientKernel: OwnKernel = {
  name: 'HeadAveragePoolGradient',
  code: `
@group(0) @binding(0) var<storage, read> dPooled: array<f32>;
@group(0) @binding(1) var<storage, read_write> dh: array<f32>;
struct Params { size: u32, pixels: u32, channels: u32 }
@group(0) @binding(2) var<uniform> u: Params;
${KERNEL_MAIN}
  if (index >= u.size) { return; }
  let c = index % u.channels;
  let b = index / (u.pixels * u.channels);
  dh[index] = dPooled[b * u.channels + c] / f32(u.pixels);
}`,
};

/**
 * Per sample, the saved forward values: the feature f (D), the softmax p (K) and the weight w; the
 * total weight Σ w follows the last sample, then each thread's partial sums (scratch).
 */
const packStride = (features: number, classes: number) => features + classes + 1;
const packSize = (batch: number, features: number, classes: number) => batch * packStride(features, classes) + 1 + 2 * WORKGROUP_SIZE;

function forwardKernel(features: number, classes: number): OwnKernel {
  const [D, K] = [features, classes];
  return kernelVariant(`head-forward-${D}-${K}`, () => ({
    name: 'HeadLossForward',
    code: `
@group(0) @binding(0) var<storage, read> pooled: array<f32>;
@group(0) @binding(1) var<storage, read> projectionWeight: array<f32>;
@group(0) @binding(2) var<storage, read> projectionBias: array<f32>;
@group(0) @binding(3) var<storage, read> classifierWeight: array<f32>;
@group(0) @binding(4) var<storage, read> classifierBias: array<f32>;
@group(0) @binding(5) var<storage, read> targets: array<f32>;
@group(0) @binding(6) var<storage, read_write> loss: array<f32>;
@group(0) @binding(7) var<storage, read_write> pack: array<f32>;
struct Params { batch: u32, channels: u32 }
@group(0) @binding(8) var<uniform> u: Params;
const D = ${D}u;
const K = ${K}u;
const STRIDE = ${packStride(D, K)}u;
${KERNEL_MAIN}
  var acc = vec2<f32>(0.0);
  for (var b = local; b < u.batch; b += ${WORKGROUP_SIZE}u) {
    var f: array<f32, D>;
    for (var j = 0u; j < D; j++) {
      var s = 0.0;
      for (var c = 0u; c < u.channels; c++) { s += pooled[b * u.channels + c] * projectionWeight[c * D + j]; }
      f[j] = s + projectionBias[j];
    }
    var logits: array<f32, K>;
    var top = -3.4e38;
    for (var k = 0u; k < K; k++) {
      var s = 0.0;
      for (var j = 0u; j < D; j++) { s += f[j] * classifierWeight[j * K + k]; }
      logits[k] = s + classifierBias[k];
      top = max(top, logits[k]);
    }
    var total = 0.0;
    for (var k = 0u; k < K; k++) { total += exp(logits[k] - top); }
    let logTotal = log(total);
    var weight = 0.0;
    var weightedLoss = 0.0;
    for (var k = 0u; k < K; k++) {
      let logP = (logits[k] - top) - logTotal;
      let t = targets[b * K + k];
      weight += t;
      weightedLoss += t * logP;
      pack[b * STRIDE + D + k] = exp(logP);
    }
    for (var j = 0u; j < D; j++) { pack[b * STRIDE + j] = f[j]; }
    pack[b * STRIDE + D + K] = weight;
    acc += vec2<f32>(-weightedLoss, weight);
  }
  // The threads' partial sums, added by one thread in order (storage rather than workgroup
  // memory: SwiftShader compiles large workgroup arrays slowly).
  let scratch = u.batch * STRIDE + 1u;
  pack[scratch + 2u * local] = acc.x;
  pack[scratch + 2u * local + 1u] = acc.y;
  storageBarrier();
  if (local == 0u) {
    var total = vec2<f32>(0.0);
    for (var t = 0u; t < ${WORKGROUP_SIZE}u; t++) { total += vec2<f32>(pack[scratch + 2u * t], pack[scratch + 2u * t + 1u]); }
    loss[0] = total.x / total.y;
    pack[u.batch * STRIDE] = total.y;
  }
}`,
  }));
}

function backwardKernel(features: number, classes: number): OwnKernel {
  const [D, K] = [features, classes];
  return kernelVariant(`head-backward-${D}-${K}`, () => ({
    name: 'HeadLossBackward',
    code: `
@group(0) @binding(0) var<storage, read> pooled: array<f32>;
@group(0) @binding(1) var<storage, read> pack: array<f32>;
@group(0) @binding(2) var<storage, read> projectionWeight: array<f32>;
@group(0) @binding(3) var<storage, read> classifierWeight: array<f32>;
@group(0) @binding(4) var<storage, read> targets: array<f32>;
@group(0) @binding(5) var<storage, read> dLoss: array<f32>;
// [dWp (C×D), dbp (D), dWc (D×K), dbc (K)], then scratch: dlogits (B×K) and df (B×D).
@group(0) @binding(6) var<storage, read_write> grads: array<f32>;
@group(0) @binding(7) var<storage, read_write> dPooled: array<f32>;
struct Params { batch: u32, channels: u32 }
@group(0) @binding(8) var<uniform> u: Params;
const D = ${D}u;
const K = ${K}u;
const STRIDE = ${packStride(D, K)}u;
${KERNEL_MAIN}
  let projection = u.channels * D;
  let total = projection + D + D * K + K;
  let dLogits = total;
  let dFeatures = total + u.batch * K;
  let scale = dLoss[0] / pack[u.batch * STRIDE];
  for (var b = local; b < u.batch; b += ${WORKGROUP_SIZE}u) {
    let weight = pack[b * STRIDE + D + K];
    for (var k = 0u; k < K; k++) {
      grads[dLogits + b * K + k] = scale * (pack[b * STRIDE + D + k] * weight - targets[b * K + k]);
    }
    for (var j = 0u; j < D; j++) {
      var s = 0.0;
      for (var k = 0u; k < K; k++) { s += grads[dLogits + b * K + k] * classifierWeight[j * K + k]; }
      grads[dFeatures + b * D + j] = s;
    }
  }
  storageBarrier();
  // Each parameter gradient is a sum over the batch, in order.
  for (var o = local; o < total; o += ${WORKGROUP_SIZE}u) {
    var s = 0.0;
    if (o < projection) {
      let c = o / D;
      let j = o % D;
      for (var b = 0u; b < u.batch; b++) { s += pooled[b * u.channels + c] * grads[dFeatures + b * D + j]; }
    } else if (o < projection + D) {
      let j = o - projection;
      for (var b = 0u; b < u.batch; b++) { s += grads[dFeatures + b * D + j]; }
    } else if (o < projection + D + D * K) {
      let j = (o - projection - D) / K;
      let k = (o - projection - D) % K;
      for (var b = 0u; b < u.batch; b++) { s += pack[b * STRIDE + j] * grads[dLogits + b * K + k]; }
    } else {
      let k = o - projection - D - D * K;
      for (var b = 0u; b < u.batch; b++) { s += grads[dLogits + b * K + k]; }
    }
    grads[o] = s;
  }
  for (var e = local; e < u.batch * u.channels; e += ${WORKGROUP_SIZE}u) {
    let b = e / u.channels;
    let c = e % u.channels;
    var s = 0.0;
    for (var j = 0u; j < D; j++) { s += grads[dFeatures + b * D + j] * projectionWeight[c * D + j]; }
    dPooled[e] = s;
  }
}`,
  }));
}

/**
 * The training loss of a batch from the last block's output h [B, H, W, C]: pooling, projection,
 * classifier and cross-entropy against `oneHot` [B, K], weighted per class by `classWeights` [K]
 * when given (DRW), with its own gradient for h and the four head parameters.
 */
export function gpuHeadLoss(h: tf.Tensor4D, parameters: HeadParameters, oneHot: tf.Tensor2D, classWeights?: tf.Tensor1D): tf.Scalar {
  const [batch, height, width, channels] = h.shape;
  const [features, classes] = parameters.classifierWeight.shape;
  if (batch > MAX_HEAD_BATCH) throw new Error(`The fused head takes at most ${MAX_HEAD_BATCH} images per batch (got ${batch}).`);
  const pixels = height * width;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.at(-1) as tf.GradSaveFunc;
    const [input, projectionWeight, projectionBias, classifierWeight, classifierBias] = args as tf.Tensor[];
    // The sample's weight rides on its one-hot row: targets = onehot·w.
    const targets = classWeights ? tf.mul(oneHot, classWeights) : oneHot;
    const pooled = outputTensor([batch, channels]);
    dispatchOwn(poolKernel, {
      inputs: [input],
      outputs: [pooled],
      uniforms: [['u32', batch * channels], ['u32', pixels], ['u32', channels]],
      workgroups: Math.ceil((batch * channels) / WORKGROUP_SIZE),
      loop: pixels,
    });
    const loss = outputTensor([]) as tf.Scalar;
    const pack = outputTensor([packSize(batch, features, classes)]);
    dispatchOwn(forwardKernel(features, classes), {
      inputs: [pooled, projectionWeight, projectionBias, classifierWeight, classifierBias, targets],
      outputs: [loss, pack],
      uniforms: [['u32', batch], ['u32', channels]],
      workgroups: 1,
      loop: Math.ceil(batch / WORKGROUP_SIZE) * channels * features,
    });
    save([pooled, pack, projectionWeight, classifierWeight, targets]);
    return {
      value: loss,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedPooled, savedPack, savedProjection, savedClassifier, savedTargets] = saved;
        const grads = outputTensor([channels * features + features + features * classes + classes + batch * (classes + features)]);
        const dPooled = outputTensor([batch, channels]);
        dispatchOwn(backwardKernel(features, classes), {
          inputs: [savedPooled, savedPack, savedProjection, savedClassifier, savedTargets, dy],
          outputs: [grads, dPooled],
          uniforms: [['u32', batch], ['u32', channels]],
          workgroups: 1,
          loop: batch,
        });
        const dh = outputTensor(h.shape);
        dispatchOwn(poolGradientKernel, {
          inputs: [dPooled],
          outputs: [dh],
          uniforms: [['u32', h.size], ['u32', pixels], ['u32', channels]],
          workgroups: Math.ceil(h.size / WORKGROUP_SIZE),
          loop: null,
        });
        dPooled.dispose();
        // Split [dWp, dbp, dWc, dbc] into the parameters' gradients.
        const shapes = [[channels, features], [features], [features, classes], [classes]];
        let offset = 0;
        const parameterGrads = shapes.map((shape) => {
          const g = outputTensor(shape);
          copyOwn(grads, offset, g, 0, g.size);
          offset += g.size;
          return g;
        });
        grads.dispose();
        return [dh, ...parameterGrads];
      },
    };
  });
  const { projectionWeight, projectionBias, classifierWeight, classifierBias } = parameters;
  return op(h, projectionWeight, projectionBias, classifierWeight, classifierBias) as tf.Scalar;
}
