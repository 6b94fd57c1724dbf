/**
 * The wasm backend's own kernels (kernels.c): the convolution's filter gradient, and batch norm
 * with the block's shortcut and ReLU (relu?(BN(x) + shortcut)) and its gradient, in WebAssembly
 * SIMD over tfjs's tensors in place, where tfjs composed them of a dozen ops each (the filter
 * gradient of two transposes around a forward convolution; the unit of about fifteen full passes
 * over the activations, forward and back).
 *
 * `loadWasmKernels` instantiates the module on tfjs's memory once the wasm backend runs; where it
 * cannot (no WebAssembly SIMD), `wasmKernelsReady()` stays false and the engine keeps the
 * composed kernels of cpu/gradients.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { convInputGradient, type BatchStatistics, type StrideOneConv } from '../cpu/gradients.ts';
import type { BatchNormOptions, RunningStatistics } from '../webgpu/batchNorm.ts';
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
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  incRef(dataId: object): void;
  readSync(dataId: object): tf.BackendValues;
}

interface KernelExports {
  conv2d(x: number, w: number, y: number, batch: number, height: number, width: number, cin: number, outHeight: number,
    outWidth: number, cout: number, kernelH: number, kernelW: number, stride: number, padTop: number, padLeft: number): void;
  filter_gradient_3x3(x: number, dy: number, dw: number, acc: number, batch: number, height: number, width: number,
    cin: number, outHeight: number, outWidth: number, cout: number, stride: number): void;
  batch_norm_unit(unit: number, training: number, x: number, gamma: number, beta: number, shortcut: number, y: number,
    mean: number, variance: number, sums: number, factors: number): void;
  batch_norm_unit_gradient(unit: number, dy: number, x: number, gamma: number, mean: number, variance: number, y: number,
    dx: number, dGamma: number, dBeta: number, dShortcut: number, sums: number, factors: number): void;
  gather_rows(x: number, indices: number, y: number, count: number, rowBytes: number): void;
}

/** kernels.c's shortcut kinds. */
const SHORTCUT_KIND = { none: 0, identity: 1, subsample: 2 } as const;

/** A unit's attributes: what kernels.c's Unit holds besides the shapes of x and the shortcut. */
interface UnitAttributes {
  epsilon: number;
  relu: boolean;
  shortcut: keyof typeof SHORTCUT_KIND;
  /** The shortcut input's shape ([] without one). */
  shortcutShape: number[];
  channelOffset: number;
}

const CONV = 'PlaygroundWasmConv3x3';
const CONV_STRIDE_ONE = 'PlaygroundWasmConvStrideOne';
const FILTER_GRADIENT = 'PlaygroundWasmFilterGradient3x3';
const UNIT_TRAINING = 'PlaygroundWasmBatchNormUnitTraining';
const UNIT_EVALUATION = 'PlaygroundWasmBatchNormUnitEvaluation';
const UNIT_GRADIENT = 'PlaygroundWasmBatchNormUnitGradient';

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
 * Runs a unit kernel with its scratch on tfjs's heap: `sums` (2·C float64), `factors` (2·C
 * float32) and kernels.c's Unit (ten int32 and ε as float32).
 */
function withUnitScratch(backend: WasmBackendInternals, x: tf.TensorInfo, attributes: UnitAttributes, run: (unit: number, sums: number, factors: number) => void): void {
  const channels = x.shape[3];
  const [sums, factors, unit] = [0, 16 * channels, 24 * channels];
  withScratch(backend, unit + 44, (at) => {
    const [, inHeight, inWidth, inChannels] = attributes.shortcutShape.length === 4 ? attributes.shortcutShape : [0, 0, 0, 0];
    const { relu, shortcut, channelOffset, epsilon } = attributes;
    const { buffer } = tfjsMemory(backend);
    new Int32Array(buffer, at + unit, 10).set([...x.shape, SHORTCUT_KIND[shortcut], inHeight, inWidth, inChannels, channelOffset, relu ? 1 : 0]);
    new Float32Array(buffer, at + unit + 40, 1)[0] = epsilon;
    run(at + unit, at + sums, at + factors);
  });
}

/** y = relu?(BN(x) + shortcut) by kernels.c: in training writing the batch's `mean` and `variance`, else reading them. */
function unitForward(backend: WasmBackendInternals, inputs: Record<string, tf.TensorInfo>, attributes: UnitAttributes, mean: tf.TensorInfo, variance: tf.TensorInfo, training: boolean): tf.TensorInfo {
  const { x, gamma, beta, shortcut } = inputs;
  const y = backend.makeOutput(x.shape, 'float32');
  withUnitScratch(backend, x, attributes, (unit, sums, factors) =>
    kernels!.batch_norm_unit(unit, training ? 1 : 0, offset(backend, x), offset(backend, gamma), offset(backend, beta), shortcut ? offset(backend, shortcut) : 0,
      offset(backend, y), offset(backend, mean), offset(backend, variance), sums, factors));
  return y;
}

/** kernels.c's convolution of x by filter [kernel_h, kernel_w, C_in, C_out], with zero padding [[top, bottom], [left, right]]. */
function convolve(backend: WasmBackendInternals, x: tf.TensorInfo, filter: tf.TensorInfo, stride: number, [[top, bottom], [left, right]]: [[number, number], [number, number]]): tf.TensorInfo {
  const [batch, height, width, inChannels] = x.shape;
  const [kernelHeight, kernelWidth, , outChannels] = filter.shape;
  const outHeight = Math.floor((height + top + bottom - kernelHeight) / stride) + 1;
  const outWidth = Math.floor((width + left + right - kernelWidth) / stride) + 1;
  const y = backend.makeOutput([batch, outHeight, outWidth, outChannels], 'float32');
  kernels!.conv2d(offset(backend, x), offset(backend, filter), offset(backend, y), batch, height, width, inChannels, outHeight, outWidth, outChannels,
    kernelHeight, kernelWidth, stride, top, left);
  return y;
}

/** The input gradient's convolutions: kernels.c's where the output channels come in fours. */
const wasmStrideOneConv: StrideOneConv = (x, filter, padding) =>
  filter.shape[3] % 4 === 0
    ? (tf.engine().runKernel(CONV_STRIDE_ONE, { x, filter }, { padding } as unknown as tf.NamedAttrMap) as tf.Tensor4D)
    : tf.conv2d(x, filter, 1, [[0, 0], ...padding, [0, 0]]);

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
 * tf.gather along the first axis (MFW's and mixup's partner batch, the batch's images) as one copy
 * per row: tfjs-backend-wasm's GatherV2 copies element by element, 50 ms for a batch of first-stage
 * feature maps, a quarter of an MFW step. Other gathers stay tfjs's.
 */
function gatherRowsInGatherV2(): void {
  const stock = tf.getKernel('GatherV2', 'wasm')!;
  tf.unregisterKernel('GatherV2', 'wasm');
  tf.registerKernel({
    ...stock,
    kernelFunc: (args) => {
      const { inputs, attrs, backend: raw } = args;
      const { x, indices } = inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
      const { axis, batchDims } = attrs as unknown as { axis: number; batchDims: number };
      if (!kernels || axis !== 0 || batchDims !== 0 || x.dtype === 'string' || x.dtype === 'bool' || x.dtype === 'complex64') return stock.kernelFunc(args);
      const backend = raw as unknown as WasmBackendInternals;
      const rows = x.shape[0];
      const indexValues = backend.readSync(indices.dataId) as Int32Array;
      for (const index of indexValues) {
        if (!(index >= 0 && index < rows)) throw new Error(`GatherV2: the index value ${index} is not in [0, ${rows - 1}]`);
      }
      const rowSize = x.shape.slice(1).reduce((a, b) => a * b, 1);
      const y = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
      kernels!.gather_rows(offset(backend, x), offset(backend, indices), offset(backend, y), indexValues.length, 4 * rowSize);
      return y;
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
  gatherRowsInGatherV2();
  tf.registerKernel({
    kernelName: CONV,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
      const { stride } = attrs as unknown as { stride: number };
      return convolve(backend as unknown as WasmBackendInternals, x, filter, stride, [[1, 1], [1, 1]]);
    },
  });
  tf.registerKernel({
    kernelName: CONV_STRIDE_ONE,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
      const { padding } = attrs as unknown as { padding: [[number, number], [number, number]] };
      return convolve(backend as unknown as WasmBackendInternals, x, filter, 1, padding);
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
        x: () => convInputGradient(dy, filter, x.shape, stride, wasmStrideOneConv),
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
    kernelName: UNIT_TRAINING,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend: raw }) => {
      const backend = raw as unknown as WasmBackendInternals;
      const channels = (inputs as Record<string, tf.TensorInfo>).x.shape[3];
      const [mean, variance] = [backend.makeOutput([channels], 'float32'), backend.makeOutput([channels], 'float32')];
      return [unitForward(backend, inputs as Record<string, tf.TensorInfo>, attrs as unknown as UnitAttributes, mean, variance, true), mean, variance];
    },
  });
  // The statistics go to the running averages only: no gradient flows back through them.
  tf.registerGradient({
    kernelName: UNIT_TRAINING,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [true, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [x, gamma, y, mean, variance] = saved;
      const dy = (dys as tf.Tensor[])[0];
      const [dx, dGamma, dBeta, dShortcut] = tf.engine().runKernel(UNIT_GRADIENT, { dy, x, gamma, mean, variance, y }, attrs as tf.NamedAttrMap) as tf.Tensor[];
      return { x: () => dx, gamma: () => dGamma, beta: () => dBeta, ...(dShortcut ? { shortcut: () => dShortcut } : {}) };
    },
  });
  tf.registerKernel({
    kernelName: UNIT_GRADIENT,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend: raw }) => {
      const backend = raw as unknown as WasmBackendInternals;
      const attributes = attrs as unknown as UnitAttributes;
      const { dy, x, gamma, mean, variance, y } = inputs as Record<string, tf.TensorInfo>;
      const channels = x.shape[3];
      const [dx, dGamma, dBeta] = [backend.makeOutput(x.shape, 'float32'), backend.makeOutput([channels], 'float32'), backend.makeOutput([channels], 'float32')];
      const dShortcut = attributes.shortcut === 'none' ? null : backend.makeOutput(attributes.shortcutShape, 'float32');
      withUnitScratch(backend, x, attributes, (unit, sums, factors) =>
        kernels!.batch_norm_unit_gradient(unit, offset(backend, dy), offset(backend, x), offset(backend, gamma), offset(backend, mean), offset(backend, variance),
          offset(backend, y), offset(backend, dx), offset(backend, dGamma), offset(backend, dBeta), dShortcut ? offset(backend, dShortcut) : 0, sums, factors));
      return dShortcut ? [dx, dGamma, dBeta, dShortcut] : [dx, dGamma, dBeta];
    },
  });
  tf.registerKernel({
    kernelName: UNIT_EVALUATION,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const { mean, variance } = inputs as Record<string, tf.TensorInfo>;
      return unitForward(backend as unknown as WasmBackendInternals, inputs as Record<string, tf.TensorInfo>, attrs as unknown as UnitAttributes, mean, variance, false);
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

function unitAttributes({ epsilon, relu, shortcut }: BatchNormOptions): UnitAttributes {
  return {
    epsilon,
    relu,
    shortcut: shortcut ? (shortcut.subsample ? 'subsample' : 'identity') : 'none',
    shortcutShape: shortcut ? shortcut.input.shape : [],
    channelOffset: shortcut?.channelOffset ?? 0,
  };
}

/**
 * relu?(BN(x) + shortcut) with the batch's statistics, which `onStatistics` receives (inside this
 * op: keep what outlives it), with its gradient; as cpu/gradients.ts's cpuBatchNorm without shortcut and ReLU.
 */
export function wasmBatchNormTraining(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, options: BatchNormOptions, onStatistics: (statistics: BatchStatistics) => void): tf.Tensor4D {
  const attributes = unitAttributes(options) as unknown as tf.NamedAttrMap;
  const shortcut: tf.NamedTensorMap = options.shortcut ? { shortcut: options.shortcut.input } : {};
  const [y, mean, variance] = tf.engine().runKernel(UNIT_TRAINING, { x, gamma, beta, ...shortcut }, attributes) as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
  onStatistics({ mean, variance });
  return y;
}

/** relu?(BN(x) + shortcut) with the running statistics (evaluation; no gradient). */
export function wasmBatchNormEvaluation(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, running: RunningStatistics, options: BatchNormOptions): tf.Tensor4D {
  const attributes = unitAttributes(options) as unknown as tf.NamedAttrMap;
  const shortcut: tf.NamedTensorMap = options.shortcut ? { shortcut: options.shortcut.input } : {};
  return tf.engine().runKernel(UNIT_EVALUATION, { x, gamma, beta, mean: running.mean, variance: running.variance, ...shortcut }, attributes) as tf.Tensor4D;
}
