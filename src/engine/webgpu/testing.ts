/**
 * For the engine's tests on the webgpu backend in Node: Dawn (the `webgpu` package) on the machine's
 * Vulkan driver, SwiftShader's CPU implementation where there is no GPU. Dawn must be installed as
 * navigator.gpu before tfjs-backend-webgpu is imported, which is why this imports it dynamically.
 */
import * as tf from '@tensorflow/tfjs';
import { installNodeWebGpu } from '../../../scripts/lib/engine-node-gpu.ts';

const deviceErrors: string[] = [];

/**
 * Makes webgpu the current backend, or throws saying why it cannot start; errors the device reports
 * (a kernel that does not compile, a binding that does not fit) are collected for `deviceErrorsSoFar`.
 */
export async function useNodeWebGpu(): Promise<void> {
  const problem = await installNodeWebGpu();
  if (problem) throw new Error(`WebGPU in Node is unavailable: ${problem}. Install chromium (its SwiftShader Vulkan driver) or run on a machine with a GPU.`);
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('The webgpu backend did not start.');
  const device = (tf.backend() as unknown as { device: GPUDevice }).device;
  device.addEventListener('uncapturederror', (event) => deviceErrors.push((event as GPUUncapturedErrorEvent).error.message));
}

/** The device's uncaught errors since useNodeWebGpu (each would leave wrong numbers behind). */
export function deviceErrorsSoFar(): string[] {
  return [...deviceErrors];
}

/** ‖a − b‖∞ / ‖b‖∞: the error of `actual` relative to the largest value of `expected`. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`relativeError: lengths ${actual.length} and ${expected.length} differ.`);
  let maxDiff = 0;
  let maxValue = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    maxValue = Math.max(maxValue, Math.abs(expected[i]));
  }
  if (Number.isNaN(maxDiff)) return Number.POSITIVE_INFINITY;
  return maxValue === 0 ? maxDiff : maxDiff / maxValue;
}
