/**
 * What a training step asks of the GPU, dispatch by dispatch, for the bench's --profile: every
 * compute dispatch the webgpu backend records (tfjs's programs and the engine's own), attributed
 * to the tfjs kernel that issued it, with its thread count (workgroups × workgroup size) and,
 * where the program's shapes tell it, the trip count of each thread's longest loop.
 *
 * The step runs with WEBGPU_ENGINE_COMPILE_ONLY: programs are built and their dispatch sizes
 * computed exactly as in training, but nothing executes, so a ResNet-32 step at batch 128 profiles
 * in seconds even on a software adapter. The tensors it leaves behind hold no results: profile a
 * throw-away model.
 */
import * as tf from '@tensorflow/tfjs';
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { webGpuInternals } from '../../src/engine/kernels/webgpu/internals.ts';
import { copyOwn, dispatchOwn, KERNEL_MAIN, onOwnDispatch, outputTensor, WORKGROUP_SIZE, type OwnDispatch, type OwnKernel } from '../../src/engine/kernels/webgpu/dispatch.ts';

export interface DispatchRecord {
  /** The tfjs kernel being executed (innermost), or '(engine)' for the engine's own dispatches. */
  kernel: string;
  /** The WGSL program. */
  program: string;
  threads: number;
  /** Iterations of the longest loop one thread runs, when derivable; null otherwise. */
  loop: number | null;
  /** One of the engine's own dispatches (webgpu/dispatch.ts), not a tfjs program. */
  own: boolean;
}

export interface StepProfile {
  dispatches: DispatchRecord[];
  /** tfjs kernels run (tf.profile's count; several may share a dispatch, or issue none). */
  kernels: number;
  /** How often each tfjs kernel ran. */
  kernelCounts: Map<string, number>;
  /** Buffer-to-buffer copies the engine recorded (no dispatch, but a command each). */
  copies: number;
}

export interface ProfileRow {
  name: string;
  dispatches: number;
  minThreads: number;
  maxThreads: number;
  maxLoop: number | null;
}

const product = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** The longest per-thread loop of tfjs's programs that matter for training, read off their shapes. */
function tfjsLoop(program: WebGPUProgram & Record<string, unknown>, inputs: tf.TensorInfo[]): number | null {
  switch (program.constructor.name) {
    case 'Conv2DDerFilterProgram': {
      // One thread per filter element loops over batch × output rows × output columns (inputs: x, dy).
      const [batch, outH, outW] = inputs[1].shape;
      return batch * outH * outW;
    }
    case 'Conv2DDerInputProgram': {
      // Loops over the filter's rows, columns and output channels (4 at a time in the vec4 variant).
      const [fh, fw, , outC] = inputs[1].shape;
      return fh * fw * (program.isVec4 ? outC / 4 : outC);
    }
    case 'ReduceProgram': {
      const [, inSize] = program.inputShape as number[];
      return Math.ceil(inSize / program.workgroupSize[0]);
    }
    case 'Conv2DMMProgram':
    case 'MatMulPackedProgram':
    case 'MatMulSplitKProgram': {
      // Tiled products: one iteration per tile of the inner dimension.
      const inner = program.constructor.name === 'Conv2DMMProgram' ? product(inputs[1].shape.slice(0, 3)) : (program.splitedDimInner as number | undefined) ?? inputs[0].shape[program.transposeA ? 1 : 2];
      const tile = (program.tileInner as number | undefined) ?? 32;
      return Math.ceil(inner / tile);
    }
    default:
      return null;
  }
}

/**
 * Runs `step` once, counting the tfjs kernels it runs (as tf.profile does, without its per-kernel
 * timing) and, on webgpu, recording every dispatch. With `compileOnly` (webgpu) nothing executes
 * (see the file comment): `step` must then not depend on what it computes; its results are garbage.
 */
export async function recordStep(step: () => Promise<void>, compileOnly = false): Promise<StepProfile> {
  const onWebGpu = tf.getBackend() === 'webgpu';
  const engine = tf.engine() as unknown as { runKernelFunc: (params: { kernelName?: string }) => unknown };
  const kernelStack: string[] = [];
  const dispatches: DispatchRecord[] = [];
  let kernels = 0;
  const kernelCounts = new Map<string, number>();
  let copies = 0;

  const runKernelFunc = engine.runKernelFunc;
  engine.runKernelFunc = function (params) {
    kernels++;
    const name = params.kernelName ?? '(custom gradient op)';
    kernelCounts.set(name, (kernelCounts.get(name) ?? 0) + 1);
    kernelStack.push(name);
    try {
      return runKernelFunc.call(this, params);
    } finally {
      kernelStack.pop();
    }
  };
  const backend = onWebGpu ? webGpuInternals() : null;
  const runWebGPUProgram = backend?.runWebGPUProgram;
  if (backend && runWebGPUProgram) {
    backend.runWebGPUProgram = function (program, inputs, ...rest) {
      const out = runWebGPUProgram.call(this, program, inputs, ...rest);
      if (product(out.shape) > 0) {
        dispatches.push({
          kernel: kernelStack.at(-1) ?? '(none)',
          program: program.constructor.name,
          threads: product(program.dispatch) * product(program.workgroupSize),
          loop: tfjsLoop(program as WebGPUProgram & Record<string, unknown>, inputs),
          own: false,
        });
      }
      return out;
    };
  }
  const stopOwn = onOwnDispatch((own: OwnDispatch) => {
    if (own.kind === 'copy') copies++;
    else dispatches.push({ kernel: kernelStack.at(-1) ?? '(engine)', program: own.name, threads: own.threads, loop: own.loop, own: true });
  });
  // A read-back inside `step` (the twin's loss read) finds nothing computed; tfjs warns about it.
  const warn = console.warn;
  const compiling = compileOnly && backend !== null;
  if (compiling) {
    tf.env().set('WEBGPU_ENGINE_COMPILE_ONLY', true);
    console.warn = (...args: unknown[]) => {
      if (!String(args[0]).includes('WEBGPU_ENGINE_COMPILE_ONLY')) warn(...args);
    };
  }
  try {
    await step();
  } finally {
    if (compiling) {
      tf.env().set('WEBGPU_ENGINE_COMPILE_ONLY', false);
      await backend!.checkCompileCompletionAsync();
      console.warn = warn;
    }
    engine.runKernelFunc = runKernelFunc;
    if (backend && runWebGPUProgram) backend.runWebGPUProgram = runWebGPUProgram;
    stopOwn();
  }
  return { dispatches, kernels, kernelCounts, copies };
}

/** Per kernel and program: dispatches, smallest and largest thread count, longest loop; most dispatches first. */
export function summarise(records: readonly DispatchRecord[]): ProfileRow[] {
  const rows = new Map<string, ProfileRow>();
  for (const r of records) {
    const name = `${r.kernel} · ${r.program}`;
    const row = rows.get(name) ?? { name, dispatches: 0, minThreads: Infinity, maxThreads: 0, maxLoop: null };
    row.dispatches++;
    row.minThreads = Math.min(row.minThreads, r.threads);
    row.maxThreads = Math.max(row.maxThreads, r.threads);
    if (r.loop !== null) row.maxLoop = Math.max(row.maxLoop ?? 0, r.loop);
    rows.set(name, row);
  }
  return [...rows.values()].sort((a, b) => b.dispatches - a.dispatches || a.name.localeCompare(b.name));
}

/** The filter-gradient dispatches (tfjs's Conv2DBackpropFilter or the engine's two passes). */
export function filterGradientDispatches(records: readonly DispatchRecord[]): DispatchRecord[] {
  return records.filter((r) => r.kernel === 'Conv2DBackpropFilter' || r.program.startsWith('FilterGradient'));
}

/** tfjs programs that add float partial sums with atomics (results differ from run to run). */
export function atomicDispatches(records: readonly DispatchRecord[]): DispatchRecord[] {
  return records.filter((r) => r.program === 'MatMulSplitKProgram');
}

/** Dispatches whose threads together run ≥ 2^20 loop iterations: where few threads mean a long wait. */
export function heavyDispatches(records: readonly DispatchRecord[]): DispatchRecord[] {
  return records.filter((r) => r.loop !== null && r.threads * r.loop >= 2 ** 20);
}

/** Microseconds per command, by kind: CPU time to record it, and wall time until the GPU finished it. */
export interface CommandCost {
  issue: number;
  completed: number;
}

export interface DispatchCosts {
  /** A tfjs op's dispatch (kernel lookup, shader key, uniforms, bind group). */
  tfjs: CommandCost;
  /** One of the engine's own dispatches (webgpu/dispatch.ts). */
  own: CommandCost;
  /** One buffer-to-buffer copy. */
  copy: CommandCost;
}

const incrementKernel: OwnKernel = {
  name: 'BenchIncrement',
  code: `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
struct Params { size: u32 }
@group(0) @binding(2) var<uniform> u: Params;
${KERNEL_MAIN}
  if (index < u.size) { y[index] = x[index] + 1.0; }
}`,
};

/**
 * The cost of one command with tensors so small that the arithmetic is negligible: `count` chained
 * element-wise adds on 1,024 floats (above tfjs's CPU hand-off threshold, so each is a GPU
 * dispatch), as many own dispatches, as many copies; timed while recording and until read back.
 * The median of `rounds` interleaved rounds, as the machine may be shared.
 */
export async function measureDispatchCosts(count = 1000, rounds = 5): Promise<DispatchCosts> {
  const x = tf.randomUniform([1024]);
  const chain = async (record: (from: tf.Tensor) => tf.Tensor): Promise<CommandCost> => {
    let y = tf.add(x, x);
    await y.data();
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const next = record(y);
      y.dispose();
      y = next;
    }
    const issued = performance.now();
    await y.data();
    const finished = performance.now();
    y.dispose();
    return { issue: ((issued - started) * 1000) / count, completed: ((finished - started) * 1000) / count };
  };
  const kinds: Record<keyof DispatchCosts, (y: tf.Tensor) => tf.Tensor> = {
    tfjs: (y) => tf.add(y, x),
    own: (y) => {
      const out = outputTensor(y.shape);
      dispatchOwn(incrementKernel, { inputs: [y], outputs: [out], uniforms: [['u32', y.size]], workgroups: Math.ceil(y.size / WORKGROUP_SIZE), loop: null });
      return out;
    },
    copy: (y) => {
      const out = outputTensor(y.shape);
      copyOwn(y, 0, out, 0, y.size);
      return out;
    },
  };
  const samples: Record<keyof DispatchCosts, CommandCost[]> = { tfjs: [], own: [], copy: [] };
  // Round 0 warms up (pipeline compilation, buffer pools, JIT) and is not counted.
  for (let round = 0; round <= rounds; round++) {
    for (const kind of Object.keys(kinds) as (keyof DispatchCosts)[]) {
      const cost = await chain(kinds[kind]);
      if (round > 0) samples[kind].push(cost);
    }
  }
  x.dispose();
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const summary = (costs: CommandCost[]) => ({ issue: median(costs.map((c) => c.issue)), completed: median(costs.map((c) => c.completed)) });
  return { tfjs: summary(samples.tfjs), own: summary(samples.own), copy: summary(samples.copy) };
}
