/**
 * WebGPU for Node scripts through Dawn (the `webgpu` npm package). tfjs-backend-webgpu registers
 * itself only if navigator.gpu exists when it is imported, so call this before importing the engine
 * (the scripts import it dynamically afterwards). On machines without a GPU, Dawn runs on
 * SwiftShader's Vulkan (a CPU implementation), correct and slow.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * The Vulkan loader prints "error: XDG_RUNTIME_DIR is invalid or not set" when it has none (servers,
 * CI, containers); a private empty one keeps stderr for the script's own messages, removed on exit.
 */
function ensureRuntimeDir(): void {
  const current = process.env.XDG_RUNTIME_DIR;
  if (current && existsSync(current) && statSync(current).isDirectory()) return;
  const runtimeDir = mkdtempSync(join(tmpdir(), 'imbalance-playground-xdg-'));
  process.env.XDG_RUNTIME_DIR = runtimeDir;
  process.on('exit', () => rmSync(runtimeDir, { recursive: true, force: true }));
}

/** Installs navigator.gpu; resolves to null on success, else why WebGPU is unavailable. */
export async function installNodeWebGpu(): Promise<string | null> {
  // VK_DRIVER_FILES (newer loaders' name) chooses the driver too: then SwiftShader must not override it.
  if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  ensureRuntimeDir();
  try {
    const { create, globals } = await import('webgpu');
    const gpu = create([]);
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'Dawn found no WebGPU adapter (set VK_ICD_FILENAMES to a Vulkan driver, e.g. SwiftShader)';
    Object.assign(globalThis, globals);
    Object.assign(globalThis, { navigator: { gpu }, window: globalThis });
    return null;
  } catch (error) {
    return `the webgpu package could not start: ${error instanceof Error ? error.message : String(error)}`;
  }
}
