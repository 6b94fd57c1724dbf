/**
 * The engine's own compute dispatches and buffer copies, recorded into the webgpu backend's command
 * stream in order with tfjs's programs. They exist for what tfjs's program interface cannot do: a
 * kernel with several outputs or updating buffers in place (batch-norm statistics with the running
 * averages, SGD over a flat parameter buffer). Everything else goes through runWebGPUProgram.
 *
 * Each kernel is a complete WGSL module with entry point `main` and a workgroup size of
 * `WORKGROUP_SIZE`; it binds its inputs (read) first, then its outputs (read_write), then its
 * uniform struct (32-bit scalars only). The kernels read and write float32; dispatchOwn and copyOwn
 * check every tensor's dtype and convert an input whose buffer holds int32 or bool data (what
 * tf.cast to float32 returns on webgpu) before binding it.
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

/**
 * Records one dispatch of `kernel`. Every tensor must be float32; an input whose buffer holds
 * int32 or bool data (tf.cast of an int32 or bool tensor is a view of its buffer on webgpu) is
 * converted first, and a tensor to write must itself be held as float32.
 */
export function dispatchOwn(kernel: OwnKernel, spec: DispatchSpec): void {
  const backend = webGpuInternals();
  spec.outputs.forEach((t, i) => checkFloat32(backend, t, `${kernel.name}: output ${i}`, true));
  const converted: tf.TensorInfo[] = [];
  const inputs = spec.inputs.map((t, i) => asFloat32(backend, t, `${kernel.name}: input ${i}`, converted));
  record(backend, kernel, inputs, spec.outputs, spec.uniforms, spec.workgroups, spec.loop);
  releaseConverted(backend, converted);
}

/** Records the dispatch as given, without checks. */
function record(
  backend: WebGpuBackendInternals,
  kernel: OwnKernel,
  inputs: readonly tf.TensorInfo[],
  outputs: readonly tf.TensorInfo[],
  uniforms: readonly Uniform[],
  workgroups: number,
  loop: number | null,
): void {
  const pipeline = pipelineFor(backend.device, kernel);
  for (const listener of listeners) listener({ kind: 'dispatch', name: kernel.name, threads: workgroups * WORKGROUP_SIZE, loop });
  if (compileOnly() || workgroups === 0) return;
  const bound = [...inputs, ...outputs];
  const bindGroup = backend.device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [...bound.map((t) => gpuBuffer(backend, t)), uniformBuffer(backend, uniforms)].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  for (const t of bound) backend.commandQueueOwnedIds.add(t.dataId);
  for (const t of outputs) forgetCpuCopy(backend, t);
  const maxPerDimension = backend.device.limits.maxComputeWorkgroupsPerDimension;
  const columns = Math.min(workgroups, maxPerDimension);
  backend.ensureCommandEncoderReady();
  if (!backend.computePassEncoder) backend.computePassEncoder = backend.commandEncoder!.beginComputePass();
  backend.computePassEncoder.setPipeline(pipeline);
  backend.computePassEncoder.setBindGroup(0, bindGroup);
  backend.computePassEncoder.dispatchWorkgroups(columns, Math.ceil(workgroups / columns));
  countDispatch(backend);
}

/**
 * Throws unless `tensor` is float32; `inPlace`: also unless its buffer holds float32 (a tensor the
 * kernel writes cannot be replaced by a converted copy).
 */
function checkFloat32(backend: WebGpuBackendInternals, tensor: tf.TensorInfo, what: string, inPlace: boolean): void {
  if (tensor.dtype !== 'float32') {
    throw new Error(`${what} is a ${tensor.dtype} tensor [${tensor.shape}]; the engine's WebGPU kernels take float32 (tf.cast it first).`);
  }
  const stored = backend.tensorMap.get(tensor.dataId).dtype;
  if (inPlace && stored !== 'float32') {
    throw new Error(`${what} [${tensor.shape}] is float32 over a buffer of ${stored} data (a tf.cast view); a tensor the engine's WebGPU kernels write must hold its own float32 data.`);
  }
}

/** Reads int32 (or bool, which the webgpu backend stores as int32) as float32. */
const toFloat32Kernel: OwnKernel = {
  name: 'IntToFloat32',
  code: `
@group(0) @binding(0) var<storage, read> x: array<i32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
struct Params { size: u32 }
@group(0) @binding(2) var<uniform> u: Params;
${KERNEL_MAIN}
  if (index >= u.size) { return; }
  y[index] = f32(x[index]);
}`,
};

/**
 * `tensor` as one whose buffer holds float32 values. tfjs's Cast from int32 or bool to float32 on
 * webgpu returns a view of the input's buffer that only its own programs read right (they read by
 * the buffer's dtype); such a tensor is converted into a new buffer, added to `converted`.
 */
function asFloat32(backend: WebGpuBackendInternals, tensor: tf.TensorInfo, what: string, converted: tf.TensorInfo[]): tf.TensorInfo {
  checkFloat32(backend, tensor, what, false);
  const stored = backend.tensorMap.get(tensor.dataId).dtype;
  if (stored === 'float32') return tensor;
  if (stored !== 'int32' && stored !== 'bool') throw new Error(`${what} [${tensor.shape}] is float32 over a buffer of ${stored} data, which the engine's WebGPU kernels cannot read.`);
  const size = tensor.shape.reduce((a, b) => a * b, 1);
  const copy = backend.makeTensorInfo(tensor.shape, 'float32');
  converted.push(copy);
  record(backend, toFloat32Kernel, [tensor], [copy], [['u32', size]], Math.ceil(size / WORKGROUP_SIZE), null);
  return copy;
}

/** Releases the converted copies (their buffers once the commands that use them are submitted). */
function releaseConverted(backend: WebGpuBackendInternals, converted: readonly tf.TensorInfo[]): void {
  for (const t of converted) backend.disposeData(t.dataId);
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
  checkFloat32(backend, source, 'copy: source', false);
  checkFloat32(backend, target, 'copy: target', true);
  if (compileOnly() || count === 0) return;
  const converted: tf.TensorInfo[] = [];
  const floatSource = asFloat32(backend, source, 'copy: source', converted);
  const from = gpuBuffer(backend, floatSource);
  const to = gpuBuffer(backend, target);
  backend.commandQueueOwnedIds.add(floatSource.dataId);
  backend.commandQueueOwnedIds.add(target.dataId);
  forgetCpuCopy(backend, target);
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.commandEncoder!.copyBufferToBuffer(from, 4 * sourceOffset, to, 4 * targetOffset, 4 * count);
  releaseConverted(backend, converted);
}

/** A new float32 tensor in a GPU buffer, for a kernel to write (its contents are undefined until then). */
export function outputTensor(shape: number[]): tf.Tensor {
  const backend = webGpuInternals();
  const info = backend.makeTensorInfo(shape, 'float32');
  backend.uploadToGPU(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info);
}
