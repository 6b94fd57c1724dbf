/**
 * Lanes in parallel on the CPU: with two cores the training worker trains each lane in a lane
 * worker of its own (nested workers, threaded wasm where the page is cross-origin isolated), and
 * the run's numbers are those of one core, lane for lane and epoch for epoch.
 */
import { expect, test, type Page } from '@playwright/test';
import { PREVIEW_URL } from './urls.ts';
import { downloadOf, search, tinyConfig, waitForStatus, watchConsole } from './helpers.ts';

/** The page as a machine with this many logical cores sees it (the page tells the training worker). */
async function withCores(page: Page, cores: number): Promise<void> {
  await page.addInitScript((n) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => n }), cores);
}

/** Trains the configuration to the end and returns its exported metrics, the speed aside. */
async function trainedMetrics(page: Page, url: string) {
  await page.goto(url);
  await waitForStatus(page, 'ready', 3 * 60_000);
  await page.getByTestId('play').click();
  await waitForStatus(page, 'finished');
  const json = await downloadOf(page, () => page.getByTestId('export-metrics-json').click());
  const metrics = JSON.parse(json.bytes.toString('utf8'));
  return { metrics, epochs: JSON.stringify(metrics.epochs.map(({ imagesPerSecond: _speed, ...epoch }: { imagesPerSecond: number }) => epoch)) };
}

test('wasm on two cores: each lane in a worker of its own, with the numbers of one core', async ({ browser }) => {
  const config = tinyConfig({ backend: 'wasm', epochs: 2, methods: ['erm', 'mfw', 'la'] });
  const url = `${PREVIEW_URL}${search(config)}`;

  const one = await browser.newPage();
  await withCores(one, 1);
  const single = await trainedMetrics(one, url);
  expect(one.workers().filter((worker) => worker.url().includes('laneGroup.worker'))).toHaveLength(0);
  await one.getByTestId('backend-badge').locator('summary').click();
  await expect(one.getByTestId('parallel-lanes')).toHaveCount(0);
  await one.close();

  const two = await browser.newPage();
  const console = watchConsole(two);
  await withCores(two, 2);
  const parallel = await trainedMetrics(two, url);
  await two.getByTestId('backend-badge').locator('summary').click();
  await expect(two.getByTestId('parallel-lanes')).toContainText('up to 2 at once');
  expect(parallel.metrics.epochs).toHaveLength(2);
  expect(Object.keys(parallel.metrics.epochs[1].runs)).toEqual(['erm', 'mfw', 'la']);
  expect(parallel.epochs).toBe(single.epochs);
  // Both lane groups ran in workers of their own: [erm, la] and [mfw].
  expect(two.workers().filter((worker) => worker.url().includes('laneGroup.worker'))).toHaveLength(2);
  console.check();
  await two.close();
});
