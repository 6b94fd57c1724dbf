/**
 * Watches the GPU behind the current tfjs backend. WebGPU reports a lost device on a promise and
 * an allocation failure as an uncaptured error event; WebGL reports a lost context as an event on
 * its canvas. None of these reaches the ops in flight, which may then return garbage or never
 * settle, so the caller must hear of them here and stop trusting the backend.
 */
import * as tf from '@tensorflow/tfjs';

export interface DeviceWatchers {
  /** The device or context is gone: nothing on this backend will work again. */
  onLost: (detail: string) => void;
  /** An allocation failed: the configuration needs more memory than the device has. */
  onOutOfMemory: (detail: string) => void;
}

/** WebGPU validation errors that mean "this buffer is larger than the device allows". */
const TOO_LARGE = /maxBufferSize|maxStorageBufferBindingSize|exceeds the .*limit|too large/i;

/** Attaches the watchers to the backend now in use; they stay quiet once another backend is in use. */
export function watchDevice({ onLost, onOutOfMemory }: DeviceWatchers): void {
  const name = tf.getBackend();
  const current = () => tf.getBackend() === name;
  const backend = tf.backend() as unknown as { device?: GPUDevice; gpgpu?: { gl?: WebGL2RenderingContext } };
  const device = backend.device;
  if (device) {
    // Any loss counts: the app never destroys its device itself.
    void device.lost.then((info) => {
      if (current()) onLost(info.message || `reason: ${info.reason}`);
    });
    device.addEventListener('uncapturederror', (event) => {
      const error = (event as GPUUncapturedErrorEvent).error;
      const outOfMemory = typeof GPUOutOfMemoryError !== 'undefined' && error instanceof GPUOutOfMemoryError;
      if (!current()) return;
      if (outOfMemory || TOO_LARGE.test(error.message)) onOutOfMemory(error.message);
      // Anything else (a kernel that failed to compile, a binding that does not fit) leaves wrong
      // numbers behind: a console error, which developer tools and the end-to-end tests show,
      // rather than the browser's quiet warning.
      else console.error(`WebGPU error: ${error.message}`);
    });
  }
  const canvas = backend.gpgpu?.gl?.canvas;
  canvas?.addEventListener('webglcontextlost', () => {
    if (current()) onLost('the WebGL context was lost');
  });
}

/** Errors thrown by ops that mean the memory or size limits of the device (or of the JS heap) were hit. */
const OUT_OF_MEMORY = /out of memory|OutOfMemory|Array buffer allocation failed|Requested texture size .* greater than WebGL maximum|Cannot enlarge memory|Aborted\(OOM\)|Maximum memory size|Invalid typed array length|Failed to (allocate|create) (a )?(buffer|texture)/i;

export function isOutOfMemoryError(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return OUT_OF_MEMORY.test(text);
}
