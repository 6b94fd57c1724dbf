/**
 * The convolution and batch norm of the CPU backends (`cpu`, `wasm`), with gradients written as
 * forward convolutions and broadcasts. tfjs's own gradients are slow there: Conv2DBackpropInput
 * took half of a wasm training step, the batch-norm gradient's Tile another fifth, and
 * tfjs-backend-wasm has no Conv2DBackpropFilter at all. A forward convolution runs on XNNPACK in
 * wasm. Every gradient here equals tfjs's own within float32 rounding (gradients.test.ts).
 *
 * All convolutions are 3×3 with PyTorch's padding (1 pixel on every side) and stride 1 or 2.
 */
import * as tf from '@tensorflow/tfjs';

const PADDING = 1;
const KERNEL = 3;

/**
 * The filter rearranged so that one stride-1 forward convolution of dy computes dx.
 *
 * dx[m] = Σ_{i, p : s·i + p = m + 1} dy[i]·W[p] per spatial axis (padding 1). For stride 1 that is
 * a 3×3 convolution of dy (padding 1) with the flipped filter, input and output channels swapped.
 * For stride 2 the even and odd output pixels (phases) use different taps:
 *   dx[2j] = dy[j]·W[1],   dx[2j + 1] = dy[j]·W[2] + dy[j + 1]·W[0],
 * so a 2×2 convolution of dy (one zero row and column appended) whose 4·C_in output channels hold
 * the four phases (row phase, column phase, channel), followed by depth-to-space, computes dx
 * exactly, without the zeros a dilated dy would multiply.
 */
function inputGradientFilter(filter: tf.Tensor4D, stride: number): tf.Tensor4D {
  const [, , inChannels, outChannels] = filter.shape;
  // taps[k][a]: the filter tap that kernel offset k contributes to output phase a, or −1 (none).
  const taps = stride === 1 ? [[2], [1], [0]] : [[1, 2], [-1, 0]];
  const size = taps.length;
  const phases = taps[0].length;
  const index: number[] = [];
  for (let kh = 0; kh < size; kh++) {
    for (let kw = 0; kw < size; kw++) {
      for (let ah = 0; ah < phases; ah++) {
        for (let aw = 0; aw < phases; aw++) {
          const [th, tw] = [taps[kh][ah], taps[kw][aw]];
          index.push(th < 0 || tw < 0 ? KERNEL * KERNEL : th * KERNEL + tw);
        }
      }
    }
  }
  return tf.tidy(() => {
    // [C_out, tap, C_in] with an extra all-zero tap (index 9) for the missing ones.
    const byTap = tf.reshape(tf.transpose(filter, [3, 0, 1, 2]), [outChannels, KERNEL * KERNEL, inChannels]);
    const withZero = tf.pad(byTap, [[0, 0], [0, 1], [0, 0]]);
    const gathered = tf.gather(withZero, tf.tensor1d(index, 'int32'), 1);
    const perOffset = tf.transpose(tf.reshape(gathered, [outChannels, size * size, phases * phases * inChannels]), [1, 0, 2]);
    return tf.reshape(perOffset, [size, size, outChannels, phases * phases * inChannels]);
  });
}

/**
 * tf.depthToSpace with block size 2, as one transpose of contiguous row blocks: out[b, 2h + a, 2w + a', c]
 * = in[b, h, w, (a, a', c)]. tfjs-backend-wasm's DepthToSpace kernel copies element by element and
 * took 30× longer.
 */
function depthToSpace2(x: tf.Tensor4D): tf.Tensor4D {
  const [batch, height, width, depth] = x.shape;
  const rows = tf.reshape(x, [batch * height, width, 2, depth / 2]);
  return tf.reshape(tf.transpose(rows, [0, 2, 1, 3]), [batch, 2 * height, 2 * width, depth / 4]);
}

/** A stride-1 convolution with zero padding [[top, bottom], [left, right]]: tfjs's, or the wasm kernels' own. */
export type StrideOneConv = (x: tf.Tensor4D, filter: tf.Tensor4D, padding: [[number, number], [number, number]]) => tf.Tensor4D;

const tfjsConv: StrideOneConv = (x, filter, [rows, columns]) => tf.conv2d(x, filter, 1, [[0, 0], rows, columns, [0, 0]]);

/** dx of y = conv3×3(x, filter, stride) for the upstream gradient dy, by one forward convolution (`conv`). */
export function convInputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, inputShape: readonly number[], stride: number, conv: StrideOneConv = tfjsConv): tf.Tensor4D {
  if (stride !== 1 && stride !== 2) throw new Error(`conv3x3: stride ${stride} is not supported (1 or 2).`);
  return tf.tidy(() => {
    const kernel = inputGradientFilter(filter, stride);
    if (stride === 1) return conv(dy, kernel, [[PADDING, PADDING], [PADDING, PADDING]]);
    const phases = conv(dy, kernel, [[0, 1], [0, 1]]);
    const full = depthToSpace2(phases);
    const [, height, width] = inputShape;
    return full.shape[1] === height && full.shape[2] === width ? full : tf.slice(full, [0, 0, 0, 0], [-1, height, width, -1]);
  });
}

/**
 * dW of y = conv3×3(x, filter, stride) by a forward convolution:
 *   dW[p, q, c, o] = Σ_{b,i,j} x_pad[b, s·i + p, s·j + q, c] · dy[b, i, j, o]
 * is a valid convolution of x_pad transposed to [C_in, H, W, B] (images ↔ channels) by dy
 * transposed to [H_out, W_out, B, C_out], with dilation s; its first 3×3 outputs, transposed
 * back to [3, 3, C_in, C_out], are dW.
 */
export function convFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, stride: number): tf.Tensor4D {
  return tf.tidy(() => {
    const padded = tf.pad(x, [[0, 0], [PADDING, PADDING], [PADDING, PADDING], [0, 0]]);
    const images = tf.transpose(padded, [3, 1, 2, 0]);
    const kernel = tf.transpose(dy, [1, 2, 0, 3]);
    const full = tf.conv2d(images, kernel, 1, 'valid', 'NHWC', stride);
    const cropped = full.shape[1] === KERNEL && full.shape[2] === KERNEL ? full : tf.slice(full, [0, 0, 0, 0], [-1, KERNEL, KERNEL, -1]);
    return tf.transpose(cropped, [1, 2, 0, 3]);
  });
}

const convByStride = new Map<number, (x: tf.Tensor4D, filter: tf.Tensor4D) => tf.Tensor4D>();

/** y = conv3×3(x, filter) with stride 1 or 2 and 1-pixel zero padding, with the gradients above. */
export function cpuConv3x3(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number): tf.Tensor4D {
  let conv = convByStride.get(stride);
  if (!conv) {
    const custom = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [input, weights, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
      save([input, weights]);
      return {
        value: tf.conv2d(input, weights, stride, PADDING),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [savedX, savedFilter] = saved as [tf.Tensor4D, tf.Tensor4D];
          return [convInputGradient(dy as tf.Tensor4D, savedFilter, savedX.shape, stride), convFilterGradient(savedX, dy as tf.Tensor4D, stride)];
        },
      };
    });
    conv = (a, b) => custom(a, b) as tf.Tensor4D;
    convByStride.set(stride, conv);
  }
  return conv(x, filter);
}

/** Batch statistics of a training-mode batch norm, for the running averages. */
export interface BatchStatistics {
  mean: tf.Tensor1D;
  /** Biased (divided by the count), as used for normalising. */
  variance: tf.Tensor1D;
}

/** Per-channel sums and batch statistics over [B, H, W]: how a batch norm reduces. */
export interface ChannelReductions {
  sum(x: tf.Tensor4D): tf.Tensor1D;
  moments(x: tf.Tensor4D): BatchStatistics;
}

/** tfjs's own reductions: the cpu backend accumulates them in JavaScript numbers (float64), so they are exact to float32. */
export const stockReductions: ChannelReductions = {
  sum: (x) => tf.sum(x, [0, 1, 2]),
  moments: (x) => tf.moments(x, [0, 1, 2]) as BatchStatistics,
};

/** Images per group in the staged sum's third stage. */
const IMAGES_PER_GROUP = 16;

/**
 * Sums along a row, then over the rows of an image, then over groups of 16 images, then over the
 * groups. tfjs-backend-wasm adds the B·H·W values of a channel one after the other in float32, so
 * its error grows with their number (the batch mean 1.1e-5 relative over a ResNet-8 batch of 128,
 * against PyTorch's 3.8e-8); in stages no float32 sum runs over more than 32 values (the mean 9e-8),
 * and it is no slower (precision.test.ts).
 */
export const stagedReductions: ChannelReductions = {
  sum: (x) =>
    tf.tidy(() => {
      const perImage = tf.sum(tf.sum(x, 2), 1);
      const [images, channels] = perImage.shape;
      const groups = Math.ceil(images / IMAGES_PER_GROUP);
      const padded = tf.pad(perImage, [[0, groups * IMAGES_PER_GROUP - images], [0, 0]]);
      return tf.sum(tf.sum(tf.reshape(padded, [groups, IMAGES_PER_GROUP, channels]), 1), 0);
    }),
  moments: (x) =>
    tf.tidy(() => {
      const count = x.size / x.shape[3];
      const mean = tf.div(stagedReductions.sum(x), count) as tf.Tensor1D;
      const variance = tf.div(stagedReductions.sum(tf.square(tf.sub(x, mean)) as tf.Tensor4D), count) as tf.Tensor1D;
      return { mean, variance };
    }),
};

/**
 * Training-mode batch norm over [B, H, W] per channel, y = γ·x̂ + β with x̂ = (x − μ)/√(σ² + ε),
 * and its gradient by broadcasting per-channel vectors (tfjs's own tiles them to the input's size):
 *   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ/√(σ² + ε) · (dy − dβ/m − x̂·dγ/m),  m = B·H·W.
 * `onStatistics` receives the batch's mean and variance (inside this op: keep what outlives it).
 * `reductions` computes the statistics and the sums of the gradient.
 */
export function cpuBatchNorm(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  onStatistics: (statistics: BatchStatistics) => void,
  reductions: ChannelReductions = stockReductions,
): tf.Tensor4D {
  const custom = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, scale, offset, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const { mean, variance } = reductions.moments(input);
    onStatistics({ mean, variance });
    save([input, scale, mean, variance]);
    return {
      value: tf.batchNorm4d(input, mean, variance, offset, scale, epsilon),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedX, savedGamma, savedMean, savedVariance] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        const count = savedX.size / savedX.shape[3];
        const normalised = tf.batchNorm4d(savedX, savedMean, savedVariance, undefined, undefined, epsilon);
        const dBeta = reductions.sum(dy as tf.Tensor4D);
        const dGamma = reductions.sum(tf.mul(dy, normalised) as tf.Tensor4D);
        const scaleOverStd = tf.mul(savedGamma, tf.rsqrt(tf.add(savedVariance, epsilon)));
        const centred = tf.sub(dy, tf.div(dBeta, count));
        const dx = tf.mul(tf.sub(centred, tf.mul(normalised, tf.div(dGamma, count))), scaleOverStd);
        return [dx, dGamma, dBeta];
      },
    };
  });
  return custom(x, gamma, beta) as tf.Tensor4D;
}
