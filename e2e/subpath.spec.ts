/**
 * The built folder served by a plain static server under a sub-path (e2e/static-server.ts), as
 * on GitHub Pages or a university web space: data, workers and assets must all resolve there.
 */
import { expect, test } from '@playwright/test';
import { SUBPATH_URL } from './urls.ts';
import { canvasHasDrawing, search, tinyConfig, waitForStatus, watchConsole } from './helpers.ts';

test('the built app works from /some/sub/path/: preview, one epoch, reload from the link', async ({ page }) => {
  const console = watchConsole(page);
  const failed: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });
  const config = tinyConfig({ backend: 'webgl', epochs: 2 });
  await page.goto(`${SUBPATH_URL}${search(config)}`);
  await expect(page.getByTestId('data-preview')).toBeVisible();
  await expect(page.getByTestId('class-strip')).toHaveCount(4);
  await expect.poll(() => canvasHasDrawing(page, 'data-preview')).toBe(true);
  await waitForStatus(page, 'ready', 3 * 60_000);

  await page.getByTestId('step-epoch').click();
  await waitForStatus(page, 'paused', 10 * 60_000);
  await expect(page.getByTestId('scatter-mfw-train')).toHaveAttribute('data-points', '40');
  expect(await canvasHasDrawing(page, 'scatter-mfw-train')).toBe(true);

  const link = page.url();
  expect(link.startsWith(SUBPATH_URL)).toBe(true);
  await page.goto(link);
  await waitForStatus(page, 'paused', 3 * 60_000);
  await expect(page.getByTestId('shown-epoch')).toHaveText('1');
  await expect(page.getByTestId('setting-count-0')).toHaveValue('16');
  expect(failed).toEqual([]);
  console.check();
});
