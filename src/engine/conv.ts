/**
 * 3×3 convolution with PyTorch's padding (1 pixel on every side, so stride 2 samples the same
 * pixels as PyTorch). On the CPU backends the filter gradient is computed by a forward convolution
 * instead of the Conv2DBackpropFilter kernel: tfjs-backend-cpu's kernel is about 30× slower than its
 * forward conv, and tfjs-backend-wasm has none at all.
 *
 *   dW[p, q, c, o] = Σ_{b,i,j} x_pad[b, s·i + p, s·j + q, c] · dy[b, i, j, o]
 * is a valid convolution of x_pad transposed to [C_in, H, W, B] (images ↔ channels) by dy
 * transposed to [H_out, W_out, B, C_out], with dilation s; its first 3×3 outputs, transposed
 * back to [3, 3, C_in, C_out], are dW.
 */
import * as tf from '@tensorflow/tfjs';
import { FUSED_CONV_BACKENDS, fusedConv3x3 } from './fusedConv.ts';

const PADDING = 1;

/** Backends whose own Conv2DBackpropFilter is missing or very slow. */
const FORWARD_FILTER_GRADIENT_BACKENDS = new Set(['cpu', 'wasm']);

export function filterGradientByForwardConv(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], stride: number): tf.Tensor4D {
  return tf.tidy(() => {
    const padded = tf.pad(x, [[0, 0], [PADDING, PADDING], [PADDING, PADDING], [0, 0]]);
    const images = tf.transpose(padded, [3, 1, 2, 0]);
    const kernel = tf.transpose(dy, [1, 2, 0, 3]);
    const full = tf.conv2d(images, kernel, 1, 'valid', 'NHWC', stride);
    const [kh, kw] = filterShape;
    const cropped = tf.slice(full, [0, 0, 0, 0], [-1, kh, kw, -1]);
    return tf.transpose(cropped, [1, 2, 0, 3]);
  });
}

const convWithForwardGradients = (stride: number) =>
  tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor4D;
    const filter = args[1] as tf.Tensor4D;
    const save = args[2] as tf.GradSaveFunc;
    save([x, filter]);
    return {
      value: tf.conv2d(x, filter, stride, PADDING),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedX, savedFilter] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dx = tf.conv2dTranspose(dy as tf.Tensor4D, savedFilter, savedX.shape, stride, PADDING);
        const dFilter = filterGradientByForwardConv(savedX, dy as tf.Tensor4D, savedFilter.shape, stride);
        return [dx, dFilter];
      },
    };
  });

const customConvByStride = new Map<number, ReturnType<typeof convWithForwardGradients>>();

/**
 * y = conv3×3(x, filter) with stride 1 or 2 and 1-pixel zero padding. `fused`: on webgpu and webgl,
 * with the engine's parallel filter gradient (fusedConv.ts).
 */
export function conv3x3(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number, fused = false): tf.Tensor4D {
  if (fused && FUSED_CONV_BACKENDS.has(tf.getBackend())) return fusedConv3x3(x, filter, stride);
  if (!FORWARD_FILTER_GRADIENT_BACKENDS.has(tf.getBackend())) return tf.conv2d(x, filter, stride, PADDING);
  let conv = customConvByStride.get(stride);
  if (!conv) customConvByStride.set(stride, (conv = convWithForwardGradients(stride)));
  return conv(x, filter) as tf.Tensor4D;
}
