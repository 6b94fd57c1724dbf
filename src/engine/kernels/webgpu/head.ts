/**
 * The network's head and training loss for the webgpu backend, fused: global average pooling, the
 * projection to the 2-D feature, the classifier (linear, or cosine as LDAM's NormedLinear) and the
 * cross-entropy against a target matrix, in two dispatches forward and two backward (plus buffer
 * copies of the loss and of each parameter gradient), instead of ~34 tfjs kernels.
 *
 *   pooled = mean over pixels of h,  f = pooled·Wp + bp,
 *   linear:  z = f·Wc + bc + O,
 *   cosine:  z_k = scale·⟨f/max(‖f‖, ε), w_k/max(‖w_k‖, ε)⟩ + O_k,  w_k column k of Wc, ε = 1e-12,
 *   loss = Σ_n Σ_k −T[n,k]·logSoftmax(z)[n,k] / Σ_n Σ_k T[n,k],
 * with O the optional logit offsets (LDAM's margins, no gradient) and T any non-negative targets:
 * one-hot rows give the mean cross-entropy, rows scaled by class weights DRW's weighted mean,
 * mixed rows a mixed label. logSoftmax is computed as tfjs computes it (z − max − log Σ exp(z −
 * max)); sums over the batch run in one workgroup in a fixed order, so results are the same bit for
 * bit every time. Backward, with s = dloss / Σ T and p the softmax:
 *   dz = s·(p·rowsum(T) − T),
 *   linear:  df = dz·Wcᵀ,  dWc = fᵀ·dz,  dbc = Σ_n dz,
 *   cosine:  with u = f/max(‖f‖, ε), v_k = w_k/max(‖w_k‖, ε) and g = scale·dz:
 *            du = Σ_k g_k·v_k,  dv_k = Σ_n g_{n,k}·u_n, and through each normalisation x → x/max(‖x‖, ε)
 *            (PyTorch's F.normalize) dx = (dy − y·⟨y, dy⟩)/‖x‖ where ‖x‖ ≥ ε, dy/ε where it is clamped,
 * then dWp = pooledᵀ·df, dbp = Σ_n df and dh = df·Wpᵀ / pixels at every pixel.
 */
import * as tf from '@tensorflow/tfjs';
import { copyOwn, dispatchOwn, KERNEL_MAIN, kernelVariant, outputTensor, WORKGROUP_SIZE, type OwnKernel } from './dispatch.ts';

/** The largest batch (the app allows 512): one workgroup runs the head, each thread a few samples. */
export const MAX_HEAD_BATCH = 512;

export interface HeadParameters {
  projectionWeight: tf.Tensor2D;
  projectionBias: tf.Tensor1D;
  /** [D, K]: column k is class k's weight vector. */
  classifierWeight: tf.Tensor2D;
  /** Linear head only (the cosine head has none); without it the linear head has no bias. */
  classifierBias?: tf.Tensor1D;
}

export interface HeadOptions {
  /** [B, K], added to the logits before the softmax (LDAM's −s·m_y on the target column); no gradient. */
  logitOffsets?: tf.Tensor2D;
  /** The cosine classifier (LDAM's NormedLinear) with this scale instead of the linear one. */
  cosine?: { scale: number };
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

interface Variant {
  features: number;
  classes: number;
  bias: boolean;
  offsets: boolean;
  cosine: boolean;
}

const variantKey = (v: Variant) => `${v.features}-${v.classes}-${v.bias ? 'bias' : 'nobias'}-${v.offsets ? 'offsets' : 'nooffsets'}-${v.cosine ? 'cosine' : 'linear'}`;

/**
 * Per sample, the saved forward values: the feature f (D), the softmax p (K), the target row's sum
 * and ‖f‖ (cosine); the total Σ T and the loss follow the last sample, then each thread's partial
 * sums (scratch). The loss is copied out of it: a binding of its own would make nine storage
 * buffers with bias and offsets, one more than WebGPU's default limit per shader stage.
 */
const packStride = (features: number, classes: number) => features + classes + 2;
const packSize = (batch: number, features: number, classes: number) => batch * packStride(features, classes) + 2 + 2 * WORKGROUP_SIZE;

/** WGSL: the lengths of Wc's columns, ‖w_k‖ in `columnLength` (for the cosine head). */
const columnLengths = `
  var columnLength: array<f32, K>;
  for (var k = 0u; k < K; k++) {
    var s = 0.0;
    for (var j = 0u; j < D; j++) { s += classifierWeight[j * K + k] * classifierWeight[j * K + k]; }
    columnLength[k] = sqrt(s);
  }`;

function forwardKernel(v: Variant): OwnKernel {
  const { features: D, classes: K } = v;
  const bindings = ['pooled', 'projectionWeight', 'projectionBias', 'classifierWeight', ...(v.bias ? ['classifierBias'] : []), 'targets', ...(v.offsets ? ['offsets'] : [])];
  const logit = v.cosine
    ? `var s = 0.0;
      for (var j = 0u; j < D; j++) { s += (f[j] / featureNorm) * (classifierWeight[j * K + k] / max(columnLength[k], EPS)); }
      logits[k] = u.scale * s${v.offsets ? ' + offsets[b * K + k]' : ''};`
    : `var s = 0.0;
      for (var j = 0u; j < D; j++) { s += f[j] * classifierWeight[j * K + k]; }
      logits[k] = s${v.bias ? ' + classifierBias[k]' : ''}${v.offsets ? ' + offsets[b * K + k]' : ''};`;
  return kernelVariant(`head-forward-${variantKey(v)}`, () => ({
    name: 'HeadLossForward',
    code: `
${bindings.map((name, i) => `@group(0) @binding(${i}) var<storage, read> ${name}: array<f32>;`).join('\n')}
@group(0) @binding(${bindings.length}) var<storage, read_write> pack: array<f32>;
struct Params { batch: u32, channels: u32, scale: f32 }
@group(0) @binding(${bindings.length + 1}) var<uniform> u: Params;
const D = ${D}u;
const K = ${K}u;
const STRIDE = ${packStride(D, K)}u;
const EPS = 1e-12;
${KERNEL_MAIN}${v.cosine ? columnLengths : ''}
  var acc = vec2<f32>(0.0);
  for (var b = local; b < u.batch; b += ${WORKGROUP_SIZE}u) {
    var f: array<f32, D>;
    for (var j = 0u; j < D; j++) {
      var s = 0.0;
      for (var c = 0u; c < u.channels; c++) { s += pooled[b * u.channels + c] * projectionWeight[c * D + j]; }
      f[j] = s + projectionBias[j];
    }${v.cosine ? `
    var squares = 0.0;
    for (var j = 0u; j < D; j++) { squares += f[j] * f[j]; }
    let featureLength = sqrt(squares);
    let featureNorm = max(featureLength, EPS);
    pack[b * STRIDE + D + K + 1u] = featureLength;` : ''}
    var logits: array<f32, K>;
    var top = -3.4e38;
    for (var k = 0u; k < K; k++) {
      ${logit}
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
  let scratch = u.batch * STRIDE + 2u;
  pack[scratch + 2u * local] = acc.x;
  pack[scratch + 2u * local + 1u] = acc.y;
  storageBarrier();
  if (local == 0u) {
    var total = vec2<f32>(0.0);
    for (var t = 0u; t < ${WORKGROUP_SIZE}u; t++) { total += vec2<f32>(pack[scratch + 2u * t], pack[scratch + 2u * t + 1u]); }
    pack[u.batch * STRIDE] = total.y;
    pack[u.batch * STRIDE + 1u] = total.x / total.y;
  }
}`,
  }));
}

/** Floats of the backward kernel's `grads`: the parameter gradients, then its scratch. */
const gradsSize = (v: Variant, batch: number, channels: number) =>
  parameterGradsSize(v, channels) + batch * (v.classes + v.features) + (v.cosine ? v.features * v.classes : 0);
const parameterGradsSize = (v: Variant, channels: number) => channels * v.features + v.features + v.features * v.classes + (v.bias ? v.classes : 0);

function backwardKernel(v: Variant): OwnKernel {
  const { features: D, classes: K } = v;
  // Per sample, df from dz: through Wc, or through the cosine and f's normalisation.
  const featureGradient = v.cosine
    ? `let featureLength = pack[b * STRIDE + D + K + 1u];
    let featureNorm = max(featureLength, EPS);
    var du: array<f32, D>;
    var dot = 0.0;
    for (var j = 0u; j < D; j++) {
      var s = 0.0;
      for (var k = 0u; k < K; k++) { s += grads[dLogits + b * K + k] * (classifierWeight[j * K + k] / max(columnLength[k], EPS)); }
      du[j] = u.scale * s;
      dot += (pack[b * STRIDE + j] / featureNorm) * du[j];
    }
    for (var j = 0u; j < D; j++) {
      let unit = pack[b * STRIDE + j] / featureNorm;
      grads[dFeatures + b * D + j] = select(du[j], du[j] - unit * dot, featureLength >= EPS) / featureNorm;
    }`
    : `for (var j = 0u; j < D; j++) {
      var s = 0.0;
      for (var k = 0u; k < K; k++) { s += grads[dLogits + b * K + k] * classifierWeight[j * K + k]; }
      grads[dFeatures + b * D + j] = s;
    }`;
  // Wc's entry (j, k): linear, Σ_n f_j·dz_k; cosine, dv (Σ_n u_j·g_k) into scratch, Wc's gradient after the barrier.
  const classifierGradient = v.cosine
    ? `for (var b = 0u; b < u.batch; b++) {
        let featureNorm = max(pack[b * STRIDE + D + K + 1u], EPS);
        s += (pack[b * STRIDE + j] / featureNorm) * (u.scale * grads[dLogits + b * K + k]);
      }
      grads[dDirections + j * K + k] = s;
      continue;`
    : `for (var b = 0u; b < u.batch; b++) { s += pack[b * STRIDE + j] * grads[dLogits + b * K + k]; }`;
  const biasGradient = v.bias
    ? ` else {
      let k = o - classifier - D * K;
      for (var b = 0u; b < u.batch; b++) { s += grads[dLogits + b * K + k]; }
    }`
    : '';
  const cosineClassifier = v.cosine
    ? `
  storageBarrier();
  for (var e = local; e < D * K; e += ${WORKGROUP_SIZE}u) {
    let k = e % K;
    let columnNorm = max(columnLength[k], EPS);
    var dot = 0.0;
    for (var i = 0u; i < D; i++) { dot += (classifierWeight[i * K + k] / columnNorm) * grads[dDirections + i * K + k]; }
    let direction = grads[dDirections + e];
    let unit = classifierWeight[e] / columnNorm;
    grads[classifier + e] = select(direction, direction - unit * dot, columnLength[k] >= EPS) / columnNorm;
  }`
    : '';
  return kernelVariant(`head-backward-${variantKey(v)}`, () => ({
    name: 'HeadLossBackward',
    code: `
@group(0) @binding(0) var<storage, read> pooled: array<f32>;
@group(0) @binding(1) var<storage, read> pack: array<f32>;
@group(0) @binding(2) var<storage, read> projectionWeight: array<f32>;
@group(0) @binding(3) var<storage, read> classifierWeight: array<f32>;
@group(0) @binding(4) var<storage, read> targets: array<f32>;
@group(0) @binding(5) var<storage, read> dLoss: array<f32>;
// [dWp (C×D), dbp (D), dWc (D×K)${v.bias ? ', dbc (K)' : ''}], then scratch: dz (B×K), df (B×D)${v.cosine ? ', dv (D×K)' : ''}.
@group(0) @binding(6) var<storage, read_write> grads: array<f32>;
@group(0) @binding(7) var<storage, read_write> dPooled: array<f32>;
struct Params { batch: u32, channels: u32, scale: f32 }
@group(0) @binding(8) var<uniform> u: Params;
const D = ${D}u;
const K = ${K}u;
const STRIDE = ${packStride(D, K)}u;
const EPS = 1e-12;
${KERNEL_MAIN}${v.cosine ? columnLengths : ''}
  let projection = u.channels * D;
  let classifier = projection + D;
  let total = classifier + D * K${v.bias ? ' + K' : ''};
  let dLogits = total;
  let dFeatures = dLogits + u.batch * K;${v.cosine ? `
  let dDirections = dFeatures + u.batch * D;` : ''}
  let scale = dLoss[0] / pack[u.batch * STRIDE];
  for (var b = local; b < u.batch; b += ${WORKGROUP_SIZE}u) {
    let weight = pack[b * STRIDE + D + K];
    for (var k = 0u; k < K; k++) {
      grads[dLogits + b * K + k] = scale * (pack[b * STRIDE + D + k] * weight - targets[b * K + k]);
    }
    ${featureGradient}
  }
  storageBarrier();
  // Each parameter gradient is a sum over the batch, in order.
  for (var o = local; o < total; o += ${WORKGROUP_SIZE}u) {
    var s = 0.0;
    if (o < projection) {
      let c = o / D;
      let j = o % D;
      for (var b = 0u; b < u.batch; b++) { s += pooled[b * u.channels + c] * grads[dFeatures + b * D + j]; }
    } else if (o < classifier) {
      let j = o - projection;
      for (var b = 0u; b < u.batch; b++) { s += grads[dFeatures + b * D + j]; }
    } else if (o < classifier + D * K) {
      let j = (o - classifier) / K;
      let k = (o - classifier) % K;
      ${classifierGradient}
    }${biasGradient}
    grads[o] = s;
  }
  for (var e = local; e < u.batch * u.channels; e += ${WORKGROUP_SIZE}u) {
    let b = e / u.channels;
    let c = e % u.channels;
    var s = 0.0;
    for (var j = 0u; j < D; j++) { s += grads[dFeatures + b * D + j] * projectionWeight[c * D + j]; }
    dPooled[e] = s;
  }${cosineClassifier}
}`,
  }));
}

/**
 * The training loss of a batch from the last block's output h [B, H, W, C]: pooling, projection,
 * classifier and cross-entropy against `targets` [B, K] (one-hot rows, weighted or mixed), with its
 * own gradient for h and the head's parameters (classifierBias's only when it is given).
 */
export function gpuHeadLoss(h: tf.Tensor4D, parameters: HeadParameters, targets: tf.Tensor2D, options: HeadOptions = {}): tf.Scalar {
  const [batch, height, width, channels] = h.shape;
  const { projectionWeight, projectionBias, classifierWeight, classifierBias } = parameters;
  const [features, classes] = classifierWeight.shape;
  const { logitOffsets, cosine } = options;
  if (batch > MAX_HEAD_BATCH) throw new Error(`The fused head takes at most ${MAX_HEAD_BATCH} images per batch (got ${batch}).`);
  if (cosine && classifierBias) throw new Error('The fused cosine head has no classifier bias (LDAM\'s NormedLinear): leave classifierBias out.');
  const expectShape = (name: string, tensor: tf.Tensor, shape: number[]) => {
    if (!tf.util.arraysEqual(tensor.shape, shape)) throw new Error(`The fused head's ${name} is [${tensor.shape}], not [${shape}].`);
  };
  expectShape('projectionWeight', projectionWeight, [channels, features]);
  expectShape('projectionBias', projectionBias, [features]);
  if (classifierBias) expectShape('classifierBias', classifierBias, [classes]);
  expectShape('targets', targets, [batch, classes]);
  if (logitOffsets) expectShape('logitOffsets', logitOffsets, [batch, classes]);
  const variant: Variant = { features, classes, bias: classifierBias !== undefined, offsets: logitOffsets !== undefined, cosine: cosine !== undefined };
  const uniforms: [['u32', number], ['u32', number], ['f32', number]] = [['u32', batch], ['u32', channels], ['f32', cosine?.scale ?? 1]];
  const pixels = height * width;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.at(-1) as tf.GradSaveFunc;
    const [input, wp, bp, wc, bc] = args.slice(0, -1) as tf.Tensor[];
    const pooled = outputTensor([batch, channels]);
    dispatchOwn(poolKernel, {
      inputs: [input],
      outputs: [pooled],
      uniforms: [['u32', batch * channels], ['u32', pixels], ['u32', channels]],
      workgroups: Math.ceil((batch * channels) / WORKGROUP_SIZE),
      loop: pixels,
    });
    const pack = outputTensor([packSize(batch, features, classes)]);
    dispatchOwn(forwardKernel(variant), {
      inputs: [pooled, wp, bp, wc, ...(bc ? [bc] : []), targets, ...(logitOffsets ? [logitOffsets] : [])],
      outputs: [pack],
      uniforms,
      workgroups: 1,
      loop: Math.ceil(batch / WORKGROUP_SIZE) * channels * features,
    });
    const loss = outputTensor([]) as tf.Scalar;
    copyOwn(pack, batch * packStride(features, classes) + 1, loss, 0, 1);
    save([pooled, pack, wp, wc, targets]);
    return {
      value: loss,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedPooled, savedPack, savedProjection, savedClassifier, savedTargets] = saved;
        const grads = outputTensor([gradsSize(variant, batch, channels)]);
        const dPooled = outputTensor([batch, channels]);
        dispatchOwn(backwardKernel(variant), {
          inputs: [savedPooled, savedPack, savedProjection, savedClassifier, savedTargets, dy],
          outputs: [grads, dPooled],
          uniforms,
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
        const shapes = [[channels, features], [features], [features, classes], ...(variant.bias ? [[classes]] : [])];
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
  return op(h, projectionWeight, projectionBias, classifierWeight, ...(classifierBias ? [classifierBias] : [])) as tf.Scalar;
}
