/**
 * 3×3 convolution with PyTorch's padding (1 pixel on every side, so stride 2 samples the same
 * pixels as PyTorch). Each backend gets the implementation that trains fastest on it: the CPU
 * backends (cpu, wasm) compute the gradients by forward convolutions (cpuGradients.ts); webgpu and
 * webgl use tfjs's forward and input gradient with the engine's parallel filter gradient
 * (fusedConv.ts), or tfjs's own throughout when `fused` is off.
 */
import * as tf from '@tensorflow/tfjs';
import { CPU_BACKENDS, cpuConv3x3 } from './cpuGradients.ts';
import { FUSED_CONV_BACKENDS, fusedConv3x3 } from './fusedConv.ts';

const PADDING = 1;

/**
 * y = conv3×3(x, filter) with stride 1 or 2 and 1-pixel zero padding. `fused`: on webgpu and webgl,
 * with the engine's parallel filter gradient (fusedConv.ts).
 */
export function conv3x3(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number, fused = false): tf.Tensor4D {
  if (CPU_BACKENDS.has(tf.getBackend())) return cpuConv3x3(x, filter, stride);
  if (fused && FUSED_CONV_BACKENDS.has(tf.getBackend())) return fusedConv3x3(x, filter, stride);
  return tf.conv2d(x, filter, stride, PADDING);
}
