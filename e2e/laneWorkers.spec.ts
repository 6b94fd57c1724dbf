/**
 * Lanes in parallel on the CPU: with two cores the training worker trains each lane in a lane
 * worker of its own (nested workers), and the run's numbers, its exported weights and their
 * evaluation once loaded back are those of one core.
 */
import { expect, test, type Page, type Worker } from '@playwright/test';
import { PREVIEW_URL } from './urls.ts';
import { downloadOf, downloadsOf, search, tinyConfig, waitForStatus, watchConsole } from './helpers.ts';

/** The page as a machine with this many logical cores sees it (the page tells the training worker). */
async function withCores(page: Page, cores: number): Promise<void> {
  await page.addInitScript((n) => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => n }), cores);
}

/** MFW's exported weights: its model.json and weights file. */
function mfwWeights(page: Page) {
  return downloadsOf(page, 2, () => page.getByTestId('export-weights-mfw').click());
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
  const singleWeights = await mfwWeights(one);
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
  // MFW trained in the second lane worker: its weights are the same bytes.
  const parallelWeights = await mfwWeights(two);
  const bin = (files: { name: string; bytes: Buffer }[]) => files.find((f) => f.name.endsWith('.bin'))!.bytes;
  expect(bin(parallelWeights).equals(bin(singleWeights))).toBe(true);
  // Loaded back, they are evaluated in the lane workers.
  await two.getByTestId('weights-input').setInputFiles(parallelWeights.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: f.bytes })));
  await expect(two.getByTestId('notice-weights')).toContainText('after epoch 2 of 2');
  await waitForStatus(two, 'finished');
  // Both lane groups ran in workers of their own: [erm, la] and [mfw].
  expect(two.workers().filter((worker) => worker.url().includes('laneGroup.worker'))).toHaveLength(2);
  console.check();
  await two.close();
});

/** The page's lane workers (nested in the training worker). */
function laneWorkers(page: Page) {
  return page.workers().filter((worker) => worker.url().includes('laneGroup.worker'));
}

const LANE_FAULTS = [
  {
    what: 'crashes',
    // An uncaught error, as an out-of-memory abort would be.
    inject: (worker: Worker) => worker.evaluate(() => setTimeout(() => {
      throw new Error('lane worker crashed');
    })),
    reason: 'lane worker crashed',
  },
  {
    what: 'is ended by the browser without a word',
    inject: (worker: Worker) => worker.evaluate(() => self.close()).catch(() => undefined),
    reason: 'the browser ended a lane worker',
  },
];

for (const fault of LANE_FAULTS) {
  test(`a lane worker that ${fault.what} mid-run: the training restarts from the last epoch and ends with the undisturbed numbers`, async ({ browser }) => {
    const config = tinyConfig({ backend: 'wasm', epochs: 2, methods: ['erm', 'mfw'] });
    const url = `${PREVIEW_URL}${search(config)}`;
    const reference = await browser.newPage();
    await withCores(reference, 2);
    const undisturbed = await trainedMetrics(reference, url);
    await reference.close();

    const page = await browser.newPage();
    const console = watchConsole(page, [/lane worker crashed/]);
    await withCores(page, 2);
    await page.goto(url);
    await waitForStatus(page, 'ready', 3 * 60_000);
    await page.getByTestId('step-epoch').click();
    await waitForStatus(page, 'paused', 5 * 60_000);
    await page.getByTestId('play').click();
    await waitForStatus(page, 'running');
    await expect.poll(() => laneWorkers(page).length).toBe(2);
    await fault.inject(laneWorkers(page)[1]); // MFW's
    const recovered = page.getByTestId('notice-recovered');
    await expect(recovered).toContainText('The training worker stopped unexpectedly (it failed:', { timeout: 60_000 });
    await expect(recovered).toContainText(fault.reason);
    await expect(recovered).toContainText('Training resumed from the end of epoch 1');
    await waitForStatus(page, 'finished', 5 * 60_000);
    const json = await downloadOf(page, () => page.getByTestId('export-metrics-json').click());
    const epochs = JSON.parse(json.bytes.toString('utf8')).epochs.map(({ imagesPerSecond: _speed, ...epoch }: { imagesPerSecond: number }) => epoch);
    expect(JSON.stringify(epochs)).toBe(undisturbed.epochs);
    console.check();
    await page.close();
  });
}

test('where lane workers cannot start, the lanes train one after another in the training worker, and the page says so', async ({ page }) => {
  const console = watchConsole(page);
  await withCores(page, 2);
  await page.goto(`${PREVIEW_URL}${search(tinyConfig({ backend: 'wasm', epochs: 1, methods: ['erm', 'mfw'] }))}`);
  await waitForStatus(page, 'ready', 3 * 60_000);
  await page.getByTestId('step-epoch').click();
  await waitForStatus(page, 'finished', 5 * 60_000);
  await page.getByTestId('backend-badge').locator('summary').click();
  await expect(page.getByTestId('parallel-lanes')).toContainText('up to 2 at once');
  // From now on the training worker cannot start workers (as in a browser without nested workers);
  // Reset, then Play, rebuilds the lanes.
  const training = page.workers().find((worker) => worker.url().includes('training.worker'))!;
  await training.evaluate(() => {
    (self as unknown as { Worker: unknown }).Worker = function () {
      throw new Error('no nested workers here');
    };
  });
  await page.getByTestId('reset').click();
  await page.getByTestId('play').click();
  await expect(page.getByTestId('notice-lane-workers')).toContainText('The lanes train one after another in one worker, more slowly: this browser did not start a worker per lane (no nested workers here).');
  await waitForStatus(page, 'finished', 5 * 60_000);
  await expect(page.getByTestId('parallel-lanes')).toHaveCount(0);
  console.check();
});
