/**
 * The members of tfjs-backend-webgpu 4.22's WebGPUBackend that the engine's own kernels use. Some
 * are private in its type declarations (the command encoder, the open compute pass, the queue of
 * buffers to release after the next submit); this file is the one place that names them, so an
 * upgrade of the backend is checked here (`webGpuInternals` verifies they exist).
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

type DataId = object;

export interface TensorData {
  /** Values cached on the CPU (after an upload from or a read to it). */
  values: tf.BackendValues | null;
  resource?: GPUBuffer | GPUTexture | GPUExternalTexture | null;
  shape: number[];
  dtype: tf.DataType;
}

export interface WebGpuBackendInternals {
  device: GPUDevice;
  queue: GPUQueue;
  tensorMap: { get(dataId: DataId): TensorData };
  bufferManager: {
    acquireBuffer(size: number, usage: GPUBufferUsageFlags, mappedAtCreation?: boolean, reuse?: boolean): GPUBuffer;
    releaseBuffer(buffer: GPUBuffer, reuse?: boolean): void;
  };
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  /** Data whose buffers the encoder uses: their release waits for the next submit. */
  commandQueueOwnedIds: WeakSet<DataId>;
  /** Uniform buffers released after the next submit (a queue.writeBuffer must not reach them earlier). */
  uniformPendingDisposal: GPUBuffer[];
  dispatchCountInPass: number;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  uploadToGPU(dataId: DataId): void;
  makeTensorInfo(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: DataId, force?: boolean): boolean;
  runWebGPUProgram(
    program: WebGPUProgram,
    inputs: tf.TensorInfo[],
    outputDtype: tf.DataType,
    uniforms?: { type: string; data: number[] }[],
    output?: tf.TensorInfo,
  ): tf.TensorInfo;
  checkCompileCompletionAsync(): Promise<void>;
}

const REQUIRED = [
  'device', 'queue', 'tensorMap', 'bufferManager', 'commandQueueOwnedIds', 'uniformPendingDisposal', 'dispatchCountInPass',
  'ensureCommandEncoderReady', 'endComputePassEncoder', 'submitQueue', 'uploadToGPU', 'makeTensorInfo', 'disposeData', 'runWebGPUProgram',
] as const;

const checked = new WeakSet<object>();

/** The current backend's internals; throws when it is not a webgpu backend of the expected shape. */
export function webGpuInternals(): WebGpuBackendInternals {
  if (tf.getBackend() !== 'webgpu') throw new Error(`The engine's WebGPU kernels need the webgpu backend (current: ${tf.getBackend()}).`);
  const backend = tf.backend() as unknown as Record<string, unknown>;
  if (!checked.has(backend)) {
    const missing = REQUIRED.filter((key) => backend[key] === undefined);
    if (missing.length > 0) throw new Error(`This tfjs-backend-webgpu lacks ${missing.join(', ')}: the engine's WebGPU kernels were written for 4.22.`);
    checked.add(backend);
  }
  return backend as unknown as WebGpuBackendInternals;
}

/** The GPU buffer holding a tensor's data (uploaded first if it is still on the CPU). */
export function gpuBuffer(backend: WebGpuBackendInternals, tensor: tf.TensorInfo): GPUBuffer {
  backend.uploadToGPU(tensor.dataId);
  const resource = backend.tensorMap.get(tensor.dataId).resource;
  if (!(resource instanceof GPUBuffer)) throw new Error('A tensor of the engine\'s WebGPU kernels is not held in a GPU buffer.');
  const bytes = 4 * tensor.shape.reduce((a, b) => a * b, 1);
  if (resource.size < bytes) throw new Error(`A tensor [${tensor.shape}] of the engine's WebGPU kernels has a buffer of ${resource.size} bytes, fewer than its ${bytes}.`);
  return resource;
}
