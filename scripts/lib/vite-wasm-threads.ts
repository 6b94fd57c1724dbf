/**
 * Vite plugin for tfjs-backend-wasm's threaded build in a bundled app. tfjs starts each pthread
 * worker from `WasmBackendModuleThreadedSimd.toString()`, i.e. from the factory function's own
 * source. Bundling and minifying rename what that function refers to outside itself, so the workers
 * fail ("e is not defined") and the backend never starts. This plugin pins the factory's
 * `toString()` to the function's original text, which is self-contained, as in the package.
 */
import type { Plugin } from 'vite';

const THREADED_FACTORY = /tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;
const FACTORY_START = 'function(WasmBackendModuleThreadedSimd) {';
const FACTORY_END = '\n);\n})();';

export function wasmThreadsPlugin(): Plugin {
  return {
    name: 'tfjs-wasm-threads',
    enforce: 'pre',
    transform(code, id) {
      if (!THREADED_FACTORY.test(id)) return null;
      const start = code.indexOf(FACTORY_START);
      const end = code.indexOf(FACTORY_END, start);
      if (start < 0 || end < 0) this.error('tfjs-backend-wasm changed: its threaded factory is no longer where this plugin expects it.');
      const source = code.slice(start, end);
      const pin = `\nWasmBackendModuleThreadedSimd.toString = () => ${JSON.stringify(source)};\n`;
      return { code: code.slice(0, end + FACTORY_END.length) + pin + code.slice(end + FACTORY_END.length), map: null };
    },
  };
}
