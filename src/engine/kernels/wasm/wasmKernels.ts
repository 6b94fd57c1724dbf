/**
 * The wasm backend's own kernels (kernels.c): the convolution's filter gradient and training-mode
 * batch norm with its gradient, each one pass of WebAssembly SIMD over tfjs's tensors in place,
 * where tfjs composed them of a dozen ops (the filter gradient of two transposes around a forward
 * convolution, the batch norm of about ten full passes over the activations).
 *
 * `loadWasmKernels` instantiates the module on tfjs's memory once the wasm backend runs; where it
 * cannot (no WebAssembly SIMD), `wasmKernelsReady()` stays false and the engine keeps the
 * composed kernels of cpu/gradients.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { convInputGradient } from '../cpu/gradients.ts';
import { KERNELS_WASM_BASE64 } from './wasmKernelsBinary.ts';

/** The members of tfjs-backend-wasm 4.22's BackendWasm (and its Emscripten module) these kernels use. */
interface WasmBackendInternals {
  wasm: {
    /** The threaded build's memory (shared). */
    wasmMemory?: WebAssembly.Memory;
    /** The module's exports; the SIMD build exports its memory. */
    asm?: { memory?: WebAssembly.Memory };
    _malloc(bytes: number): number;
    _free(offset: number): void;
  };
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  incRef(dataId: object): void;
}

interface KernelExports {
  filter_gradient_3x3(x: number, dy: number, dw: number, acc: number, batch: number, height: number, width: number,
    cin: number, outHeight: number, outWidth: number, cout: number, stride: number): void;
  batch_norm_forward(x: number, gamma: number, beta: number, y: number, mean: number, variance: number, sums: number,
    pixels: number, channels: number, epsilon: number): void;
  batch_norm_backward(dy: number, x: number, gamma: number, mean: number, variance: number, dx: number, dGamma: number,
    dBeta: number, sums: number, pixels: number, channels: number, epsilon: number): void;
}

const CONV = 'PlaygroundWasmConv3x3';
const FILTER_GRADIENT = 'PlaygroundWasmFilterGradient3x3';
const BATCH_NORM = 'PlaygroundWasmBatchNorm';
const BATCH_NORM_GRADIENT = 'PlaygroundWasmBatchNormGradient';

let kernels: KernelExports | null = null;
let loadedFor: object | null = null;

const bytesOf = (base64: string) => Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));

/** The memory tfjs-backend-wasm keeps its tensors in. */
function tfjsMemory(backend: WasmBackendInternals): WebAssembly.Memory {
  const memory = backend.wasm.wasmMemory ?? backend.wasm.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error("tfjs-backend-wasm's memory is not reachable: the engine's wasm kernels were written for 4.22.");
  return memory;
}

function internals(): WasmBackendInternals {
  return tf.backend() as unknown as WasmBackendInternals;
}

const offset = (backend: WasmBackendInternals, tensor: tf.TensorInfo) => backend.dataIdMap.get(tensor.dataId).memoryOffset;

/** Runs `run` with `bytes` of scratch on tfjs's heap. */
function withScratch<T>(backend: WasmBackendInternals, bytes: number, run: (at: number) => T): T {
  const at = backend.wasm._malloc(bytes) >>> 0;
  try {
    return run(at);
  } finally {
    backend.wasm._free(at);
  }
}

/**
 * tfjs-backend-wasm's Identity copies the tensor, and tfjs clones every tensor the tape saves for
 * the gradient (78 copies in a ResNet-8 step, 5 % of it). Tensors are immutable, so a clone shares
 * the data, as wasm's own Reshape and the other backends' Identity do.
 */
function shareDataInIdentity(): void {
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const { x } = inputs as { x: tf.TensorInfo };
      (backend as unknown as WasmBackendInternals).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
}

/**
 * Kernels with registered gradients rather than tf.customGrad: the tape then asks only for the
 * gradients it needs (none for the images at the stem), and computes each when it needs it.
 */
function registerKernels(): void {
  if (tf.getKernel(FILTER_GRADIENT, 'wasm')) return;
  shareDataInIdentity();
  tf.registerKernel({
    kernelName: CONV,
    backendName: 'wasm',
    // tfjs's own forward convolution (XNNPACK), under a name whose gradient is the one below.
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { stride } = attrs as unknown as { stride: number };
      const conv2d = tf.getKernel('Conv2D', 'wasm')!.kernelFunc;
      return conv2d({ inputs, backend, attrs: { strides: stride, pad: 1, dataFormat: 'NHWC', dilations: 1 } });
    },
  });
  tf.registerGradient({
    kernelName: CONV,
    inputsToSave: ['x', 'filter'],
    gradFunc: (upstream, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const dy = upstream as tf.Tensor4D;
      const { stride } = attrs as unknown as { stride: number };
      return {
        x: () => convInputGradient(dy, filter, x.shape, stride),
        filter: () => tf.engine().runKernel(FILTER_GRADIENT, { x, dy }, { stride } as unknown as tf.NamedAttrMap) as tf.Tensor4D,
      };
    },
  });
  tf.registerKernel({
    kernelName: FILTER_GRADIENT,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend: raw }) => {
      const backend = raw as unknown as WasmBackendInternals;
      const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
      const { stride } = attrs as unknown as { stride: number };
      const [batch, height, width, inChannels] = x.shape;
      const [, outHeight, outWidth, outChannels] = dy.shape;
      const dw = backend.makeOutput([3, 3, inChannels, outChannels], 'float32');
      withScratch(backend, 8 * 9 * inChannels * outChannels, (acc) =>
        kernels!.filter_gradient_3x3(offset(backend, x), offset(backend, dy), offset(backend, dw), acc,
          batch, height, width, inChannels, outHeight, outWidth, outChannels, stride));
      return dw;
    },
  });
  tf.registerKernel({
    kernelName: BATCH_NORM,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend: raw }) => {
      const backend = raw as unknown as WasmBackendInternals;
      const { x, gamma, beta } = inputs as Record<string, tf.TensorInfo>;
      const { epsilon } = attrs as unknown as { epsilon: number };
      const channels = x.shape[3];
      const pixels = x.shape[0] * x.shape[1] * x.shape[2];
      const [y, mean, variance] = [backend.makeOutput(x.shape, 'float32'), backend.makeOutput([channels], 'float32'), backend.makeOutput([channels], 'float32')];
      withScratch(backend, 16 * channels, (sums) =>
        kernels!.batch_norm_forward(offset(backend, x), offset(backend, gamma), offset(backend, beta), offset(backend, y),
          offset(backend, mean), offset(backend, variance), sums, pixels, channels, epsilon));
      return [y, mean, variance];
    },
  });
  // The statistics go to the running averages only: no gradient flows back through them.
  tf.registerGradient({
    kernelName: BATCH_NORM,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [x, gamma, mean, variance] = saved;
      const dy = (dys as tf.Tensor[])[0];
      const [dx, dGamma, dBeta] = tf.engine().runKernel(BATCH_NORM_GRADIENT, { dy, x, gamma, mean, variance }, attrs as tf.NamedAttrMap) as tf.Tensor[];
      return { x: () => dx, gamma: () => dGamma, beta: () => dBeta };
    },
  });
  tf.registerKernel({
    kernelName: BATCH_NORM_GRADIENT,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend: raw }) => {
      const backend = raw as unknown as WasmBackendInternals;
      const { dy, x, gamma, mean, variance } = inputs as Record<string, tf.TensorInfo>;
      const { epsilon } = attrs as unknown as { epsilon: number };
      const channels = x.shape[3];
      const pixels = x.shape[0] * x.shape[1] * x.shape[2];
      const [dx, dGamma, dBeta] = [backend.makeOutput(x.shape, 'float32'), backend.makeOutput([channels], 'float32'), backend.makeOutput([channels], 'float32')];
      withScratch(backend, 16 * channels, (sums) =>
        kernels!.batch_norm_backward(offset(backend, dy), offset(backend, x), offset(backend, gamma), offset(backend, mean),
          offset(backend, variance), offset(backend, dx), offset(backend, dGamma), offset(backend, dBeta), sums, pixels, channels, epsilon));
      return [dx, dGamma, dBeta];
    },
  });
}

/**
 * Instantiates the kernels on the running wasm backend's memory (again after a new backend) and
 * registers them. False where this WebAssembly has no SIMD: the composed kernels remain.
 */
export async function loadWasmKernels(): Promise<boolean> {
  if (tf.getBackend() !== 'wasm') throw new Error(`The engine's wasm kernels need the wasm backend (current: ${tf.getBackend()}).`);
  const backend = internals();
  if (loadedFor === backend) return kernels !== null;
  const memory = tfjsMemory(backend);
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = bytesOf(shared ? KERNELS_WASM_BASE64.sharedMemory : KERNELS_WASM_BASE64.memory);
  loadedFor = backend;
  if (!WebAssembly.validate(bytes)) {
    kernels = null;
    return false;
  }
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
  kernels = instance.exports as unknown as KernelExports;
  registerKernels();
  return true;
}

/** Whether the kernels run on the current wasm backend. */
export function wasmKernelsReady(): boolean {
  return kernels !== null && tf.getBackend() === 'wasm' && loadedFor === tf.backend();
}

/** y = conv3×3(x, filter), stride 1 or 2, padding 1; its filter gradient is the kernel of kernels.c. */
export function wasmConv3x3(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number): tf.Tensor4D {
  return tf.engine().runKernel(CONV, { x, filter }, { stride } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** Training-mode batch norm with its gradient, as cpu/gradients.ts's cpuBatchNorm. */
export function wasmBatchNorm(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  onStatistics: (statistics: { mean: tf.Tensor1D; variance: tf.Tensor1D }) => void,
): tf.Tensor4D {
  const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM, { x, gamma, beta }, { epsilon } as unknown as tf.NamedAttrMap) as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
  onStatistics({ mean, variance });
  return y;
}
