/** Shared helpers of the e2e specs: tiny configurations, console-error watching, long-task measuring, downloads. */
import { expect, type Download, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../src/config/experiment.ts';
import { configToSearch } from '../src/state/urlConfig.ts';

/**
 * The smallest meaningful experiment: ResNet-8 at quarter width, 40 training images (3 steps of
 * 16 per epoch), evaluated on a seeded sample of 25 test images per class (one 250-image chunk
 * each), so an epoch's evaluation is 2 × (40 + 100) image forwards rather than 2 × (40 + 4000).
 */
export function tinyConfig(overrides: Partial<ExperimentConfig> = {}): ExperimentConfig {
  return {
    ...DEFAULT_CONFIG,
    classes: [0, 1, 2, 3],
    imbalance: 'custom',
    trainCounts: [16, 16, 4, 4],
    blocksPerStage: 1,
    width: 0.25,
    epochs: 2,
    batchSize: 16,
    learningRate: 0.05,
    trainFeatureSample: 100,
    testPerClass: 25,
    ...overrides,
  };
}

export function search(config: ExperimentConfig): string {
  return `?${configToSearch(config)}`;
}

/** Collects console errors and uncaught page errors (but those `ignore` expects); `check()` fails the test when there were any. */
export function watchConsole(page: Page, ignore: RegExp[] = []) {
  const errors: string[] = [];
  page.on('console', (message) => {
    const text = `${message.text()} ${message.location().url}`.trim();
    if (message.type() === 'error' && !ignore.some((re) => re.test(text))) errors.push(text);
  });
  page.on('pageerror', (error) => {
    if (!ignore.some((re) => re.test(error.message))) errors.push(`pageerror: ${error.message}`);
  });
  return {
    errors,
    check: () => expect(errors, 'console errors').toEqual([]),
  };
}

/** Records main-thread long tasks (> 50 ms) from page start; read them with `longTasks(page)`. */
export async function recordLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.__longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      // longtask is Chromium-only; other browsers simply report none
    }
  });
}

export async function longTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.slice());
}

export async function waitForStatus(page: Page, status: string | RegExp, timeout = 10 * 60_000): Promise<void> {
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', status, { timeout });
}

export async function downloadOf(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: download.suggestedFilename(), bytes: await readDownload(download) };
}

/** Several downloads started by one click (weights: model.json + weights.bin). */
export async function downloadsOf(page: Page, count: number, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }[]> {
  const downloads: Download[] = [];
  const done = new Promise<void>((resolve) => {
    const onDownload = (download: Download) => {
      downloads.push(download);
      if (downloads.length === count) {
        page.off('download', onDownload);
        resolve();
      }
    };
    page.on('download', onDownload);
  });
  await click();
  await done;
  return Promise.all(downloads.map(async (d) => ({ name: d.suggestedFilename(), bytes: await readDownload(d) })));
}

async function readDownload(download: Download): Promise<Buffer> {
  const path = await download.path();
  return readFile(path);
}

/** Whether a canvas inside the element has pixels of more than one colour (something was drawn). */
export async function canvasHasDrawing(page: Page, testId: string): Promise<boolean> {
  return page.getByTestId(testId).locator('canvas').first().evaluate((canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d');
    if (!context || canvas.width === 0) return false;
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 7) {
      colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      if (colours.size > 8) return true;
    }
    return false;
  });
}

/** Points per line in a LineChart: d3 writes one M and then one L per further point. */
export async function pointsPerSeries(page: Page, testId: string): Promise<number[]> {
  return page.getByTestId(testId).locator('svg path[data-line]').evaluateAll((paths) =>
    paths
      .map((p) => p.getAttribute('d') ?? '')
      .filter((d) => d.startsWith('M'))
      .map((d) => (d.match(/[ML]/g) ?? []).length),
  );
}
