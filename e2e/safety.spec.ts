/**
 * A lesson that cannot fail: keys and buttons never lose a run by accident, and a recording plays
 * by itself. A tiny run trained with the mouse survives Space at its end; Reset offers Undo, which
 * brings the run back; the next Play really starts again from epoch 0. A recording plays with Space.
 */
import { expect, test, type Page } from '@playwright/test';
import { downloadOf, search, tinyConfig, waitForStatus, watchConsole } from './helpers.ts';

test('Space at the end of a run keeps it; Reset or applied settings then Undo restore it; Play after Reset trains afresh; the box and Play stay in view at 1280×720', async ({ page }) => {
  const console = watchConsole(page);
  const config = tinyConfig({ backend: 'wasm', epochs: 1 });
  await page.goto(`./${search(config)}`);
  // The estimate's place is kept from the first paint: the progress bar keeps its width when it comes.
  const barWidth = () => page.locator('[data-testid="progress"] progress').evaluate((bar) => bar.getBoundingClientRect().width);
  await expect(page.getByTestId('estimate-placeholder')).toBeVisible();
  const before = await barWidth();
  await expect(page.getByTestId('run-estimate')).toBeVisible({ timeout: 3 * 60_000 });
  expect(await barWidth()).toBe(before);
  await waitForStatus(page, 'ready', 3 * 60_000);
  await page.getByTestId('play').click();
  await waitForStatus(page, 'finished', 5 * 60_000);
  await expect(page.getByTestId('shown-epoch')).toHaveText('1');
  // Play and Pause are disabled now: focus went somewhere harmless, not onto Reset.
  await expect(page.getByTestId('reset')).not.toBeFocused();
  await expect(page.getByTestId('reset')).toBeEnabled();

  await page.keyboard.press(' ');
  await expect(page.getByTestId('undo-bar')).toHaveCount(0);
  await expect(page.getByTestId('shown-epoch')).toHaveText('1');
  await waitForStatus(page, 'finished');

  // Even Space on a focused Reset button plays/pauses rather than pressing it.
  await page.getByTestId('reset').focus();
  await page.keyboard.press(' ');
  await expect(page.getByTestId('shown-epoch')).toHaveText('1');

  await page.getByTestId('reset').click();
  await expect(page.getByTestId('undo-bar')).toContainText('The run with 1 epoch is kept until you train again');
  await expect(page.getByTestId('epoch-scrubber')).toHaveCount(0);
  await waitForStatus(page, 'ready');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('shown-epoch')).toHaveText('1');
  await waitForStatus(page, 'finished');
  await expect(page.getByTestId('undo-bar')).toHaveCount(0);

  // Settings that discard the run: the box and Play are in view at 1280×720; applying them offers
  // Undo, which applies the old settings again and brings the run back from this browser's storage.
  await page.getByTestId('setting-epochs').fill('2');
  await page.getByTestId('setting-epochs').blur();
  await expect(page.getByTestId('pending-config')).toBeInViewport();
  await expect(page.getByTestId('play')).toBeInViewport();
  await page.getByTestId('apply-pending').click();
  await expect(page.getByTestId('undo-bar')).toContainText('The previous run (1 epoch) is kept');
  await waitForStatus(page, 'ready', 3 * 60_000);
  await page.getByTestId('undo').click();
  await expect.poll(() => new URL(page.url()).search).toBe(search(config));
  await waitForStatus(page, 'finished', 3 * 60_000);
  await expect(page.getByTestId('shown-epoch')).toHaveText('1');
  await expect(page.getByTestId('undo-bar')).toHaveCount(0);

  // Reset, then Play: the worker forgets the run only now, and trains from epoch 0 again.
  await page.getByTestId('reset').click();
  await page.getByTestId('play').click();
  await expect(page.getByTestId('undo-bar')).toHaveCount(0);
  await waitForStatus(page, 'finished', 5 * 60_000);
  await expect(page.getByTestId('shown-epoch')).toHaveText('1');
  console.check();
});

/** The pixels of the point read-out's image, as text to compare. */
const readoutPixels = (page: Page, testId: string) =>
  page.getByTestId(testId).evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let hash = 0;
    for (let i = 0; i < data.length; i++) hash = (hash * 31 + data[i]) >>> 0;
    return `${canvas.width}x${canvas.height}:${hash}`;
  });

/** The first few plotted training points' read-outs (text and image), walked by keyboard. */
/** The readouts' text (coordinates apart), image pixels and coordinates of the first few training points of MFW. */
async function trainReadouts(page: Page): Promise<{ lines: string[]; coordinates: number[] }> {
  const scatter = page.getByTestId('scatter-mfw-train');
  const tooltip = page.getByTestId('scatter-mfw-train-tooltip');
  await scatter.focus();
  const lines: string[] = [];
  const coordinates: number[] = [];
  for (let i = 0; i < 4; i++) {
    await expect(tooltip).toBeVisible();
    const text = (await tooltip.innerText()).replace(/\s+/g, ' ');
    // A recording keeps features at 16 bits: the coordinates are compared with a tolerance, the rest exactly.
    const [, x, y] = text.match(/f\(x\) = \(([^,]+), ([^)]+)\)/) ?? [];
    coordinates.push(Number(x), Number(y));
    lines.push(`${text.replace(/f\(x\) = \([^)]*\)/, 'f(x)')} ${await readoutPixels(page, 'scatter-mfw-train-tooltip-image')}`);
    await page.keyboard.press('ArrowRight');
  }
  await page.keyboard.press('Escape');
  return { lines, coordinates };
}

test('a recording plays with Space at the chosen speed, shows the same CIFAR images as the live run, and exports no weights', async ({ page }) => {
  const console = watchConsole(page);
  // 160 training images, 100 of them plotted: the page must draw the engine's sample to find their images.
  const config = tinyConfig({ backend: 'wasm', epochs: 3, trainCounts: [64, 64, 16, 16], batchSize: 32 });
  await page.goto(`./${search(config)}`);
  await waitForStatus(page, 'ready', 3 * 60_000);
  await page.getByTestId('play').click();
  await waitForStatus(page, 'finished', 5 * 60_000);
  const live = await trainReadouts(page);
  expect(live.lines.every((line) => !line.includes('image not available'))).toBe(true);
  expect(live.coordinates.every(Number.isFinite)).toBe(true);
  const recording = await downloadOf(page, () => page.getByTestId('save-recording').click());

  await page.getByTestId('recording-input').setInputFiles({ name: recording.name, mimeType: 'application/json', buffer: recording.bytes });
  await expect(page.getByTestId('replay-banner')).toBeVisible();
  await expect(page.getByTestId('replay-images')).toHaveAttribute('data-state', 'shown', { timeout: 60_000 });
  const replayed = await trainReadouts(page);
  expect(replayed.lines).toEqual(live.lines);
  // Three significant digits shown; the 16-bit rounding may move the last one by one.
  replayed.coordinates.forEach((value, i) => expect(Math.abs(value - live.coordinates[i])).toBeLessThanOrEqual(Math.max(1, Math.abs(live.coordinates[i])) * 0.011));
  await expect(page.getByTestId('export-weights-mfw')).toBeDisabled();
  await expect(page.getByTestId('weights-replay-reason')).toContainText('holds every epoch’s features and metrics, not the networks');

  // ← steps back to epoch 1; Space plays on from there at 1 epoch/s, through 2 to the end.
  await page.getByTestId('replay-speed').selectOption('1');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('shown-epoch')).toHaveText('1');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('replay-play')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('shown-epoch')).toHaveText('2', { timeout: 5_000 });
  await expect(page.getByTestId('shown-epoch')).toHaveText('3', { timeout: 5_000 });
  await expect(page.getByTestId('replay-play')).toHaveAttribute('aria-pressed', 'false');
  // The Play button at the end plays again from the first epoch.
  await page.getByTestId('replay-speed').selectOption('20');
  await page.getByTestId('replay-play').click();
  await expect(page.getByTestId('replay-play')).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('shown-epoch')).toHaveText('3');
  console.check();
});
