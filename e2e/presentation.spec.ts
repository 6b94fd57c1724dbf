/**
 * Presentation mode on a 1920×1080 projector: two plots per row, tick labels and legends of at least
 * 20 px, one plain-language takeaway of at least 24 px under every view, "What is MFW?" one press
 * away, and Play and the scrubber in view however far the page scrolls.
 */
import { expect, test, type Page } from '@playwright/test';
import { search, tinyConfig, waitForStatus, watchConsole } from './helpers.ts';

const top = async (page: Page, testId: string) => (await page.getByTestId(testId).boundingBox())!.y;

test('presentation at 1920×1080: two plots per row, 20 px ticks and legends, a 24 px takeaway per view, sticky Play and scrubber', async ({ page }) => {
  const console = watchConsole(page);
  await page.setViewportSize({ width: 1920, height: 1080 });
  const config = tinyConfig({ backend: 'wasm', epochs: 1 });
  await page.goto(`./${search(config)}`);
  await waitForStatus(page, 'ready', 3 * 60_000);
  await page.getByTestId('play').click();
  await waitForStatus(page, 'finished', 5 * 60_000);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('p');
  await expect(page.getByTestId('presentation-toggle')).toHaveAttribute('aria-pressed', 'true');

  // Every text in the plots (ticks, axis labels, legends, titles) is at least 20 px.
  const sizes = await page.locator('.main .chart-frame svg text').evaluateAll((texts) =>
    texts.filter((t) => (t as SVGGraphicsElement).getBBox().width > 0).map((t) => ({ text: t.textContent, size: Number.parseFloat(getComputedStyle(t).fontSize) })),
  );
  expect(sizes.length).toBeGreaterThan(50);
  expect(sizes.filter((s) => s.size < 20)).toEqual([]);

  // One takeaway per view, computed from the run, at least 24 px.
  const kinds = ['train-scatter', 'test-scatter', 'train-accuracy', 'test-accuracy', 'gradient-norm', 'deviation', 'results'];
  for (const kind of kinds) {
    const takeaway = page.getByTestId(`takeaway-${kind}`);
    await expect(takeaway).toHaveText(/\w.+\./);
    expect(await takeaway.evaluate((p) => Number.parseFloat(getComputedStyle(p).fontSize))).toBeGreaterThanOrEqual(24);
  }

  // Two plots per row: ERM beside MFW, the test pair below the training pair; the curves two by two.
  expect(await top(page, 'scatter-erm-train')).toBe(await top(page, 'scatter-mfw-train'));
  expect(await top(page, 'scatter-erm-test')).toBeGreaterThan(await top(page, 'scatter-mfw-train'));
  expect(await top(page, 'curve-accuracy-train')).toBe(await top(page, 'curve-accuracy-test'));
  expect(await top(page, 'curve-gradient-norm')).toBeGreaterThan(await top(page, 'curve-accuracy-test'));
  await expect(page.getByTestId('axes-note')).toContainText('central 98 % of all stored epochs’ points on each axis');
  await page.screenshot({ path: test.info().outputPath('presentation-1920.png') });

  // "What is MFW?" is one press away; Play and the scrubber stay in view down there.
  await page.getByTestId('what-is-mfw').click();
  await expect(page.getByTestId('mfw-explainer')).toBeInViewport();
  await expect(page.getByTestId('play')).toBeInViewport();
  await expect(page.getByTestId('epoch-scrubber')).toBeInViewport();
  await page.screenshot({ path: test.info().outputPath('presentation-1920-explainer.png') });
  console.check();
});
