/**
 * Trains a tiny configuration in a real Chromium, on WebGL and on WebGPU (and a larger one on
 * WebAssembly), and checks what a user sees: points and decision regions in both columns, curves with one point per epoch and class,
 * pause and resume, the epoch scrubber, no console errors, and the longest main-thread task while
 * training; on WebGL also the views' checks (e2e/views.ts), every export and a reload from the copied
 * link (which resumes from IndexedDB).
 */
import { expect, test, type Page } from '@playwright/test';
import type { ExperimentConfig } from '../src/config/experiment.ts';
import { CSV_COLUMNS } from '../src/state/metricsExport.ts';
import {
  canvasHasDrawing,
  downloadOf,
  downloadsOf,
  longTasks,
  pointsPerSeries,
  recordLongTasks,
  search,
  tinyConfig,
  waitForStatus,
  watchConsole,
} from './helpers.ts';
import { checkTrainedViews } from './views.ts';

/** The default lanes: ERM beside MFW. */
const LANES = ['erm', 'mfw'] as const;
const CURVES = ['accuracy-curves-train', 'accuracy-curves-test'];

/** Both columns' scatters (points and regions) and both curve charts, with one point per epoch and class. */
async function expectEpochDrawn(page: Page, config: ExperimentConfig, epochs: number) {
  const trainPoints = Math.min(config.trainFeatureSample, config.trainCounts.reduce((a, b) => a + b, 0));
  const testPoints = config.classes.length * config.testPerClass;
  for (const method of LANES) {
    for (const split of ['train', 'test']) {
      const scatter = page.getByTestId(`scatter-${method}-${split}`);
      await expect(scatter).toBeVisible();
      await expect(scatter).toHaveAttribute('data-points', String(split === 'train' ? trainPoints : testPoints));
      expect(await canvasHasDrawing(page, `scatter-${method}-${split}`), `${method} ${split} regions and points drawn`).toBe(true);
    }
  }
  for (const curve of CURVES) {
    // 4 classes × ERM and MFW, each with one point (and one marker) per epoch.
    await expect(page.getByTestId(curve)).toHaveAttribute('data-series', '8');
    expect(await pointsPerSeries(page, curve)).toEqual(new Array(8).fill(epochs));
    const markers = await page.getByTestId(`${curve}-points`).locator('[data-markers]').evaluateAll((paths) => paths.map((p) => Number(p.getAttribute('data-markers'))));
    expect(markers).toEqual(new Array(8).fill(epochs));
  }
}

/** The data-testid of the focused element, or 'body' when focus fell to the page. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid ?? document.activeElement?.tagName.toLowerCase() ?? 'none');
}

/** Drives the transport with the mouse, or with the keyboard as a class at a projector would. */
const TRANSPORT = {
  mouse: {
    play: (page: Page) => page.getByTestId('play').click(),
    pause: (page: Page) => page.getByTestId('pause').click(),
  },
  keyboard: {
    // Enter on the focused Play button; Play turns disabled, so focus must move to Pause.
    play: async (page: Page) => {
      await page.getByTestId('play').focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => focused(page)).toBe('pause');
    },
    // Space anywhere outside a field or button is the shortcut.
    pause: async (page: Page) => {
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      await page.keyboard.press(' ');
    },
  },
};

/**
 * What both backends must show: the backend starts on request, training pauses within the first
 * epoch and stays paused, resumes and finishes two epochs with everything drawn, and the scrubber
 * goes back to epoch 1 and forward again. Logs the main-thread long tasks while training. With the
 * keyboard, → trains the rest of the first epoch, Space plays on, and ←/→ scrub.
 */
async function trainTwoEpochs(page: Page, config: ExperimentConfig, backendLabel: string, input: 'mouse' | 'keyboard' = 'mouse'): Promise<void> {
  const transport = TRANSPORT[input];
  const name = config.backend;
  const started = Date.now();
  const lap = (what: string) => process.stdout.write(`[${name}] ${what} after ${Math.round((Date.now() - started) / 1000)} s\n`);
  await page.goto(`./${search(config)}`);

  await expect(page.getByTestId('controlled-comparison')).toContainText('same initial weights');
  await waitForStatus(page, 'ready', 3 * 60_000);
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', name);
  await expect(page.getByTestId('backend-badge')).toContainText(backendLabel);
  lap('ready');

  // Play, then pause within the first half of the first epoch: the step counter must stop moving.
  const longTasksBefore = (await longTasks(page)).length;
  await transport.play(page);
  // A step is reported only once the previous one's losses were read back (finite, or it would stop with an error).
  const stepsPerEpoch = Math.ceil(config.trainCounts.reduce((a, b) => a + b, 0) / config.batchSize);
  const firstHalf = Array.from({ length: Math.ceil(stepsPerEpoch / 2) }, (_, i) => i + 1);
  await expect(page.getByTestId('progress-step')).toHaveText(new RegExp(`step (${firstHalf.join('|')})/${stepsPerEpoch}$`), { timeout: 5 * 60_000 });
  await transport.pause(page);
  await waitForStatus(page, 'paused', 3 * 60_000);
  const pausedAt = await page.getByTestId('progress-step').innerText();
  await page.waitForTimeout(3000);
  await expect(page.getByTestId('progress-step')).toHaveText(pausedAt);
  await expect(page.getByTestId('placeholder-erm-train')).toBeVisible();
  await expect(page.getByTestId('error-notice')).toHaveCount(0);
  lap(`paused at ${pausedAt}`);

  if (input === 'keyboard') {
    // → at the newest epoch while paused trains one epoch (the rest of the first), then pauses.
    await page.keyboard.press('ArrowRight');
    await waitForStatus(page, 'running');
    await waitForStatus(page, 'paused', 5 * 60_000);
    await expect(page.getByTestId('progress-epoch')).toHaveText(/after epoch 1 of 2/);
    await expect(page.getByTestId('shown-epoch')).toHaveText('1');
    // Space plays on: not a scrolling page.
    const scrolled = await page.evaluate(() => window.scrollY);
    await page.keyboard.press(' ');
    await waitForStatus(page, 'running');
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
  } else {
    await transport.play(page);
  }
  // Run to the end.
  await waitForStatus(page, 'finished', 12 * 60_000);
  lap('finished two epochs');
  const trainingLongTasks = (await longTasks(page)).slice(longTasksBefore);
  const longest = Math.max(0, ...trainingLongTasks);
  test.info().annotations.push({ type: 'longest main-thread task while training (ms)', description: String(Math.round(longest)) });
  process.stdout.write(`[${name}] long tasks while training (ms): ${JSON.stringify(trainingLongTasks.map(Math.round))}\n`);

  await expect(page.getByTestId('shown-epoch')).toHaveText('2');
  await expectEpochDrawn(page, config, 2);
  await expect(page.getByTestId('results-row-overall')).toContainText('%');
  await expect(page.getByTestId('error-notice')).toHaveCount(0);

  // Scrub back: every view shows epoch 1.
  const slider = page.getByTestId('epoch-slider');
  if (input === 'keyboard') {
    // The page's ← and →, then the slider's own keys.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('ArrowLeft');
    await expect(page.getByTestId('shown-epoch')).toHaveText('1');
    await page.keyboard.press('ArrowRight');
    await expect(page.getByTestId('shown-epoch')).toHaveText('2');
    await expect(page.getByTestId('follow-latest')).toBeDisabled();
  }
  await slider.focus();
  await slider.press('ArrowLeft');
  await expect(page.getByTestId('shown-epoch')).toHaveText('1');
  await expect(page.getByTestId('scatter-erm-test')).toContainText('epoch 1');
  await expect(page.getByTestId('scatter-mfw-train')).toContainText('epoch 1');
  await expect(page.getByTestId('accuracy-curves-test-marker')).toBeVisible();
  await page.getByTestId('follow-latest').click();
  await expect(page.getByTestId('shown-epoch')).toHaveText('2');
  // "Follow latest" turned disabled: focus went to the slider, not to the page.
  await expect.poll(() => focused(page)).toBe('epoch-slider');
}

test('WebGL, by keyboard: train two epochs, pause and resume, scrub, export, reload from the link, load the weights, record and replay', async ({ page }) => {
  const console = watchConsole(page);
  await recordLongTasks(page);
  const config = tinyConfig({ backend: 'webgl', epochs: 2 });
  await trainTwoEpochs(page, config, 'WebGL', 'keyboard');
  await checkTrainedViews(page, config);

  // Exports.
  const json = await downloadOf(page, () => page.getByTestId('export-metrics-json').click());
  const metrics = JSON.parse(json.bytes.toString('utf8'));
  expect(metrics.config).toEqual(config);
  expect(metrics.epochs).toHaveLength(2);
  expect(metrics.epochs[1].runs.mfw.testAccuracy).toHaveLength(4);
  process.stdout.write(`[webgl] epoch 2: ${JSON.stringify({ erm: metrics.epochs[1].runs.erm.testAccuracy, mfw: metrics.epochs[1].runs.mfw.testAccuracy, imagesPerSecond: metrics.epochs[1].imagesPerSecond, backend: metrics.backend })}\n`);

  const csv = await downloadOf(page, () => page.getByTestId('export-metrics-csv').click());
  const rows = csv.bytes.toString('utf8').trim().split('\n');
  expect(rows[0]).toBe(CSV_COLUMNS.join(','));
  expect(rows).toHaveLength(1 + 2 * 2 * 4);
  expect(rows.slice(1).every((row) => row.split(',').length === CSV_COLUMNS.length)).toBe(true);

  for (const chart of ['scatter-mfw-test', 'accuracy-test']) {
    const png = await downloadOf(page, () => page.getByTestId(`export-png-${chart}`).click());
    expect(png.name).toMatch(/\.png$/);
    expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    const svg = await downloadOf(page, () => page.getByTestId(`export-svg-${chart}`).click());
    expect(svg.name).toMatch(/\.svg$/);
    expect(svg.bytes.toString('utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  }

  const weightFiles: { name: string; bytes: Buffer }[] = [];
  for (const method of LANES) {
    const files = await downloadsOf(page, 2, () => page.getByTestId(`export-weights-${method}`).click());
    const modelJson = files.find((f) => f.name.endsWith('.json'));
    const weights = files.find((f) => f.name.endsWith('.bin'));
    expect(modelJson && weights, `${method}: model.json and weights.bin`).toBeTruthy();
    expect(modelJson!.name).toBe(`imbalance-playground-epoch2-${method}.model.json`);
    const model = JSON.parse(modelJson!.bytes.toString('utf8'));
    expect(model.weightsManifest[0].paths).toEqual([weights!.name]);
    expect(model.experiment).toEqual({ config, epoch: 2, step: 0 });
    const floats = model.weightsManifest[0].weights.reduce((sum: number, w: { shape: number[] }) => sum + w.shape.reduce((a, b) => a * b, 1), 0);
    expect(weights!.bytes.length).toBe(floats * 4);
    weightFiles.push(...files);
  }

  // Editing a setting of a finished experiment asks first, beside the change and in words for a
  // finished run; undoing changes nothing and gives the focus back to the field.
  await page.getByTestId('setting-epochs').fill('3');
  await page.getByTestId('setting-epochs').press('Enter');
  const pending = page.locator('fieldset[data-fieldset="training"]').getByTestId('pending-config');
  await expect(pending).toContainText('resets both trainings');
  await expect(pending).toContainText('Epochs: 2 → 3');
  await expect(page.getByTestId('apply-pending')).toHaveText('Start a new run');
  await page.getByTestId('discard-pending').click();
  await expect(page.getByTestId('pending-config')).toHaveCount(0);
  await expect(page.getByTestId('setting-epochs')).toHaveValue('2');
  await expect.poll(() => focused(page)).toBe('setting-epochs');

  // The address bar holds the whole config: a fresh load of it resumes the saved training.
  const link = page.url();
  expect(new URL(link).search).toBe(search(config));
  await page.goto(link);
  await waitForStatus(page, 'finished', 3 * 60_000);
  await expect(page.getByTestId('notice-resumed')).toBeVisible();
  await expect(page.getByTestId('setting-epochs')).toHaveValue('2');
  await expect(page.getByTestId('setting-count-2')).toHaveValue('4');
  await expect(page.getByTestId('setting-testPerClass')).toHaveValue(String(config.testPerClass));
  await expect(page.getByTestId('setting-backend')).toHaveValue('webgl');
  await expect(page.getByTestId('shown-epoch')).toHaveText('2');
  await expectEpochDrawn(page, config, 2);
  await expect(page.getByTestId('progress-epoch')).toHaveText(/all 2 epochs done/);
  await expect(page.getByTestId('progress-step')).toHaveCount(0);
  await expect(page.getByTestId('progress-eta')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('trained-1280.png'), fullPage: true });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: test.info().outputPath('trained-1920.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });

  // Record the finished run: one file with the configuration and both epochs.
  const recording = await downloadOf(page, () => page.getByTestId('save-recording').click());
  expect(recording.name).toBe('imbalance-playground-recording-custom-epoch2.json');
  const recorded = JSON.parse(recording.bytes.toString('utf8'));
  expect(recorded.format).toBe('imbalance-playground/recording');
  expect(recorded.config).toEqual(config);
  expect(recorded.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);

  // Load the weights back: the run opens at their epoch, evaluated on the data.
  await page.getByTestId('weights-input').setInputFiles(weightFiles.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: f.bytes })));
  await expect(page.getByTestId('notice-weights')).toContainText('Loaded ERM’s and MFW’s weights after epoch 2 of 2');
  await waitForStatus(page, 'finished', 3 * 60_000);
  await expect(page.getByTestId('shown-epoch')).toHaveText('2');
  await expect(page.getByTestId('scatter-mfw-test')).toHaveAttribute('data-points', String(4 * config.testPerClass));
  // A weights file that does not fit is refused with the reason.
  const ermModel = weightFiles.find((f) => f.name.endsWith('-erm.model.json'))!;
  await page.getByTestId('weights-input').setInputFiles({ name: ermModel.name, mimeType: 'application/json', buffer: ermModel.bytes });
  await expect(page.getByTestId('weights-error')).toContainText('choose it too');

  // Replay the recording from the file: labelled, nothing trains, every view and the scrubber work.
  await page.getByTestId('recording-input').setInputFiles({ name: recording.name, mimeType: 'application/json', buffer: recording.bytes });
  await expect(page.getByTestId('replay-banner')).toContainText('Recording — replayed, not trained here');
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'replay');
  await expect(page.getByTestId('play')).toBeDisabled();
  await expectEpochDrawn(page, config, 2);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('shown-epoch')).toHaveText('1');
  await page.getByTestId('close-recording').click();
  await waitForStatus(page, 'finished', 3 * 60_000);
  await expect(page.getByTestId('replay-banner')).toHaveCount(0);

  // And from a link to a file next to the app.
  await page.route('**/recordings/lesson.json', (route) => route.fulfill({ contentType: 'application/json', body: recording.bytes }));
  await page.goto('./?rec=recordings/lesson.json');
  await expect(page.getByTestId('replay-banner')).toContainText('recordings/lesson.json');
  await expectEpochDrawn(page, config, 2);
  expect(new URL(page.url()).search).toBe('?rec=recordings/lesson.json');
  await page.getByTestId('train-recorded').click();
  await expect.poll(() => new URL(page.url()).search).toBe(search(config));
  await waitForStatus(page, 'finished', 3 * 60_000);
  console.check();
});

// On this machine WebGPU is Dawn's SwiftShader fallback adapter: a training step takes seconds,
// so the tiny configuration's small test sample (tinyConfig's testPerClass) keeps the two
// evaluations to a few hundred image forwards each; the checks are the WebGL test's training part.
test('WebGPU: train two epochs, pause and resume, scrub', async ({ page }) => {
  const console = watchConsole(page);
  await recordLongTasks(page);
  await trainTwoEpochs(page, tinyConfig({ backend: 'webgpu', epochs: 2 }), 'WebGPU');
  console.check();
});

// WebAssembly trains several times faster than WebGL on SwiftShader here, so its test trains the
// Classroom network itself (ResNet-8 at full width) on 500 CIFAR-10 images instead of the tiny
// configuration; the page is cross-origin isolated, so this is the threaded build.
test('WebAssembly: train two epochs of the Classroom network, pause and resume, scrub', async ({ page }) => {
  const console = watchConsole(page);
  await recordLongTasks(page);
  const config = tinyConfig({ backend: 'wasm', width: 1, trainCounts: [200, 200, 50, 50], batchSize: 32, testPerClass: 50 });
  await trainTwoEpochs(page, config, 'CPU (WebAssembly)');
  await expect(page.getByTestId('backend-badge')).toContainText('WebAssembly SIMD');
  console.check();
});
