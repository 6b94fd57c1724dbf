/**
 * The built folder served by a plain static server under a sub-path (e2e/static-server.ts), as
 * on GitHub Pages or a university web space, with the Content-Security-Policy on (the page's
 * <meta> and the server's header): data, workers and assets resolve there, it trains, exports
 * everything and resumes after a reload, and no request leaves the page's origin.
 */
import { expect, test } from '@playwright/test';
import { SUBPATH_URL } from './urls.ts';
import { foreignRequests, recordRequests } from './faultInjection.ts';
import { canvasHasDrawing, downloadOf, downloadsOf, search, tinyConfig, waitForStatus, watchConsole } from './helpers.ts';

test('the built app works from /some/sub/path/ with the CSP on: one epoch, every export, a reload resumes, only its own origin', async ({ page }) => {
  const console = watchConsole(page, [/Executing inline script violates the following Content Security Policy/]);
  const requests = recordRequests(page);
  const failed: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });
  const config = tinyConfig({ backend: 'webgl', epochs: 2 });
  await page.goto(`${SUBPATH_URL}${search(config)}`);
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', /default-src 'none'; script-src 'self'/);
  await expect(page.getByTestId('data-preview')).toBeVisible();
  await expect(page.getByTestId('class-strip')).toHaveCount(4);
  await expect.poll(() => canvasHasDrawing(page, 'data-preview')).toBe(true);
  await waitForStatus(page, 'ready', 3 * 60_000);

  // The policy refuses an injected inline script (as it would one smuggled into the page).
  const injected = await page.evaluate(async () => {
    const violation = new Promise<string>((resolve) => document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true }));
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.body.append(script);
    return { ran: (window as unknown as { __injected?: boolean }).__injected === true, directive: await violation };
  });
  expect(injected).toEqual({ ran: false, directive: 'script-src-elem' });

  await page.getByTestId('step-epoch').click();
  await waitForStatus(page, 'paused', 10 * 60_000);
  await expect(page.getByTestId('scatter-mfw-train')).toHaveAttribute('data-points', '40');
  expect(await canvasHasDrawing(page, 'scatter-mfw-train')).toBe(true);

  // Every export works under the policy.
  const metrics = await downloadOf(page, () => page.getByTestId('export-metrics-json').click());
  expect(JSON.parse(metrics.bytes.toString('utf8')).epochs).toHaveLength(1);
  const csv = await downloadOf(page, () => page.getByTestId('export-metrics-csv').click());
  expect(csv.bytes.toString('utf8').split('\n').length).toBeGreaterThan(1);
  for (const chart of ['scatter-erm-train', 'accuracy-test']) {
    const png = await downloadOf(page, () => page.getByTestId(`export-png-${chart}`).click());
    expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    const svg = await downloadOf(page, () => page.getByTestId(`export-svg-${chart}`).click());
    expect(svg.bytes.toString('utf8')).toMatch(/^<svg/);
  }
  for (const method of ['erm', 'mfw']) {
    const files = await downloadsOf(page, 2, () => page.getByTestId(`export-weights-${method}`).click());
    expect(files.map((f) => f.name).sort()).toEqual([`imbalance-playground-epoch1-${method}.model.json`, `imbalance-playground-epoch1-${method}.weights.bin`]);
  }

  // A reload from the link resumes the saved epoch (faults.spec.ts trains on after such a reload).
  const link = page.url();
  expect(link.startsWith(SUBPATH_URL)).toBe(true);
  await page.goto(link);
  await waitForStatus(page, 'paused', 3 * 60_000);
  await expect(page.getByTestId('notice-resumed')).toBeVisible();
  await expect(page.getByTestId('shown-epoch')).toHaveText('1');
  await expect(page.getByTestId('setting-count-0')).toHaveValue('16');
  await expect(page.getByTestId('play')).toBeEnabled();

  expect(failed).toEqual([]);
  expect(requests.length).toBeGreaterThan(20);
  expect(foreignRequests(requests, new URL(SUBPATH_URL).origin), 'requests to other origins').toEqual([]);
  // Nothing but the policy's report of the injected script: the app itself never trips it.
  console.check();
});
