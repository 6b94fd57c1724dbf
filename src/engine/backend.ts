/**
 * Picks the tfjs backend. WebGPU first (importing '@tensorflow/tfjs-backend-webgpu' registers it
 * wherever navigator.gpu exists), WebGL as the fallback; 'cpu' for tests and scripts. The returned
 * reason is shown to the user in the backend badge.
 *
 * In Node, scripts make WebGPU available through Dawn (the `webgpu` npm package) by calling
 * `installNodeWebGpu` from scripts/lib/engine-node-gpu.ts before importing this module.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';

export type EngineBackendChoice = 'auto' | 'webgpu' | 'webgl' | 'cpu' | 'wasm';

export interface BackendInfo {
  /** The tfjs backend in use: 'webgpu', 'webgl' or 'cpu'. */
  name: string;
  /** What runs it, e.g. "nvidia ampere (NVIDIA GeForce RTX 3060)", "SwiftShader (fallback adapter)". */
  adapter: string;
  /** Why this backend was chosen, in words for the user. */
  reason: string;
}

export interface BackendOptions {
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

interface AdapterProbe {
  adapter: string;
  fallback: boolean;
}

/** Describes the WebGPU adapter, or null when the platform offers none. */
async function probeWebGpu(): Promise<AdapterProbe | null> {
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
  return { adapter: fallback ? `${name} (fallback adapter, software)` : name, fallback };
}

function webGlRenderer(): string {
  // Only the WebGL backend exposes its context; the unmasked renderer names the GPU where allowed.
  const backend = tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } };
  const gl = backend.gpgpu?.gl;
  if (!gl) return `WebGL ${tf.env().getNumber('WEBGL_VERSION')}`;
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  return `WebGL ${tf.env().getNumber('WEBGL_VERSION')}: ${String(renderer)}`;
}

async function switchBackend(name: string): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

async function tryWebGpu(): Promise<BackendInfo | string> {
  const probe = await probeWebGpu();
  if (!probe) return 'this browser offers no WebGPU adapter';
  if (!tf.findBackendFactory('webgpu')) return 'the WebGPU backend did not register';
  if (!(await switchBackend('webgpu'))) return `WebGPU failed to start on ${probe.adapter}`;
  const reason = probe.fallback ? 'WebGPU is available, but on a software (fallback) adapter: expect it to be slow' : 'WebGPU is available';
  return { name: 'webgpu', adapter: probe.adapter, reason };
}

async function tryWebGl(): Promise<BackendInfo | string> {
  if (!tf.findBackendFactory('webgl') || !(await switchBackend('webgl'))) return 'WebGL could not start';
  return { name: 'webgl', adapter: webGlRenderer(), reason: 'WebGL' };
}

/** Selects and initialises a backend; throws BackendUnavailableError with a readable message. */
export async function initBackend(choice: EngineBackendChoice, options: BackendOptions = {}): Promise<BackendInfo> {
  const excluded = new Set(options.exclude ?? []);
  switch (choice) {
    case 'auto': {
      const probe = excluded.has('webgpu') ? null : await probeWebGpu();
      // A software (fallback) WebGPU adapter trains several times slower than WebGL (measured on
      // SwiftShader), so there WebGL comes first and the fallback adapter is only the last resort.
      if (probe?.fallback && !excluded.has('webgl')) {
        const gl = await tryWebGl();
        if (typeof gl !== 'string') return { ...gl, reason: `WebGL, because WebGPU offers only a software adapter (${probe.adapter}), which is slower` };
      }
      const gpu = excluded.has('webgpu') ? 'WebGPU is set aside' : await tryWebGpu();
      if (typeof gpu !== 'string') return gpu;
      const gl = excluded.has('webgl') ? 'WebGL is set aside' : await tryWebGl();
      if (typeof gl !== 'string') return { ...gl, reason: `WebGL, because ${gpu}` };
      throw new BackendUnavailableError(`Neither WebGPU nor WebGL can run here: ${gpu}; ${gl}. Try a recent Chrome, Edge or Firefox with hardware acceleration on.`);
    }
    case 'webgpu': {
      const gpu = await tryWebGpu();
      if (typeof gpu === 'string') throw new BackendUnavailableError(`WebGPU was requested but ${gpu}.`);
      return { ...gpu, reason: `${gpu.reason} (requested)` };
    }
    case 'webgl': {
      const gl = await tryWebGl();
      if (typeof gl === 'string') throw new BackendUnavailableError(`WebGL was requested but ${gl}.`);
      return { ...gl, reason: 'WebGL (requested)' };
    }
    case 'cpu':
      if (!(await switchBackend('cpu'))) throw new BackendUnavailableError('The CPU backend could not start.');
      return { name: 'cpu', adapter: 'JavaScript on the CPU', reason: 'CPU (requested): correct but very slow' };
    case 'wasm':
      throw new BackendUnavailableError(
        'The wasm backend is not bundled: @tensorflow/tfjs-backend-wasm has no Conv2DBackpropFilter kernel, so it cannot train as shipped (the engine computes that gradient by forward convolutions on cpu/wasm, but the package is not installed).',
      );
  }
}
