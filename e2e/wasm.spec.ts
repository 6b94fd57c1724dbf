/**
 * Loading the WebAssembly backend from the built app under a sub-path (e2e/static-server.ts, which
 * sends the cross-origin isolation headers a host should): its binary is fetched only when wasm
 * trains, relative to the page, and it is the threaded build where the page is isolated; the lane
 * workers, one thread each, take the plain SIMD build.
 */
import { expect, test, type Page } from '@playwright/test';
import { SUBPATH, SUBPATH_URL } from './urls.ts';
import { search, tinyConfig, waitForStatus, watchConsole } from './helpers.ts';

/** URLs of the .wasm files the page fetched. */
function wasmRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.endsWith('.wasm')) urls.push(request.url());
  });
  return urls;
}

test('the wasm binary loads only for wasm, from the sub-path, threaded where the page is cross-origin isolated, the plain SIMD build in each one-thread lane worker', async ({ page }) => {
  // Two cores: the two lanes train in a lane worker each.
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 2 }));
  const console = watchConsole(page);
  const fetched = wasmRequests(page);
  await page.goto(`${SUBPATH_URL}${search(tinyConfig({ backend: 'webgl' }))}`);
  await waitForStatus(page, 'ready', 3 * 60_000);
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgl');
  expect(fetched, 'WebGL fetches no wasm').toEqual([]);

  await page.goto(`${SUBPATH_URL}${search(tinyConfig({ backend: 'wasm' }))}`);
  await waitForStatus(page, 'ready', 3 * 60_000);
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'wasm');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  // The training worker's threaded build, and the plain SIMD build for each lane worker (one thread each needs no threads); names without their content hash.
  const files = fetched.map((url) => new URL(url).pathname.replace(/-[\w-]{8}\.wasm$/, '.wasm'));
  expect(files.sort()).toEqual([`${SUBPATH}assets/tfjs-backend-wasm-simd.wasm`, `${SUBPATH}assets/tfjs-backend-wasm-simd.wasm`, `${SUBPATH}assets/tfjs-backend-wasm-threaded-simd.wasm`]);
  console.check();
});
