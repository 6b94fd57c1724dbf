import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from './scripts/lib/cross-origin-isolation.ts';
import { shippedIndexPlugin } from './scripts/lib/vite-shipped-index.ts';
import { wasmThreadsPlugin } from './scripts/lib/vite-wasm-threads.ts';
import { CONTENT_SECURITY_POLICY } from './src/security/contentSecurityPolicy.ts';

/** The built page carries its CSP (src/security/contentSecurityPolicy.ts); the dev server, which injects inline styles, does not. */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  };
}

// base './' keeps every asset path relative, so the built folder works from any static host and sub-path.
export default defineConfig({
  base: './',
  plugins: [react(), contentSecurityPolicy(), shippedIndexPlugin()],
  worker: { format: 'es', plugins: () => [wasmThreadsPlugin()] },
  // Bundle every dependency (the workers' too) when the dev server starts: otherwise the first visit
  // after `npm start` shows a blank page while Vite discovers them one by one and reloads.
  optimizeDeps: {
    entries: ['index.html', 'src/worker/training.worker.ts', 'src/worker/laneGroup.worker.ts', 'src/data/archive.worker.ts'],
    include: ['react', 'react-dom/client', 'react/jsx-runtime', 'react/jsx-dev-runtime', 'zustand', 'd3', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-wasm'],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
  server: { headers: CROSS_ORIGIN_ISOLATION_HEADERS },
  preview: { headers: CROSS_ORIGIN_ISOLATION_HEADERS },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
