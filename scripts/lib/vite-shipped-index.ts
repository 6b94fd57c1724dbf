/**
 * A build without packed finished runs (`npm run recordings`) still answers recordings/index.json,
 * with an empty list: the page looks it up on every visit, and a 404 would be logged by the browser
 * as a console error on every static host.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Plugin } from 'vite';

export const EMPTY_SHIPPED_INDEX = JSON.stringify({ format: 'imbalance-playground/recordings-index', version: 1, recordings: [] });

export function shippedIndexPlugin(): Plugin {
  let publicDir = 'public';
  return {
    name: 'shipped-recordings-index',
    apply: 'build',
    configResolved: (config) => {
      publicDir = config.publicDir;
    },
    generateBundle() {
      if (!existsSync(join(publicDir, 'recordings', 'index.json'))) {
        this.emitFile({ type: 'asset', fileName: 'recordings/index.json', source: EMPTY_SHIPPED_INDEX });
      }
    },
  };
}
