/**
 * Before Play, a teacher learns how long the run takes on this device: the page times the network
 * ("preparing the GPU"), then shows the estimate (training and evaluation), each preset's estimate,
 * and, for a run longer than a lesson, a link to the Quick preset.
 */
import { expect, test } from '@playwright/test';
import { QUICK_CONFIG, withTimePreset } from '../src/config/experiment.ts';
import { LESSON_SECONDS } from '../src/state/estimate.ts';
import { search, tinyConfig, waitForStatus, watchConsole } from './helpers.ts';

test('the estimate before Play: timing on this device, each preset’s estimate, and the Quick preset’s link for a long run', async ({ page }) => {
  const console = watchConsole(page);
  // ResNet-8 at full width with batch 16: an eighth of the presets' ResNet-8 at batch 128 in
  // arithmetic, near enough that Quick and Classroom get estimates scaled from this timing (Paper's
  // ResNet-32 is too far to scale). 160 images for 400 epochs: longer than a lesson on any device.
  const config = tinyConfig({ backend: 'webgl', width: 1, batchSize: 16, trainCounts: [64, 64, 16, 16], epochs: 400 });
  await page.goto(`./${search(config)}`);
  await waitForStatus(page, 'ready', 3 * 60_000);
  await expect(page.getByTestId('calibrating')).toContainText('Preparing the GPU');
  await expect(page.getByTestId('play')).toBeEnabled();

  const estimate = page.getByTestId('run-estimate');
  await expect(estimate).toBeVisible({ timeout: 10 * 60_000 });
  await expect(estimate).toContainText(/^About .+ on this device for these settings \(training .+, evaluation after each epoch .+ in all\)/);
  const seconds = Number(await estimate.getAttribute('data-seconds'));
  expect(seconds).toBeGreaterThan(LESSON_SECONDS);
  await expect(page.getByTestId('preset-estimate-quick')).toHaveText(/^(About .+|Under a minute) on this device$/);
  await expect(page.getByTestId('preset-estimate-classroom')).toHaveText(/on this device$/);
  await expect(page.getByTestId('preset-estimate-paper')).toHaveText('Estimated once chosen');
  // Each lane set's estimate counts its networks.
  await expect(page.getByTestId('lane-set-estimate-mfw-vs-erm')).toHaveText(/^(About .+|Under a minute) on this device \(2 networks\)$/);
  await expect(page.getByTestId('lane-set-estimate-all-rivals')).toHaveText(/^About .+ on this device \(6 networks\)$/);
  await page.screenshot({ path: test.info().outputPath('estimate-1280.png') });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: test.info().outputPath('estimate-1920.png') });

  // Longer than a lesson: the Quick preset's link, a real link to its configuration, applies it here.
  await expect(page.getByTestId('too-long')).toContainText('That is longer than a lesson');
  const quick = search(withTimePreset(config, QUICK_CONFIG));
  const link = page.getByTestId('quick-preset-link');
  await expect(link).toHaveAttribute('href', quick);
  await link.click();
  await expect.poll(() => new URL(page.url()).search).toBe(quick);
  await expect(page.getByTestId('preset-quick')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('setting-epochs')).toHaveValue(String(QUICK_CONFIG.epochs));
  await expect(page.getByTestId('preset-class-view')).toContainText('What your class will see: ERM gets most test images of the two small classes wrong');
  await expect(page.getByTestId('preset-evidence')).toContainText('PyTorch');
  console.check();
});
