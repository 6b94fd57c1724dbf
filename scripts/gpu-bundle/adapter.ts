/**
 * The GPU bundle's adapter probe, bundled as adapter.mjs: asks Dawn for a WebGPU adapter and a device
 * on it with the environment run.sh chose (one way of finding the Vulkan driver), and prints one line
 * on stdout. Exit status: 0 an adapter and a device, 3 no adapter, 4 Dawn did not start, 5 an adapter
 * but no device. Not a tfjs program: it starts in a fraction of a second, so run.sh can try each way.
 */
import { create } from 'webgpu';

/** Dawn's adapter info also carries isFallbackAdapter (newer WebGPU moved it there from GPUAdapter). */
type AdapterInfo = GPUAdapterInfo & { isFallbackAdapter?: boolean; description?: string };

function describe(adapter: GPUAdapter): string {
  const info = adapter.info as AdapterInfo;
  const fallback = info.isFallbackAdapter ?? adapter.isFallbackAdapter;
  const field = (value: string | undefined) => (value ? value : '(none)');
  return `vendor=${field(info.vendor)} architecture=${field(info.architecture)} device=${field(info.device)} description="${info.description ?? ''}" isFallbackAdapter=${fallback}`;
}

let adapter: GPUAdapter | null;
try {
  // As the engine asks (scripts/lib/engine-node-gpu.ts), so both get the same adapter.
  adapter = await create([]).requestAdapter();
} catch (error) {
  console.log(`Dawn did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(4);
}
if (!adapter) {
  console.log('no adapter');
  process.exit(3);
}
const described = describe(adapter);
try {
  const device = await adapter.requestDevice();
  device.destroy();
} catch (error) {
  console.log(`${described} but no device: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(5);
}
console.log(described);
// Dawn's instance would keep the process alive a while.
process.exit(0);
