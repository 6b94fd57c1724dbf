/**
 * The two response headers that make a page cross-origin isolated, so it may use SharedArrayBuffer
 * and the wasm backend runs its threaded build. `npm start`, `npm run preview` (vite.config.ts) and
 * the e2e static server send them; README says what a static host needs.
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;
