import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { automaticOrder, BackendUnavailableError, initBackend } from './backend.ts';

/** A WebGPU adapter as navigator.gpu would hand it out (only probed here, never started). */
function fakeGpu(info: Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean }) {
  const navigator = { gpu: { requestAdapter: async () => ({ info }) } };
  Object.defineProperty(globalThis, 'navigator', { value: navigator, configurable: true, writable: true });
}

const originalNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');

afterEach(() => {
  if (originalNavigator) Object.defineProperty(globalThis, 'navigator', originalNavigator);
  else delete (globalThis as { navigator?: unknown }).navigator;
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('the automatic backend order', () => {
  it('without a GPU (Node): wasm, then the JavaScript cpu backend, and says why', async () => {
    const { candidates, noHardware } = await automaticOrder();
    expect(candidates.map((c) => c.name)).toEqual(['wasm', 'cpu']);
    expect(noHardware).toEqual({ webgpu: 'there is no WebGPU adapter', webgl: 'WebGL 2 is unavailable' });
    const info = await initBackend('auto');
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.adapter).toMatch(/^WebAssembly SIMD, 1 thread/);
    expect(info.reason).toBe('WebAssembly on the CPU, because there is no WebGPU adapter; WebGL 2 is unavailable');
  });

  it('a hardware WebGPU adapter comes first; if it fails to start, the reason says so', async () => {
    fakeGpu({ vendor: 'nvidia', architecture: 'ampere', device: '', description: 'NVIDIA GeForce RTX 3060' });
    const { candidates, noHardware } = await automaticOrder();
    expect(candidates.map((c) => [c.name, c.software])).toEqual([['webgpu', false], ['wasm', false], ['cpu', false]]);
    expect(candidates[0].adapter).toBe('nvidia ampere (NVIDIA GeForce RTX 3060)');
    expect(noHardware).toEqual({ webgl: 'WebGL 2 is unavailable' });
    // The webgpu backend registers only where navigator.gpu exists at import, so here it cannot start.
    const info = await initBackend('auto');
    expect(info.name).toBe('wasm');
    expect(info.reason).toBe('WebAssembly on the CPU, because WebGL 2 is unavailable; the WebGPU backend did not register');
  });

  it('a software WebGPU adapter (fallback, or SwiftShader by name) comes after wasm', async () => {
    fakeGpu({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true });
    expect((await automaticOrder()).candidates.map((c) => [c.name, c.software])).toEqual([['wasm', false], ['webgpu', true], ['cpu', false]]);
    fakeGpu({ vendor: 'mesa', architecture: 'llvmpipe' });
    expect((await automaticOrder()).candidates.map((c) => c.name)).toEqual(['wasm', 'webgpu', 'cpu']);
  });

  it('passes over a software adapter and excluded backends, and says so', async () => {
    fakeGpu({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true });
    const wasm = await initBackend('auto');
    expect(wasm.name).toBe('wasm');
    expect(wasm.reason).toBe('WebAssembly on the CPU, because WebGPU runs only in software (google swiftshader (fallback adapter, software)); WebGL 2 is unavailable');
    // After a lost device, or when wasm is set aside: the next backend in the order.
    const next = await initBackend('auto', { exclude: ['wasm', 'webgpu'] });
    expect(next.name).toBe('cpu');
    expect(next.reason).toContain('WebAssembly is set aside; WebGPU is set aside');
  });

  it('a requested backend that is missing fails with a clear message; a requested one that exists starts', async () => {
    await expect(initBackend('webgpu')).rejects.toThrow(new BackendUnavailableError('WebGPU was requested but there is no WebGPU adapter.'));
    const cpu = await initBackend('cpu');
    expect(cpu).toEqual({ name: 'cpu', adapter: 'JavaScript on the CPU', reason: 'The JavaScript CPU backend (very slow) (requested)' });
    expect(tf.getBackend()).toBe('cpu');
  });
});
