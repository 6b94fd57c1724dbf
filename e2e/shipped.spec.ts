/**
 * Finished runs on the first screen: a run trained headless by `npm run experiment -- … --recording`
 * and packed by `npm run recordings` (here a tiny one, made by the test) is offered before anything
 * trains, opens at once with the command that made it, and plays through its epochs with Space.
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tinyConfig, search, waitForStatus, watchConsole } from './helpers.ts';

const EPOCHS = 4;

test('a shipped recording is offered on the first screen, opens at once and plays through with Space', async ({ page }) => {
  const console = watchConsole(page);
  // Trained and packed as the app's shipped runs are, into this test's own folder.
  const name = `e2e-shipped-${process.pid}`;
  const out = test.info().outputPath('recordings');
  const node = (script: string, args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  node('scripts/experiment.ts', [search(tinyConfig({ epochs: EPOCHS })), '--backend=wasm', '--recording', `--name=${name}`]);
  const packed = node('scripts/recordings.ts', [`experiments/${name}.recording.json`, `--out=${out}`]);
  expect(packed).toContain(`recordings/${name}.json: erm, mfw, ${EPOCHS} of ${EPOCHS} epochs`);
  await page.route('**/recordings/*.json', (route) => route.fulfill({ contentType: 'application/json', body: readFileSync(join(out, basename(new URL(route.request().url()).pathname))) }));

  await page.goto(`./${search(tinyConfig())}`);
  const finished = page.getByTestId('finished-runs');
  await expect(finished).toContainText(`Custom settings: ERM beside MFW (ResNet-8, ${EPOCHS} epochs)`);
  await expect(finished).toContainText(`At epoch ${EPOCHS}, balanced test accuracy: ERM`);
  await expect(finished).toContainText(`--name=${name}`);
  await page.screenshot({ path: test.info().outputPath('first-screen-finished-runs.png') });

  await page.getByTestId('watch-finished-run').click();
  await expect(page.getByTestId('replay-banner')).toContainText(`recordings/${name}.json`);
  await expect(page.getByTestId('replay-command')).toContainText(`npm run experiment -- `);
  await expect(page.getByTestId('replay-command')).toContainText(`--recording --name=${name}`);
  await expect(page.getByTestId('finished-runs')).toHaveCount(0);
  expect(new URL(page.url()).searchParams.get('rec')).toBe(`recordings/${name}.json`);
  await expect(page.getByTestId('shown-epoch')).toHaveText(String(EPOCHS));
  await expect(page.getByTestId('scatter-mfw-test')).toHaveAttribute('data-points', String(4 * 25));
  // Thumbnails: the tiny run trained on the prepared CIFAR-10 data, so the page finds its plotted images.
  await expect(page.getByTestId('replay-images')).toHaveAttribute('data-state', 'shown', { timeout: 60_000 });

  // Space on the last epoch plays from the first, through every epoch, and stops at the last.
  await page.getByTestId('replay-speed').selectOption('2');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press(' ');
  await expect(page.getByTestId('replay-play')).toHaveAttribute('aria-pressed', 'true');
  for (let epoch = 1; epoch <= EPOCHS; epoch++) await expect(page.getByTestId('shown-epoch')).toHaveText(String(epoch), { timeout: 5_000 });
  await expect(page.getByTestId('replay-play')).toHaveAttribute('aria-pressed', 'false');

  // Closing it returns to the first screen, with the offer again; the sidebar lists it too.
  await page.getByTestId('close-recording').click();
  await waitForStatus(page, 'ready', 3 * 60_000);
  await expect(page.getByTestId('finished-runs')).toBeVisible();
  await expect(page.getByTestId('shipped-list')).toContainText(`Custom settings: ERM beside MFW (ResNet-8, ${EPOCHS} epochs)`);
  console.check();
});

test('a broken list of shipped runs is named, and the page trains as usual', async ({ page }) => {
  await page.route('**/recordings/index.json', (route) => route.fulfill({ contentType: 'application/json', body: '{"format": "imbalance-playground/recordings-index", "version": 1, "recordings": [{"path": "../x.json"}]}' }));
  await page.goto(`./${search(tinyConfig())}`);
  await expect(page.getByTestId('notice-shipped-recordings')).toContainText('recordings/index.json recordings[0].path must be a .json file in recordings/');
  await expect(page.getByTestId('finished-runs')).toHaveCount(0);
  await waitForStatus(page, 'ready', 3 * 60_000);
});
