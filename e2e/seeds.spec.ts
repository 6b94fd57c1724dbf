/**
 * A sweep's recordings of one setting opened together: two tiny runs trained headless by
 * `npm run experiment -- … --recording`, seeds 0 and 1, picked at once in "Open a recording…". The
 * page shows every lane's balanced and minor-class accuracy as the mean over the seeds with a band,
 * says how many seeds, replays seed 0's run in the other views, and refuses recordings of two settings.
 */
import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { search, tinyConfig, watchConsole } from './helpers.ts';

const EPOCHS = 4;
const METHODS = ['erm', 'mfw', 'drw'];

test('recordings of two seeds open together: each lane’s mean with a band over the seeds, “2 seeds”', async ({ page }) => {
  const console = watchConsole(page);
  const name = (seed: number) => `e2e-seeds-${process.pid}-seed${seed}`;
  const files = [0, 1].map((seed) => {
    const config = tinyConfig({ epochs: EPOCHS, methods: METHODS, seed });
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/experiment.ts', search(config), '--backend=wasm', '--recording', `--name=${name(seed)}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    const path = `experiments/${name(seed)}.recording.json`;
    const buffer = readFileSync(path);
    rmSync(path);
    rmSync(`experiments/${name(seed)}.json`, { force: true });
    return { name: `seed${seed}.recording.json`, mimeType: 'application/json', buffer };
  });

  await page.goto(`./${search(tinyConfig())}`);
  // Given in the other order: the page sorts them by seed.
  await page.getByTestId('recording-input').setInputFiles([files[1], files[0]]);
  const seeds = page.getByTestId('seed-aggregate');
  await expect(seeds.getByRole('heading')).toContainText('Seeds: 2');
  await expect(page.getByTestId('seed-caption')).toContainText('test accuracy over the 2 seeds');
  await expect(page.getByTestId('seed-caption')).toContainText('shows one run: seed 0 (seed0.recording.json)');
  await expect(page.getByTestId('replay-banner')).toContainText('Recordings of 2 seeds — replayed, not trained here.');
  await expect(page.getByTestId('replay-banner')).toContainText('seed0.recording.json (seed 0), shown with seed1.recording.json (seed 1)');

  for (const measure of ['balanced', 'minor']) {
    const chart = page.getByTestId(`seed-curves-${measure}`);
    await expect(chart.locator('svg > text').first()).toContainText('test accuracy, 2 seeds: mean ± 1 sd');
    // One band per lane, each a closed area over the 4 epochs (two seeds differ somewhere, so it has a height).
    const bands = chart.locator('[data-testid$="-bands"] path[data-band]');
    await expect(bands).toHaveCount(METHODS.length);
    for (const d of await bands.evaluateAll((paths) => paths.map((p) => p.getAttribute('d') ?? ''))) {
      expect(d).toMatch(/^M[\d.,]+(L[\d.,]+){7}Z$/);
    }
    await expect(chart.locator('path[data-line]')).toHaveCount(METHODS.length);
  }
  // The other views show seed 0's run as one recording would.
  await expect(page.getByTestId('shown-epoch')).toHaveText(String(EPOCHS));
  await page.screenshot({ path: test.info().outputPath('seed-page.png') });
  await page.getByTestId('seed-aggregate').screenshot({ path: test.info().outputPath('seed-aggregate.png') });

  // Recordings of two settings are refused, naming the setting that differs; the seed set stays on screen.
  const other = JSON.parse(files[1].buffer.toString('utf8'));
  other.config.learningRate = 0.02;
  await page.getByTestId('recording-input').setInputFiles([files[0], { ...files[1], name: 'other.recording.json', buffer: Buffer.from(JSON.stringify(other)) }]);
  await expect(page.getByTestId('notice-recording')).toContainText(
    'The 2 recordings were not opened together. “other.recording.json” and “seed0.recording.json” are different settings: Learning rate (0.02 in “other.recording.json”, 0.05 in “seed0.recording.json”).',
  );
  await expect(seeds.getByRole('heading')).toContainText('Seeds: 2');

  // One file opens as one recording, without the seed view.
  await page.getByTestId('recording-input').setInputFiles([files[1]]);
  await expect(page.getByTestId('replay-banner')).toContainText('Recording — replayed, not trained here.');
  await expect(page.getByTestId('seed-aggregate')).toHaveCount(0);
  console.check();
});
