/**
 * The engine's own compute dispatches and buffer copies, recorded into the webgpu backend's command
 * stream in order with tfjs's programs. They exist for what tfjs's program interface cannot do: a
 * kernel with several outputs or updating buffers in place (batch-norm statistics with the running
 * averages, SGD over a flat parameter buffer). Everything else goes through runWebGPUProgram.
 *
 * Each kernel is a complete WGSL module with entry point `main` and a workgroup size of
 * `WORKGROUP_SIZE`; it binds its inputs (read) first, then its outputs (read_write), then its
 * uniform struct (32-bit scalars only).
 */
import * as tf from '@tensorflow/tfjs';
import { gpuBuffer, webGpuInternals, type WebGpuBackendInternals } from './internals.ts';

export interface OwnKernel {
  /** Shown by the bench's profile. */
  name: string;
  code: string;
}

/** Reported to listeners (the bench's profile) for each dispatch or copy. */
export type OwnDispatch =
  | { kind: 'dispatch'; name: string; threads: number; loop: number | null }
  | { kind: 'copy'; name: string; threads: 0; loop: null };

const listeners = new Set<(dispatch: OwnDispatch) => void>();

/** Calls `listener` for every own dispatch and copy until the returned function is called. */
export function onOwnDispatch(listener: (dispatch: OwnDispatch) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const variants = new Map<string, OwnKernel>();

/**
 * The kernel `make` builds for `key`, built once: a kernel object per variant, so that each
 * dispatch finds its pipeline by identity rather than by hashing its source.
 */
export function kernelVariant(key: string, make: () => OwnKernel): OwnKernel {
  let kernel = variants.get(key);
  if (!kernel) variants.set(key, (kernel = make()));
  return kernel;
}

const pipelines = new WeakMap<GPUDevice, WeakMap<OwnKernel, GPUComputePipeline>>();

function pipelineFor(device: GPUDevice, kernel: OwnKernel): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, (cache = new WeakMap()));
  let pipeline = cache.get(kernel);
  if (!pipeline) {
    const module = device.createShaderModule({ code: kernel.code, label: kernel.name });
    pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: kernel.name });
    cache.set(kernel, pipeline);
  }
  return pipeline;
}

/** A uniform value: 'u32', 'i32' or 'f32', in the order of the kernel's uniform struct. */
export type Uniform = ['u32' | 'i32' | 'f32', number];

function uniformBuffer(backend: WebGpuBackendInternals, uniforms: readonly Uniform[]): GPUBuffer {
  // Uniform buffer bindings are sized in multiples of 16 bytes.
  const size = Math.max(16, Math.ceil((uniforms.length * 4) / 16) * 16);
  const data = new ArrayBuffer(size);
  const view = new DataView(data);
  uniforms.forEach(([type, value], i) => {
    if (type === 'f32') view.setFloat32(4 * i, value, true);
    else if (type === 'i32') view.setInt32(4 * i, value, true);
    else view.setUint32(4 * i, value, true);
  });
  const buffer = backend.bufferManager.acquireBuffer(size, GPUBufferUsage.COPY_DST | GPUBufferUsage.UNIFORM);
  backend.queue.writeBuffer(buffer, 0, data);
  // Released after the next submit, as tfjs does with its own: the pool may hand it out again.
  backend.uniformPendingDisposal.push(buffer);
  return buffer;
}

function compileOnly(): boolean {
  return tf.env().getBool('WEBGPU_ENGINE_COMPILE_ONLY');
}

/** Submits when the pass holds as many dispatches as tfjs would allow before submitting its own. */
function countDispatch(backend: WebGpuBackendInternals): void {
  backend.dispatchCountInPass++;
  if (backend.dispatchCountInPass >= tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE')) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
}

/** Threads per workgroup of every own kernel. */
export const WORKGROUP_SIZE = 256;

/**
 * WGSL: the kernel's entry point header. `index` is the thread's flat index over a grid that may
 * be 2-D (more workgroups than a dimension allows); `local` its index in the workgroup.
 */
export const KERNEL_MAIN = `@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(@builtin(workgroup_id) workgroupId: vec3<u32>, @builtin(num_workgroups) workgroups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let group = workgroupId.x + workgroupId.y * workgroups.x;
  let index = group * ${WORKGROUP_SIZE}u + local;`;

export interface DispatchSpec {
  /** Tensors the kernel reads, in binding order. */
  inputs: readonly tf.TensorInfo[];
  /** Tensors the kernel writes (bound after the inputs); new ones come from `outputTensor`. */
  outputs: readonly tf.TensorInfo[];
  uniforms: readonly Uniform[];
  /** Workgroups of WORKGROUP_SIZE threads. */
  workgroups: number;
  /** Iterations of the longest per-thread loop, for the profile. */
  loop: number | null;
}

/** Records one dispatch of `kernel`. */
export function dispatchOwn(kernel: OwnKernel, spec: DispatchSpec): void {
  const backend = webGpuInternals();
  const pipeline = pipelineFor(backend.device, kernel);
  for (const listener of listeners) listener({ kind: 'dispatch', name: kernel.name, threads: spec.workgroups * WORKGROUP_SIZE, loop: spec.loop });
  if (compileOnly() || spec.workgroups === 0) return;
  const bound = [...spec.inputs, ...spec.outputs];
  const bindGroup = backend.device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [...bound.map((t) => gpuBuffer(backend, t)), uniformBuffer(backend, spec.uniforms)].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  for (const t of bound) backend.commandQueueOwnedIds.add(t.dataId);
  for (const t of spec.outputs) forgetCpuCopy(backend, t);
  const maxPerDimension = backend.device.limits.maxComputeWorkgroupsPerDimension;
  const columns = Math.min(spec.workgroups, maxPerDimension);
  backend.ensureCommandEncoderReady();
  if (!backend.computePassEncoder) backend.computePassEncoder = backend.commandEncoder!.beginComputePass();
  backend.computePassEncoder.setPipeline(pipeline);
  backend.computePassEncoder.setBindGroup(0, bindGroup);
  backend.computePassEncoder.dispatchWorkgroups(columns, Math.ceil(spec.workgroups / columns));
  countDispatch(backend);
}

/**
 * tfjs keeps the values it read back on the CPU and answers later reads from them; a tensor
 * written in place (a variable) must drop them, or the next read returns the old values.
 */
function forgetCpuCopy(backend: WebGpuBackendInternals, tensor: tf.TensorInfo): void {
  backend.tensorMap.get(tensor.dataId).values = null;
}

/** Copies `count` floats from `source` (at element `sourceOffset`) to `target` (at `targetOffset`). */
export function copyOwn(source: tf.TensorInfo, sourceOffset: number, target: tf.TensorInfo, targetOffset: number, count: number): void {
  const backend = webGpuInternals();
  for (const listener of listeners) listener({ kind: 'copy', name: 'copy', threads: 0, loop: null });
  if (compileOnly() || count === 0) return;
  const from = gpuBuffer(backend, source);
  const to = gpuBuffer(backend, target);
  backend.commandQueueOwnedIds.add(source.dataId);
  backend.commandQueueOwnedIds.add(target.dataId);
  forgetCpuCopy(backend, target);
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.commandEncoder!.copyBufferToBuffer(from, 4 * sourceOffset, to, 4 * targetOffset, 4 * count);
}

/** A new float32 tensor in a GPU buffer, for a kernel to write (its contents are undefined until then). */
export function outputTensor(shape: number[]): tf.Tensor {
  const backend = webGpuInternals();
  const info = backend.makeTensorInfo(shape, 'float32');
  backend.uploadToGPU(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info);
}
