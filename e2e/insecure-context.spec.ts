/**
 * The built folder over plain http on a LAN address, as a classroom might serve it: not a secure
 * context, so no Web Crypto, no Cache API and no Web Locks. Every chunk's checksum is still
 * verified (with @noble/hashes), so a damaged one is refused and named.
 */
import { expect, test } from '@playwright/test';
import { launchOptionsWith } from './browser.ts';
import { SUBPATH, SUBPATH_PORT } from './urls.ts';
import { search, tinyConfig, waitForStatus } from './helpers.ts';

// lan.test resolves to this machine, so the page is http://lan.test:…: not a secure context.
test.use({ launchOptions: launchOptionsWith('--host-resolver-rules=MAP lan.test 127.0.0.1') });

test('over plain http on a LAN address the data is still verified: a damaged chunk is refused and named', async ({ page }) => {
  const lanUrl = `http://lan.test:${SUBPATH_PORT}${SUBPATH}`;
  const config = tinyConfig({ backend: 'webgl' });
  await page.goto(`${lanUrl}${search(config)}`);
  expect(await page.evaluate(() => ({ secure: window.isSecureContext, subtle: typeof crypto.subtle, caches: typeof caches }))).toEqual({
    secure: false,
    subtle: 'undefined',
    caches: 'undefined',
  });
  await waitForStatus(page, 'ready', 3 * 60_000);

  await page.context().route(`**/data/cifar10/train/${config.classes[3]}/*.bin`, async (route) => {
    // Playwright fetches from Node, which does not know lan.test.
    const response = await route.fetch({ url: route.request().url().replace('//lan.test:', '//127.0.0.1:') });
    const body = await response.body();
    body[body.length - 1] ^= 1;
    await route.fulfill({ response, body });
  });
  await page.reload(); // without a Cache API nothing was kept: the reload downloads every chunk again
  await waitForStatus(page, 'error', 3 * 60_000);
  await expect(page.getByTestId('error-notice')).toContainText(new RegExp(`data chunk train/${config.classes[3]}/\\d+\\.bin arrived damaged twice.*checksum mismatch`));
});
