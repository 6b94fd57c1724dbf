/**
 * The 3×3 convolution (padding 1, stride 1 or 2) of the GPU backends with the engine's two-pass
 * filter gradient: parallel (≥ 100,000 threads at batch 128 where tfjs's runs one per filter
 * element) and the same bit for bit on every run (webgpu/filterGradient.ts, webgl/filterGradient.ts).
 * The forward convolution and the input gradient stay tfjs's. The op is a registered kernel so that,
 * as with tfjs's own Conv2D, each input's gradient is computed only where it is needed (not for the
 * images entering the stem).
 */
import * as tf from '@tensorflow/tfjs';
import { glFilterGradient } from './webgl/filterGradient.ts';
import { gpuFilterGradient } from './webgpu/filterGradient.ts';

const PADDING = 1;
const CONV_KERNEL = 'PlaygroundConv3x3';

/** The filter gradient of each backend the op runs on. */
const FILTER_GRADIENTS: Record<string, (x: tf.Tensor4D, dy: tf.Tensor4D, stride: number) => tf.Tensor4D> = {
  webgpu: gpuFilterGradient,
  webgl: glFilterGradient,
};

/** Backends with the fused convolution. */
const FUSED_CONV_BACKENDS: ReadonlySet<string> = new Set(Object.keys(FILTER_GRADIENTS));

interface ConvAttrs {
  stride: number;
}

let registered = false;

/** Registers the op (forward by the backend's own Conv2D) and its gradient, once. */
function register(): void {
  if (registered) return;
  registered = true;
  for (const backendName of FUSED_CONV_BACKENDS) {
    tf.registerKernel({
      kernelName: CONV_KERNEL,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { stride } = attrs as unknown as ConvAttrs;
        const conv2d = tf.getKernel('Conv2D', backendName);
        if (!conv2d) throw new Error(`The ${backendName} backend has no Conv2D kernel.`);
        return conv2d.kernelFunc({
          inputs,
          backend,
          attrs: { strides: stride, pad: PADDING, dataFormat: 'NHWC', dilations: 1, dimRoundingMode: undefined } as unknown as tf.NamedAttrMap,
        });
      },
    });
  }
  tf.registerGradient({
    kernelName: CONV_KERNEL,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const { stride } = attrs as unknown as ConvAttrs;
      return {
        x: () => tf.conv2dTranspose(dy as tf.Tensor4D, filter, x.shape, stride, PADDING),
        filter: () => FILTER_GRADIENTS[tf.getBackend()](x, dy as tf.Tensor4D, stride),
      };
    },
  });
}

/** y = conv3×3(x, filter) with stride 1 or 2 and 1-pixel zero padding, on webgpu or webgl. */
export function fusedConv3x3(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number): tf.Tensor4D {
  if (!FUSED_CONV_BACKENDS.has(tf.getBackend())) throw new Error(`The fused convolution runs on ${[...FUSED_CONV_BACKENDS].join(' and ')}, not ${tf.getBackend()}.`);
  register();
  return tf.engine().runKernel(CONV_KERNEL, { x, filter }, { stride } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
