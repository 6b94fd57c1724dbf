/**
 * Faults, injected through real mechanisms (e2e/faultInjection.ts), and what the user sees: a
 * damaged data chunk (cached or on the server), a full storage quota, the worker ended by the
 * browser, a lost WebGPU device, a NaN loss, a batch too large for the device, and a page frozen
 * and reloaded mid-epoch. Each either recovers from the last completed epoch with a notice saying
 * so, or stops with a message and keeps what was trained; none duplicates or loses an epoch.
 */
import { expect, test, type Page } from '@playwright/test';
import { PREVIEW_URL } from './urls.ts';
import {
  destroyGpuDevice,
  fillStorageQuota,
  freezeAndThaw,
  limitWebGlTextureSize,
  poisonMfwWeights,
  terminateWorker,
  trainingWorker,
} from './faultInjection.ts';
import { pointsPerSeries, search, tinyConfig, waitForStatus, watchConsole } from './helpers.ts';

/** Two steps per epoch (24 images, batch 12), evaluated on 10 test images per class: the cheapest epoch that has a middle. */
const twoStepConfig = (overrides = {}) => tinyConfig({ trainCounts: [8, 8, 4, 4], batchSize: 12, testPerClass: 10, epochs: 2, backend: 'webgl', ...overrides });

const DATA_CACHE = 'imbalance-playground-cifar10';

/** The epochs the curves hold, each once: one point per epoch in every series. */
async function expectEpochsOnce(page: Page, epochs: number): Promise<void> {
  await expect(page.getByTestId('epoch-slider')).toHaveAttribute('max', String(epochs));
  expect(await pointsPerSeries(page, 'accuracy-curves-test')).toEqual(new Array(8).fill(epochs));
}

test('data: a damaged cached chunk is fetched again; a chunk damaged on the server is named after one more try', async ({ page }) => {
  const console = watchConsole(page);
  const config = twoStepConfig();
  const chunkRequests: string[] = [];
  page.context().on('request', (request) => {
    if (request.url().includes(`/data/cifar10/test/${config.classes[0]}/`)) chunkRequests.push(request.url());
  });
  await page.goto(`./${search(config)}`);
  await waitForStatus(page, 'ready', 3 * 60_000);
  expect(chunkRequests).toHaveLength(1);

  // Damage the cached copy of that chunk (same length: only the checksum can tell), then reload.
  const damaged = await page.evaluate(async ({ cacheName, classId }) => {
    const manifest = await (await fetch('data/cifar10/manifest.json')).json();
    const cache = await caches.open(cacheName);
    const keys = (await cache.keys()).map((request) => request.url);
    const chunk = (manifest.chunks.test[classId] as { sha256: string; bytes: number }[]).find((c) => keys.some((k) => k.endsWith(c.sha256)))!;
    await cache.put(keys.find((k) => k.endsWith(chunk.sha256))!, new Response(new Uint8Array(chunk.bytes)));
    return chunk.sha256;
  }, { cacheName: DATA_CACHE, classId: config.classes[0] });
  await page.reload();
  await waitForStatus(page, 'ready', 3 * 60_000);
  expect(chunkRequests, 'the damaged chunk is downloaded once more').toHaveLength(2);
  const repaired = await page.evaluate(async ({ cacheName, sha }) => {
    const cache = await caches.open(cacheName);
    const entry = (await cache.keys()).find((request) => request.url.endsWith(sha))!;
    const bytes = await (await cache.match(entry))!.arrayBuffer();
    return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
  }, { cacheName: DATA_CACHE, sha: damaged });
  expect(repaired).toBe(damaged);
  await expect(page.getByTestId('error-notice')).toHaveCount(0);

  // Now the server's copy is damaged: after one more download the load stops naming the chunk.
  await page.evaluate((cacheName) => caches.delete(cacheName), DATA_CACHE);
  let served = 0;
  await page.context().route(`**/data/cifar10/test/${config.classes[0]}/*.bin`, async (route) => {
    served++;
    const response = await route.fetch();
    const body = await response.body();
    body[100] ^= 0xff;
    await route.fulfill({ response, body });
  });
  await page.reload();
  await waitForStatus(page, 'error', 3 * 60_000);
  const notice = page.getByTestId('error-notice');
  await expect(notice).toHaveAttribute('data-kind', 'data');
  await expect(notice).toContainText(new RegExp(`data chunk test/${config.classes[0]}/\\d+\\.bin arrived damaged twice`));
  await expect(notice).toContainText('checksum mismatch');
  expect(served).toBe(2);
  // The page stays usable: once the server is fixed, Reset loads again.
  await page.context().unrouteAll();
  await page.getByTestId('reset').click();
  await waitForStatus(page, 'ready', 3 * 60_000);
  await expect(page.getByTestId('error-notice')).toHaveCount(0);
  console.check();
});

test('a full storage quota and the worker ended mid-epoch: training goes on, resumes from the page’s checkpoint and finishes', async ({ page }) => {
  const console = watchConsole(page, [/QuotaExceeded|quota/i]);
  const config = twoStepConfig();
  await fillStorageQuota(page, new URL(PREVIEW_URL).origin);
  await page.goto(`./${search(config)}`);
  await waitForStatus(page, 'ready', 3 * 60_000);
  await expect(page.getByTestId('notice-data-not-cached')).toContainText("the browser's storage for this site is full");

  await page.getByTestId('step-epoch').click();
  await waitForStatus(page, 'paused', 5 * 60_000);
  await expect(page.getByTestId('notice-storage-full')).toContainText('Epoch 1 could not be saved in this browser');
  await expect(page.getByTestId('notice-storage-full')).toContainText('a reload would resume from the start');
  await expect(page.getByTestId('shown-epoch')).toHaveText('1');

  // Mid-epoch 2, the browser ends the worker: nothing is in IndexedDB, the page's checkpoint is all there is.
  await page.getByTestId('play').click();
  await waitForStatus(page, 'running');
  const worker = await trainingWorker(page);
  await terminateWorker(worker);
  const recovered = page.getByTestId('notice-recovered');
  await expect(recovered).toContainText('The training worker stopped unexpectedly (the browser ended it).', { timeout: 60_000 });
  await expect(recovered).toContainText('Training resumed from the end of epoch 1, the last completed epoch, on WebGL.');
  await waitForStatus(page, 'finished', 5 * 60_000);
  await expectEpochsOnce(page, 2);
  await expect(page.getByTestId('error-notice')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('notices-1280.png') });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: test.info().outputPath('notices-1920.png') });
  console.check();
});

test('frozen and thawed mid-run, reloaded mid-epoch, then a NaN loss: no epoch lost or doubled, the runs stay visible', async ({ page }) => {
  const console = watchConsole(page);
  // Four steps per epoch: the worker reports progress at most every 200 ms, so with two fast steps the
  // page could go from step 0 straight to the evaluation and never show a step in between.
  const config = twoStepConfig({ epochs: 3, trainCounts: [16, 16, 8, 8] });
  await page.goto(`./${search(config)}`);
  await waitForStatus(page, 'ready', 3 * 60_000);
  await page.getByTestId('play').click();
  await waitForStatus(page, 'running');
  // Chrome freezes hidden background tabs, workers included; thawed, the run goes on.
  await freezeAndThaw(page, 3000);
  await expect(page.getByTestId('shown-epoch')).toHaveText('2', { timeout: 5 * 60_000 });

  // A reload in the middle of epoch 3: the checkpoint of epoch 2 is intact and epoch 3 starts over.
  await expect(page.getByTestId('progress-step')).toHaveText(/step [1-3]\/4/, { timeout: 60_000 });
  await page.reload();
  await waitForStatus(page, 'paused', 3 * 60_000);
  await expect(page.getByTestId('notice-resumed')).toContainText('epoch 2');
  await expectEpochsOnce(page, 2);

  // MFW diverges in epoch 3: training stops naming the run and the step; both runs' epochs stay shown.
  // Poisoned only once the worker has timed the networks for its estimates: a throwaway twin being
  // timed would own the newest variables, which poisonMfwWeights takes for MFW's.
  await expect(page.getByTestId('run-estimate')).toHaveAttribute('data-calibrating', 'false', { timeout: 3 * 60_000 });
  await poisonMfwWeights(await trainingWorker(page));
  await page.getByTestId('play').click();
  await waitForStatus(page, 'error', 3 * 60_000);
  const notice = page.getByTestId('error-notice');
  await expect(notice).toHaveAttribute('data-kind', 'nan');
  await expect(notice).toContainText(/The MFW loss became NaN at epoch 3, step \d/);
  await expectEpochsOnce(page, 2);
  for (const run of ['erm', 'mfw']) await expect(page.getByTestId(`scatter-${run}-test`)).toHaveAttribute('data-points', String(4 * config.testPerClass));
  console.check();
});

test('the WebGPU device lost during training: resumes from the last epoch on the next backend, saying so', async ({ page }) => {
  const console = watchConsole(page);
  // One step per epoch: WebGPU runs on a software adapter here, seconds per step.
  const config = twoStepConfig({ trainCounts: [4, 4, 2, 2], backend: 'webgpu' });
  await page.goto(`./${search(config)}`);
  await waitForStatus(page, 'ready', 3 * 60_000);
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', 'webgpu');
  await page.getByTestId('step-epoch').click();
  await waitForStatus(page, 'paused', 6 * 60_000);

  await page.getByTestId('play').click();
  await waitForStatus(page, 'running');
  await destroyGpuDevice(await trainingWorker(page));
  const recovered = page.getByTestId('notice-recovered');
  // A software adapter reports the loss only once its queue has drained.
  await expect(recovered).toContainText('The WebGPU device was lost', { timeout: 3 * 60_000 });
  await expect(recovered).toContainText('Training resumed from the end of epoch 1, the last completed epoch, on');
  const badge = page.getByTestId('backend-badge');
  await expect(badge).not.toHaveAttribute('data-backend', 'webgpu');
  await waitForStatus(page, 'finished', 5 * 60_000);
  await expectEpochsOnce(page, 2);
  await expect(page.getByTestId('error-notice')).toHaveCount(0);
  console.check();
});

test('a batch too large for the device stops with advice, and the page stays usable', async ({ page }) => {
  const console = watchConsole(page);
  const config = twoStepConfig({ trainCounts: [200, 200, 100, 100], batchSize: 512 });
  await page.goto(`./${search(config)}`);
  await waitForStatus(page, 'ready', 3 * 60_000);
  // As on a GPU whose textures top out at 1024²: a batch of 512 needs larger ones, a batch of 32 does not.
  await limitWebGlTextureSize(await trainingWorker(page), 1024);
  await page.getByTestId('play').click();
  await waitForStatus(page, 'error', 3 * 60_000);
  const notice = page.getByTestId('error-notice');
  await expect(notice).toHaveAttribute('data-kind', 'oom');
  await expect(notice).toContainText('ResNet-8 at width 0.25 with batch size 512 needs more memory than this device has');
  await expect(notice).toContainText('Try a batch size of 256 or fewer blocks per stage');
  await page.screenshot({ path: test.info().outputPath('out-of-memory-1280.png') });

  await page.getByTestId('setting-batchSize').fill('32');
  await page.getByTestId('setting-batchSize').press('Enter');
  await waitForStatus(page, 'ready', 3 * 60_000);
  await expect(page.getByTestId('error-notice')).toHaveCount(0);
  await expect(page.getByTestId('play')).toBeEnabled();
  console.check();
});

test('a worker that dies again before the next epoch is given up with advice; new settings start a new one', async ({ page }) => {
  const console = watchConsole(page);
  await page.goto(`./${search(twoStepConfig())}`);
  await waitForStatus(page, 'ready', 3 * 60_000);
  await terminateWorker(await trainingWorker(page));
  await expect(page.getByTestId('notice-recovered')).toContainText('The training was restored from the start (no epoch had finished)', { timeout: 60_000 });
  await waitForStatus(page, 'ready', 3 * 60_000);
  // As when a batch too large for the memory crashes the worker each time.
  await terminateWorker(await trainingWorker(page));
  await waitForStatus(page, 'error', 60_000);
  const notice = page.getByTestId('error-notice');
  await expect(notice).toHaveAttribute('data-kind', 'worker');
  await expect(notice).toContainText('The training worker stopped again before finishing epoch 1 (the browser ended it). This usually means the device ran out of memory');

  await page.getByTestId('setting-batchSize').fill('8');
  await page.getByTestId('setting-batchSize').press('Enter');
  await waitForStatus(page, 'ready', 3 * 60_000);
  await expect(notice).toHaveCount(0);
  console.check();
});
