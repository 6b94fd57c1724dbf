/**
 * For the engine's tests on the webgpu backend in Node: Dawn (the `webgpu` package) on the machine's
 * Vulkan driver, SwiftShader's CPU implementation where there is no GPU. Dawn must be installed as
 * navigator.gpu before tfjs-backend-webgpu is imported, which is why this imports it dynamically.
 */
import * as tf from '@tensorflow/tfjs';
import { installNodeWebGpu } from '../../../../scripts/lib/engine-node-gpu.ts';

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
