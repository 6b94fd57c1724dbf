/**
 * tfjs-backend-wasm's three binaries as build assets: Vite copies them into the build and gives
 * URLs relative to this worker's script, so they load from any host and sub-path. The engine fetches
 * one of them (threaded SIMD where the page is cross-origin isolated, else SIMD, else plain) only
 * when the wasm backend starts.
 */
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { WasmPaths } from '../engine/backend.ts';

export const WASM_PATHS: WasmPaths = {
  'tfjs-backend-wasm.wasm': plain,
  'tfjs-backend-wasm-simd.wasm': simd,
  'tfjs-backend-wasm-threaded-simd.wasm': threadedSimd,
};
