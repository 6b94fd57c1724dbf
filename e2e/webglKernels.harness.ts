/**
 * Runs in the page of webgl-kernels.spec.ts (bundled by esbuild): the engine's WebGL convolution with
 * its two-pass filter gradient against tfjs's own, on webgl and on cpu, at odd sizes.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedConv3x3 } from '../src/engine/kernels/fusedConv.ts';
import { glFilterGradient } from '../src/engine/kernels/webgl/filterGradient.ts';
import { relativeError } from '../src/util/relativeError.ts';
import { Rng } from '../src/util/rng.ts';

export interface ConvCheck {
  label: string;
  /** Relative errors of the output, dx and dW against tfjs's conv2d on webgl, then on cpu. */
  webgl: number[];
  cpu: number[];
  /** The chunked gradient twice: the same bits? */
  repeatable: boolean;
}

const CASES = [
  { x: [1, 5, 5, 3], outChannels: 2, stride: 1, rowsPerChunk: 3 },
  { x: [2, 7, 7, 3], outChannels: 5, stride: 2, rowsPerChunk: 4 },
  { x: [2, 8, 8, 4], outChannels: 8, stride: 2, rowsPerChunk: 1 },
] as const;

function randomArray(size: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: size }, () => rng.normal());
}

async function checks(): Promise<ConvCheck[]> {
  const results: ConvCheck[] = [];
  for (const c of CASES) {
    const xShape = [...c.x] as [number, number, number, number];
    const filterShape: [number, number, number, number] = [3, 3, xShape[3], c.outChannels];
    const outShape: [number, number, number, number] = [xShape[0], Math.ceil(xShape[1] / c.stride), Math.ceil(xShape[2] / c.stride), c.outChannels];
    const xValues = randomArray(xShape.reduce((a, b) => a * b), 1);
    const filterValues = randomArray(filterShape.reduce((a, b) => a * b), 2);
    const upstream = randomArray(outShape.reduce((a, b) => a * b), 3);
    const gradients = async (backend: string, conv: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D) => {
      await tf.setBackend(backend);
      const r = tf.tensor4d(upstream, outShape);
      const { value, grads } = tf.valueAndGrads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(conv(x as tf.Tensor4D, w as tf.Tensor4D), r)))([tf.tensor4d(xValues, xShape), tf.tensor4d(filterValues, filterShape)]);
      const values = await Promise.all([value, ...grads].map(async (t) => (await t.data()) as Float32Array));
      tf.dispose([value, ...grads, r]);
      return values;
    };
    const stock = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.conv2d(x, w, c.stride, 1);
    const fused = await gradients('webgl', (x, w) => fusedConv3x3(x, w, c.stride));
    const [stockGl, stockCpu] = [await gradients('webgl', stock), await gradients('cpu', stock)];
    await tf.setBackend('webgl');
    const chunked = async () => {
      const dW = glFilterGradient(tf.tensor4d(xValues, xShape), tf.tensor4d(upstream, outShape), c.stride, c.rowsPerChunk);
      const values = (await dW.data()) as Float32Array;
      dW.dispose();
      return values;
    };
    const [first, second] = [await chunked(), await chunked()];
    results.push({
      label: `x [${xShape}] → ${c.outChannels} channels, stride ${c.stride}`,
      webgl: [...fused.map((values, i) => relativeError(values, stockGl[i])), relativeError(first, stockGl[2])],
      cpu: [...fused.map((values, i) => relativeError(values, stockCpu[i])), relativeError(first, stockCpu[2])],
      repeatable: first.every((v, i) => Object.is(v, second[i])),
    });
  }
  return results;
}

(window as unknown as { webGlConvChecks: () => Promise<ConvCheck[]> }).webGlConvChecks = checks;
