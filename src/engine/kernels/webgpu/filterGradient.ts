/**
 * The 3×3 convolution's filter gradient (padding 1, stride 1 or 2) on the webgpu backend, parallel
 * and deterministic. tfjs's Conv2DBackpropFilter runs one thread per filter element, each looping
 * over the whole batch (at batch 128 the stem's gradient is 432 threads × 131,072 iterations). Here
 *   dW[p, q, c, o] = Σ_{b,i,j} x[b, s·i + p − 1, s·j + q − 1, c] · dy[b, i, j, o]
 * is summed in two passes: each thread of the first adds one chunk of `rowsPerChunk` output pixels
 * (b, i, j) for one filter element; in the second, 16 threads per filter element add every 16th
 * chunk in index order and then each other's sums in a fixed tree. At batch 128 the first pass
 * runs ≥ 100,000 threads and the second ≥ 4,096 (ResNet-32's stem), none loops over more than a
 * chunk or a sixteenth of the chunks, and no atomics are involved: the result is the same bit for
 * bit on every run. The op using it is fusedConv.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { filterGradientChunks } from '../filterGradientChunks.ts';
import { dispatchOwn, KERNEL_MAIN, outputTensor, WORKGROUP_SIZE, type OwnKernel } from './dispatch.ts';

const PADDING = 1;
const KERNEL = 3;
/** Output pixels (batch × rows × columns) each first-pass thread adds up. */
export const DEFAULT_FILTER_ROWS_PER_CHUNK = 512;

const partialsKernel: OwnKernel = {
  name: 'FilterGradientChunks',
  code: `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;
struct Params {
  height: u32, width: u32, inChannels: u32, outHeight: u32, outWidth: u32, outChannels: u32,
  stride: u32, rows: u32, rowsPerChunk: u32, count: u32,
}
@group(0) @binding(3) var<uniform> u: Params;
${KERNEL_MAIN}
  if (index >= u.count) { return; }
  // index = (chunk, p, q, c, o), o fastest, as dW's [3, 3, C_in, C_out] layout.
  let filterSize = ${KERNEL * KERNEL}u * u.inChannels * u.outChannels;
  let element = index % filterSize;
  let o = element % u.outChannels;
  let c = (element / u.outChannels) % u.inChannels;
  let q = i32((element / (u.outChannels * u.inChannels)) % ${KERNEL}u);
  let p = i32(element / (u.outChannels * u.inChannels * ${KERNEL}u));
  let first = (index / filterSize) * u.rowsPerChunk;
  let last = min(first + u.rowsPerChunk, u.rows);
  // The chunk's first output pixel (b, i, j); then walk pixels in order.
  var j = first % u.outWidth;
  var i = (first / u.outWidth) % u.outHeight;
  var b = first / (u.outWidth * u.outHeight);
  var sum = 0.0;
  for (var r = first; r < last; r++) {
    let row = i32(u.stride * i) + p - ${PADDING};
    let col = i32(u.stride * j) + q - ${PADDING};
    if (row >= 0 && row < i32(u.height) && col >= 0 && col < i32(u.width)) {
      sum += x[((b * u.height + u32(row)) * u.width + u32(col)) * u.inChannels + c] * dy[r * u.outChannels + o];
    }
    j++;
    if (j == u.outWidth) { j = 0u; i++; if (i == u.outHeight) { i = 0u; b++; } }
  }
  partials[index] = sum;
}`,
};

/** Threads adding up the chunks of one filter element in the second pass (a power of two). */
const SUM_LANES = 16;

const sumKernel: OwnKernel = {
  name: 'FilterGradientSum',
  code: `
@group(0) @binding(0) var<storage, read> partials: array<f32>;
@group(0) @binding(1) var<storage, read_write> dW: array<f32>;
struct Params { size: u32, chunks: u32 }
@group(0) @binding(2) var<uniform> u: Params;
const ELEMENTS = ${WORKGROUP_SIZE / SUM_LANES}u;
var<workgroup> sums: array<f32, ${WORKGROUP_SIZE}>;
${KERNEL_MAIN}
  // ELEMENTS consecutive filter elements per workgroup; lane l adds chunks l, l + LANES, … in
  // order, then the lanes are added in a fixed tree: the same sum, bit for bit, on every run.
  let lane = local / ELEMENTS;
  let element = group * ELEMENTS + local % ELEMENTS;
  var sum = 0.0;
  if (element < u.size) {
    for (var k = lane; k < u.chunks; k += ${SUM_LANES}u) { sum += partials[k * u.size + element]; }
  }
  sums[local] = sum;
  workgroupBarrier();
  for (var stride = ${SUM_LANES / 2}u; stride > 0u; stride /= 2u) {
    if (lane < stride) { sums[local] += sums[local + stride * ELEMENTS]; }
    workgroupBarrier();
  }
  if (lane == 0u && element < u.size) { dW[element] = sums[local]; }
}`,
};

/** dW of y = conv3×3(x, W, stride) for the upstream gradient dy, by the two passes above. */
export function gpuFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, stride: number, rowsPerChunk = DEFAULT_FILTER_ROWS_PER_CHUNK): tf.Tensor4D {
  const { height, width, inChannels, outHeight, outWidth, outChannels, rows, chunkRows, chunks } = filterGradientChunks(x.shape, dy.shape, stride, rowsPerChunk);
  const filterSize = KERNEL * KERNEL * inChannels * outChannels;
  const partials = outputTensor([chunks, filterSize]);
  dispatchOwn(partialsKernel, {
    inputs: [x, dy],
    outputs: [partials],
    uniforms: [
      ['u32', height], ['u32', width], ['u32', inChannels], ['u32', outHeight], ['u32', outWidth], ['u32', outChannels],
      ['u32', stride], ['u32', rows], ['u32', chunkRows], ['u32', chunks * filterSize],
    ],
    workgroups: Math.ceil((chunks * filterSize) / WORKGROUP_SIZE),
    loop: chunkRows,
  });
  const dW = outputTensor([KERNEL, KERNEL, inChannels, outChannels]) as tf.Tensor4D;
  dispatchOwn(sumKernel, {
    inputs: [partials],
    outputs: [dW],
    uniforms: [['u32', filterSize], ['u32', chunks]],
    workgroups: Math.ceil((filterSize * SUM_LANES) / WORKGROUP_SIZE),
    loop: Math.ceil(chunks / SUM_LANES) + Math.log2(SUM_LANES),
  });
  partials.dispose();
  return dW;
}
