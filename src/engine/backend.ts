/**
 * Picks the tfjs backend. The automatic order (`automaticOrder`) is, best first: a hardware WebGPU
 * adapter, hardware WebGL, WebAssembly on the CPU (tfjs-backend-wasm, SIMD, threaded where the
 * page is cross-origin isolated), then WebGL and WebGPU on a software rasteriser (SwiftShader,
 * llvmpipe: slower than wasm on the same CPU), and the plain JavaScript `cpu` backend last. The
 * returned reason is shown to the user in the backend badge: which backend trains and why the
 * better ones were passed over.
 *
 * The wasm backend's code and binaries are loaded only when wasm is tried. In the browser the
 * caller passes the binaries' URLs (`BackendOptions.wasmPaths`, e.g. the bundler's asset URLs);
 * in Node the package finds its own files.
 *
 * In Node, scripts make WebGPU available through Dawn (the `webgpu` npm package) by calling
 * `installNodeWebGpu` from scripts/lib/engine-node-gpu.ts before importing this module.
 */
import * as tf from '@tensorflow/tfjs';
import { loadWasmKernels } from './kernels/wasm/wasmKernels.ts';
import '@tensorflow/tfjs-backend-webgpu';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export type EngineBackendChoice = 'auto' | BackendName;

export interface BackendInfo {
  /** The tfjs backend in use. */
  name: BackendName;
  /** What runs it, e.g. "nvidia ampere (NVIDIA GeForce RTX 3060)", "WebAssembly SIMD, 4 threads". */
  adapter: string;
  /** Why this backend was chosen, in words for the user. */
  reason: string;
}

/** The three binaries of tfjs-backend-wasm, by their file names in the package. */
export type WasmPaths = Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>;

export interface BackendOptions {
  /** Where the page serves the wasm binaries; without it tfjs looks next to its own script (Node: the package). */
  wasmPaths?: WasmPaths;
  /** Threads of the threaded wasm build (where the page is cross-origin isolated; 1: the plain SIMD build); default tfjs's, half the logical cores. */
  wasmThreads?: number;
  /**
   * Backends 'auto' must not use, e.g. ['webgpu'] after its device was lost: 'auto' then starts
   * the next backend in the automatic order.
   */
  exclude?: readonly string[];
}

export class BackendUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendUnavailableError';
  }
}

/** One place in the automatic order, as probed (not started). */
export interface BackendCandidate {
  name: BackendName;
  /** The adapter or renderer, where known before starting. */
  adapter: string;
  /** A GPU API emulated on the CPU (SwiftShader, llvmpipe, …): slower than wasm, so it comes after it. */
  software: boolean;
}

/** The automatic order's result: the candidates best first, and why a GPU API has no hardware candidate. */
export interface AutomaticOrder {
  candidates: BackendCandidate[];
  /** Per GPU API without a hardware candidate, why, e.g. "there is no WebGPU adapter", "WebGL runs only in software (…)". */
  noHardware: Partial<Record<'webgpu' | 'webgl', string>>;
}

/** Renderer names of software rasterisers that some platforms hand out as WebGL or WebGPU adapters. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render driver/i;

/** Describes the WebGPU adapter, or null when the platform offers none. */
async function probeWebGpu(): Promise<BackendCandidate | null> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return null;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!adapter) return null;
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  // isFallbackAdapter moved from GPUAdapter to GPUAdapterInfo in the spec; read either.
  const fallback = Boolean(info?.isFallbackAdapter ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter);
  const parts = [info?.vendor, info?.architecture].filter(Boolean).join(' ');
  const detail = [info?.device, info?.description].filter(Boolean).join(', ');
  const name = [parts, detail && `(${detail})`].filter(Boolean).join(' ') || 'unnamed adapter';
  const software = fallback || SOFTWARE_RENDERER.test(name);
  return { name: 'webgpu', adapter: software ? `${name} (fallback adapter, software)` : name, software };
}

/** The renderer a WebGL 2 context reports: the unmasked one (names the GPU) where the browser allows. */
function rendererOf(gl: WebGL2RenderingContext): string {
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
}

/** Describes WebGL 2 from a throw-away context (tfjs's own comes later), or null without WebGL 2. */
function probeWebGl(): BackendCandidate | null {
  if (typeof OffscreenCanvas === 'undefined' || !tf.findBackendFactory('webgl')) return null;
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  if (!gl) return null;
  const renderer = rendererOf(gl);
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return { name: 'webgl', adapter: `WebGL 2: ${renderer}`, software: SOFTWARE_RENDERER.test(renderer) };
}

function webGlRenderer(): string {
  // Only the WebGL backend exposes its context.
  const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGL2RenderingContext } };
  const gl = backend.gpgpu?.gl;
  return gl ? `WebGL ${tf.env().getNumber('WEBGL_VERSION')}: ${rendererOf(gl)}` : `WebGL ${tf.env().getNumber('WEBGL_VERSION')}`;
}

/**
 * The order 'auto' tries, best first, for this platform: hardware WebGPU, hardware WebGL, wasm,
 * software WebGL, software WebGPU, cpu. Probing creates no tfjs backend. WebGL in software comes
 * before WebGPU in software because it trained about three times faster on SwiftShader; both come
 * after wasm, which trains faster on the same CPU (see `npm run bench`).
 */
export async function automaticOrder(): Promise<AutomaticOrder> {
  const webgpu = await probeWebGpu();
  const webgl = probeWebGl();
  const noHardware: AutomaticOrder['noHardware'] = {};
  if (!webgpu) noHardware.webgpu = 'there is no WebGPU adapter';
  else if (webgpu.software) noHardware.webgpu = `WebGPU runs only in software (${webgpu.adapter})`;
  if (!webgl) noHardware.webgl = 'WebGL 2 is unavailable';
  else if (webgl.software) noHardware.webgl = `WebGL runs only in software (${webgl.adapter})`;
  const wasm: BackendCandidate = { name: 'wasm', adapter: 'WebAssembly on the CPU', software: false };
  const cpu: BackendCandidate = { name: 'cpu', adapter: 'JavaScript on the CPU', software: false };
  const hardware = [webgpu, webgl].filter((c): c is BackendCandidate => c !== null && !c.software);
  const software = [webgl, webgpu].filter((c): c is BackendCandidate => c !== null && c.software);
  return { candidates: [...hardware, wasm, ...software, cpu], noHardware };
}

async function switchBackend(name: string): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

type Started = { adapter: string } | { problem: string };

async function startWebGpu(probe: BackendCandidate): Promise<Started> {
  if (!tf.findBackendFactory('webgpu')) return { problem: 'the WebGPU backend did not register' };
  if (!(await switchBackend('webgpu'))) return { problem: `WebGPU failed to start on ${probe.adapter}` };
  return { adapter: probe.adapter };
}

async function startWebGl(software: boolean): Promise<Started> {
  // tfjs refuses a context with a "major performance caveat" unless told that software is fine.
  if (software) tf.env().set('SOFTWARE_WEBGL_ENABLED', true);
  if (!tf.findBackendFactory('webgl') || !(await switchBackend('webgl'))) return { problem: 'WebGL could not start' };
  return { adapter: webGlRenderer() };
}

let wasmModule: Promise<typeof import('@tensorflow/tfjs-backend-wasm')> | null = null;
/** Set when the page's Content-Security-Policy forbids the threaded build's workers. */
let threadsBlocked = false;
const BLOB_WORKER_PROBE_MS = 3000;

/**
 * Whether this context may start the threaded wasm build's workers: each is a blob: worker that
 * loads the module's code from another blob: URL. A Content-Security-Policy without blob: in
 * worker-src and script-src forbids that, and the threaded build then hangs instead of failing.
 */
function blobWorkersAllowed(): Promise<boolean> {
  const blobUrl = (code: string) => URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
  return new Promise((resolve) => {
    let worker: Worker;
    const done = (allowed: boolean) => {
      clearTimeout(timer);
      worker?.terminate();
      resolve(allowed);
    };
    const timer = setTimeout(() => done(false), BLOB_WORKER_PROBE_MS);
    try {
      worker = new Worker(blobUrl(`importScripts(${JSON.stringify(blobUrl('postMessage(true)'))});`));
      worker.onmessage = () => done(true);
      worker.onerror = () => done(false);
    } catch {
      done(false);
    }
  });
}

/** Loads tfjs-backend-wasm (code and binary) on first use only. */
async function startWasm({ wasmPaths, wasmThreads }: BackendOptions): Promise<Started> {
  try {
    const first = !wasmModule;
    wasmModule ??= import('@tensorflow/tfjs-backend-wasm');
    const wasm = await wasmModule;
    if (first && wasmPaths) wasm.setWasmPaths(wasmPaths);
    if (first && wasmThreads) wasm.setThreadsCount(wasmThreads);
    // One thread needs no threaded build: two lane workers on the plain SIMD build trained 1.2× faster
    // in Chromium here (138 against 115 images/s) than on the threaded one.
    if (first && wasmThreads === 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    // The import registered the flag; tfjs reads it when the backend starts, just below.
    if (first && (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) && !(await blobWorkersAllowed())) {
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      threadsBlocked = true;
    }
    if (!(await switchBackend('wasm'))) {
      return { problem: "WebAssembly could not start: its .wasm file did not load, or the page's Content-Security-Policy forbids compiling it (script-src needs 'wasm-unsafe-eval')" };
    }
    // The engine's own SIMD kernels, on tfjs's memory (none without SIMD: the composed ones stay).
    await loadWasmKernels();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = wasm.getThreadsCount();
    return { adapter: `WebAssembly${simd ? ' SIMD' : ''}, ${threads} thread${threads === 1 ? '' : 's'}${threads === 1 ? await whySingleThreaded() : ''}` };
  } catch (error) {
    return { problem: `WebAssembly could not start: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** Why the wasm backend runs one thread, as a parenthesis for the adapter string. */
async function whySingleThreaded(): Promise<string> {
  if (tf.env().getBool('IS_NODE')) return ' (tfjs has no wasm threads in Node)';
  if (threadsBlocked) return " (the page's Content-Security-Policy forbids blob: workers and scripts, which threads need)";
  if (!(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))) return ' (the page is not cross-origin isolated)';
  // The threaded build uses half the logical cores (at most 8).
  return ` (tfjs uses half of the ${navigator.hardwareConcurrency} logical cores)`;
}

async function startCpu(): Promise<Started> {
  return (await switchBackend('cpu')) ? { adapter: 'JavaScript on the CPU' } : { problem: 'the CPU backend could not start' };
}

function start(candidate: BackendCandidate, options: BackendOptions): Promise<Started> {
  switch (candidate.name) {
    case 'webgpu':
      return startWebGpu(candidate);
    case 'webgl':
      return startWebGl(candidate.software);
    case 'wasm':
      return startWasm(options);
    case 'cpu':
      return startCpu();
  }
}

const LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WebAssembly', cpu: 'The JavaScript CPU backend' };

/** What the chosen backend is, for the reason string. */
function describeChoice(candidate: BackendCandidate): string {
  if (candidate.name === 'wasm') return 'WebAssembly on the CPU';
  if (candidate.name === 'cpu') return 'The JavaScript CPU backend (very slow)';
  return candidate.software ? `${LABEL[candidate.name]} in software (slow)` : `${LABEL[candidate.name]} on the GPU`;
}

async function initAutomatic(options: BackendOptions): Promise<BackendInfo> {
  const { candidates, noHardware } = await automaticOrder();
  const excluded = new Set(options.exclude ?? []);
  // Why the better backends were not used: the GPU APIs better than the chosen one without hardware
  // (WebGPU is better than everything but itself, WebGL than everything but the GPU APIs), and every
  // candidate before it that was set aside or failed to start.
  const problems: string[] = [];
  for (const candidate of candidates) {
    if (excluded.has(candidate.name)) {
      problems.push(`${LABEL[candidate.name]} is set aside`);
      continue;
    }
    const started = await start(candidate, options);
    if ('problem' in started) {
      problems.push(started.problem);
      continue;
    }
    const hardwareGpu = !candidate.software && (candidate.name === 'webgpu' || candidate.name === 'webgl');
    const betterApis = hardwareGpu ? (candidate.name === 'webgl' ? ['webgpu' as const] : []) : (['webgpu', 'webgl'] as const);
    const reasons = [...betterApis.flatMap((api) => noHardware[api] ?? []), ...problems];
    const because = reasons.length ? `, because ${reasons.join('; ')}` : ': the fastest backend here';
    return { name: candidate.name, adapter: started.adapter, reason: `${describeChoice(candidate)}${because}` };
  }
  throw new BackendUnavailableError(`No backend could start: ${[...Object.values(noHardware), ...problems].join('; ')}. Try a recent Chrome, Edge or Firefox.`);
}

/** Selects and initialises a backend; throws BackendUnavailableError with a readable message. */
export async function initBackend(choice: EngineBackendChoice, options: BackendOptions = {}): Promise<BackendInfo> {
  if (choice === 'auto') return initAutomatic(options);
  const probed = choice === 'webgpu' ? await probeWebGpu() : choice === 'webgl' ? probeWebGl() : null;
  if (choice === 'webgpu' && !probed) throw new BackendUnavailableError('WebGPU was requested but there is no WebGPU adapter.');
  const candidate: BackendCandidate = probed ?? { name: choice, adapter: '', software: false };
  const started = await start(candidate, options);
  if ('problem' in started) throw new BackendUnavailableError(`${LABEL[choice]} was requested but ${started.problem}.`);
  return { name: choice, adapter: started.adapter, reason: `${describeChoice(candidate)} (requested)` };
}
