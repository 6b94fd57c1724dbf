/**
 * The 3×3 convolution's filter gradient on the webgl backend in two passes, as webgpu/filterGradient.ts
 * does it: tfjs's webgl Conv2DDerFilterProgram computes each filter element in one fragment that
 * loops over the whole batch (432 fragments × 131,072 iterations for the stem at batch 128), which
 * leaves a GPU nearly idle. Here the first pass writes one partial sum per chunk of output pixels
 * and filter element, the second adds the chunks in order; fragment shaders have no atomics, so the
 * result is reproducible bit for bit.
 *
 *   dW[p, q, c, o] = Σ_{b,i,j} x[b, s·i + p − 1, s·j + q − 1, c] · dy[b, i, j, o]
 */
import * as tf from '@tensorflow/tfjs';
import { filterGradientChunks } from '../filterGradientChunks.ts';

/** Output pixels each first-pass fragment adds up. */
export const DEFAULT_GL_ROWS_PER_CHUNK = 512;
const KERNEL = 3;
const PADDING = 1;

/** What the engine uses of tfjs-backend-webgl's MathBackendWebGL. */
interface WebGlProgramRunner {
  runWebGLProgram(program: { variableNames: string[]; outputShape: number[]; userCode: string }, inputs: tf.TensorInfo[], outputDtype: tf.DataType): tf.TensorInfo;
}

function run(program: { variableNames: string[]; outputShape: number[]; userCode: string }, inputs: tf.Tensor[]): tf.Tensor {
  if (tf.getBackend() !== 'webgl') throw new Error(`The engine's WebGL filter gradient needs the webgl backend (current: ${tf.getBackend()}).`);
  const backend = tf.backend() as unknown as WebGlProgramRunner;
  return tf.engine().makeTensorFromTensorInfo(backend.runWebGLProgram(program, inputs, 'float32'));
}

/** dW of y = conv3×3(x, W, stride) for the upstream gradient dy, on webgl. */
export function glFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, stride: number, rowsPerChunk = DEFAULT_GL_ROWS_PER_CHUNK): tf.Tensor4D {
  const { height, width, inChannels, outHeight, outWidth, outChannels, rows, chunkRows, chunks } = filterGradientChunks(x.shape, dy.shape, stride, rowsPerChunk);
  const partials = run(
    {
      variableNames: ['x', 'dy'],
      outputShape: [chunks, KERNEL * KERNEL, inChannels, outChannels],
      userCode: `
      void main() {
        ivec4 coords = getOutputCoords();
        int p = coords.y / ${KERNEL};
        int q = coords.y - ${KERNEL} * p;
        int first = coords.x * ${chunkRows};
        float sum = 0.0;
        for (int r = 0; r < ${chunkRows}; r++) {
          int m = first + r;
          if (m >= ${rows}) break;
          int b = m / ${outHeight * outWidth};
          int pixel = m - b * ${outHeight * outWidth};
          int i = pixel / ${outWidth};
          int j = pixel - i * ${outWidth};
          int row = i * ${stride} + p - ${PADDING};
          int col = j * ${stride} + q - ${PADDING};
          if (row >= 0 && row < ${height} && col >= 0 && col < ${width}) {
            sum += getX(b, row, col, coords.z) * getDy(b, i, j, coords.w);
          }
        }
        setOutput(sum);
      }`,
    },
    [x, dy],
  );
  const dW = run(
    {
      variableNames: ['partials'],
      outputShape: [KERNEL, KERNEL, inChannels, outChannels],
      userCode: `
      void main() {
        ivec4 coords = getOutputCoords();
        float sum = 0.0;
        for (int k = 0; k < ${chunks}; k++) {
          sum += getPartials(k, coords.x * ${KERNEL} + coords.y, coords.z, coords.w);
        }
        setOutput(sum);
      }`,
    },
    [partials],
  );
  partials.dispose();
  return dW as tf.Tensor4D;
}
