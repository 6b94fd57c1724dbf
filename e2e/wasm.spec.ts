/**
 * Loading the WebAssembly backend from the built app under a sub-path (e2e/static-server.ts, which
 * sends the cross-origin isolation headers a host should): its binary is fetched only when wasm
 * trains, relative to the page, and it is the threaded build where the page is isolated.
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

test('the wasm binary loads only for wasm, from the sub-path, threaded where the page is cross-origin isolated', async ({ page }) => {
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
  expect(fetched).toHaveLength(1);
  expect(new URL(fetched[0]).pathname).toMatch(new RegExp(`^${SUBPATH}assets/tfjs-backend-wasm-threaded-simd-[\\w-]+\\.wasm$`));
  console.check();
});
