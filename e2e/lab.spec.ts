/**
 * The method lab's page on a tiny four-lane run (WebGL): the lane sets in the settings, the curves
 * comparing the methods (the classifier's bias per class among them), the results over the run with
 * a row per lane, the method cards, the post-hoc corrections (τ = 0 changes nothing, a larger τ
 * changes a shown accuracy; only logit adjustment on the cosine lane; warnings where they apply) and
 * a point picked in one lane, by keyboard and by pointer, ringed in the others.
 */
import { expect, test, type Page } from '@playwright/test';
import { downloadOf, search, tinyConfig, waitForStatus, watchConsole } from './helpers.ts';

const resultsText = (page: Page) => page.getByTestId('results-table').locator('tbody').innerText();
const LANES = ['erm', 'ldam-drw', 'la', 'mfw'];

test('method lab: lane sets, curves per lane, post-hoc corrections and a point followed across lanes', async ({ page }) => {
  const console = watchConsole(page);
  const config = tinyConfig({ backend: 'webgl', methods: ['erm', 'ldam-drw', 'la', 'mfw'] });
  await page.goto(`./${search(config)}`);
  await waitForStatus(page, 'ready', 3 * 60_000);

  // The lanes are the “margins and logits” set; another set is one click away, and back.
  await expect(page.getByTestId('lane-set-margins')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('lane-set-mfw-vs-erm')).toHaveAttribute('aria-pressed', 'false');
  await expect(page.getByTestId('lane-set-mixing')).toContainText('mixup, Remix-DRW');
  await page.getByTestId('lane-set-mixing').click();
  await expect(page.getByTestId('lane-set-mixing')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('setting-method-remix-drw')).toBeChecked();
  await expect.poll(() => new URL(page.url()).searchParams.get('m')).toBe('erm,mixup,remix-drw,mfw');
  // The decoupling set: ERM corrected after training (post-hoc logit adjustment, τ = 1) beside LA.
  await page.getByTestId('lane-set-decoupling').click();
  await expect.poll(() => new URL(page.url()).searchParams.get('m')).toBe('erm,la');
  await page.getByTestId('post-hoc').locator('summary').click();
  await expect(page.getByTestId('post-hoc-kind-erm')).toHaveValue('logit-adjustment');
  await expect(page.getByTestId('post-hoc-tau-value-erm')).toHaveText('1.00');
  await page.getByTestId('post-hoc-kind-erm').selectOption('none');
  await page.getByTestId('post-hoc').locator('summary').click();
  await page.getByTestId('lane-set-margins').click();
  await expect(page.getByTestId('lane-set-margins')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => new URL(page.url()).searchParams.get('m')).toBe('erm,ldam-drw,la,mfw');

  // A lane's parameters and the baseline: LA's τ set in the form goes into the link; an out-of-range
  // value is refused with the reason; another baseline moves to the front; the set puts all back.
  await page.getByTestId('lane-parameters').locator('summary').click();
  await page.getByTestId('lane-parameter-la-tau').fill('1.5');
  await page.getByTestId('lane-parameter-la-tau').press('Enter');
  await expect.poll(() => new URL(page.url()).searchParams.get('m')).toBe('erm,ldam-drw,la:tau=1.5,mfw');
  await page.getByTestId('lane-parameter-la_tau-1.5-tau').fill('9');
  await expect(page.getByTestId('lane-parameters')).toContainText('τ must be between 0 and 5 (got 9)');
  await page.getByTestId('lane-parameter-la_tau-1.5-tau').press('Escape');
  await page.getByTestId('baseline-mfw').check();
  await expect.poll(() => new URL(page.url()).searchParams.get('m')).toBe('mfw,erm,ldam-drw,la:tau=1.5');
  await page.getByTestId('lane-parameters').locator('summary').click();
  await page.getByTestId('lane-set-margins').click();
  await expect.poll(() => new URL(page.url()).searchParams.get('m')).toBe('erm,ldam-drw,la,mfw');
  await waitForStatus(page, 'ready', 3 * 60_000);

  await page.getByTestId('play').click();
  await waitForStatus(page, 'finished', 10 * 60_000);
  await expect(page.getByTestId('error-notice')).toHaveCount(0);

  // The lab's curves: balanced and minor-class accuracy of each of the four lanes, and the others.
  await expect(page.getByTestId('lab-accuracy-curves')).toHaveAttribute('data-series', '8');
  await expect(page.getByTestId('lab-gradient-ratio-curves')).toHaveAttribute('data-series', '4');
  await expect(page.getByTestId('lab-clean-loss-curves')).toHaveAttribute('data-series', '4');
  await expect(page.getByTestId('lab-weight-norm-multiples').locator('[data-series="4"]')).toHaveCount(4);
  // The bias b_c per class: the three linear heads (LDAM's cosine head has none).
  await expect(page.getByTestId('lab-bias-multiples').locator('[data-series="3"]')).toHaveCount(4);
  // Class weights: the one re-weighting lane (LDAM-DRW), 4 classes; no Remix lane, so no relabelled fraction.
  await expect(page.getByTestId('lab-class-weight-curves')).toHaveAttribute('data-series', '4');
  await expect(page.getByTestId('lab-relabelled-curves')).toHaveCount(0);

  // The results over the run: a row per lane, the first marked as the baseline, the median over the
  // two stored epochs said to be fewer than ten, no paper figure outside the paper's setting.
  const overRun = page.getByTestId('results-over-run');
  await expect(overRun.locator('tbody tr')).toHaveCount(4);
  for (const lane of LANES) await expect(page.getByTestId(`results-over-run-${lane}`)).toContainText(/\d+\.\d % \(epoch [12]\)/);
  await expect(page.getByTestId('results-over-run-erm')).toContainText('baseline');
  await expect(page.getByTestId('results-over-run-mfw')).toContainText(/pts/);
  await expect(page.getByTestId('results-over-run-median-head')).toContainText('2 epochs stored (fewer than 10)');
  await expect(overRun).toContainText('chosen on the test set');
  const overRunTrained = await overRun.locator('tbody').innerText();

  // The method cards: collapsed, then one per lane, each caption with this run's numbers at the shown epoch.
  const cards = page.getByTestId('method-cards');
  await expect(cards.locator('article').first()).toBeHidden();
  await cards.locator('summary').click();
  await expect(cards.locator('article')).toHaveCount(4);
  for (const lane of LANES) await expect(page.getByTestId(`method-card-shows-${lane}`)).toContainText(/At epoch 2, .*\d+\.\d\s%/);
  await expect(page.getByTestId('method-card-ldam-drw')).toContainText('Margins Δ_c = ');
  await expect(page.getByTestId('method-card-la')).toContainText('τ·log π_c = ');
  await expect(page.getByTestId('method-card-mfw')).toContainText('λ_n = s(N_(y_n))·Beta(α, α)');
  await cards.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('lab-method-cards.png') });
  await cards.locator('summary').click();

  // Post-hoc corrections: the cosine lane is offered logit adjustment only; τ = 0 leaves the accuracies as trained.
  await page.getByTestId('post-hoc').locator('summary').click();
  await expect(page.getByTestId('post-hoc-kind-ldam-drw').locator('option[value="logit-adjustment"]')).toHaveCount(1);
  await expect(page.getByTestId('post-hoc-kind-ldam-drw').locator('option[value="tau-norm"]')).toHaveCount(0);
  await expect(page.getByTestId('post-hoc-cosine-ldam-drw')).toContainText('No τ-normalisation');
  await expect(page.getByTestId('post-hoc-kind-erm').locator('option[value="tau-norm"]')).toHaveCount(1);
  const trained = await resultsText(page);
  const trainedMisclassified = await page.getByTestId('scatter-erm-test').getAttribute('data-misclassified');
  await page.getByTestId('post-hoc-kind-erm').selectOption('logit-adjustment');
  await expect(page.getByTestId('post-hoc-optimistic')).toBeVisible();
  await expect(page.getByTestId('post-hoc-stacked-erm')).toHaveCount(0);
  await page.getByTestId('post-hoc-tau-erm').fill('0');
  await expect(page.getByTestId('post-hoc-tau-value-erm')).toHaveText('0.00');
  expect(await resultsText(page)).toBe(trained);
  await expect(page.getByTestId('scatter-erm-test')).toHaveAttribute('data-misclassified', trainedMisclassified ?? '');

  // A larger τ moves the boundaries toward the major classes: some shown accuracy changes.
  const tries: [string, string, string][] = [
    ['erm', 'logit-adjustment', '2'],
    ['mfw', 'logit-adjustment', '2'],
    ['erm', 'tau-norm', '2'],
    ['mfw', 'tau-norm', '2'],
  ];
  let changed = false;
  for (const [lane, kind, tau] of tries) {
    await page.getByTestId(`post-hoc-kind-${lane}`).selectOption(kind);
    if (kind === 'tau-norm') await page.getByTestId(`post-hoc-bias-${lane}`).uncheck();
    await page.getByTestId(`post-hoc-tau-${lane}`).fill(tau);
    await expect(page.getByTestId(`post-hoc-tau-value-${lane}`)).toHaveText(`${tau}.00`);
    if ((await resultsText(page)) !== trained) {
      changed = true;
      process.stdout.write(`[lab] ${kind} τ = ${tau} on ${lane} changed the test accuracy\n`);
      break;
    }
  }
  expect(changed, 'a post-hoc correction at τ = 2 changes a shown accuracy').toBe(true);
  await expect(page.getByTestId('results-table').locator('thead')).toContainText(/· (LA|τ-norm) τ=2\.00/);
  // Logit adjustment on the cosine lane: its features at unit length, its label in the table; the
  // results over the run stay as trained.
  await page.getByTestId('post-hoc-kind-ldam-drw').selectOption('logit-adjustment');
  await page.getByTestId('post-hoc-tau-ldam-drw').fill('2');
  await expect(page.getByTestId('post-hoc-tau-value-ldam-drw')).toHaveText('2.00');
  await expect(page.getByTestId('results-table').locator('thead')).toContainText('LDAM-DRW · LA τ=2.00');
  await expect(page.getByTestId('scatter-ldam-drw-test')).toHaveAttribute('data-domain', '-1.15000,1.15000,-1.15000,1.15000');
  await expect(page.getByTestId('post-hoc-stacked-ldam-drw')).toContainText('already compensates');
  expect(await overRun.locator('tbody').innerText()).toBe(overRunTrained);
  // Stacked on a lane that already compensates (LA): a warning.
  await page.getByTestId('post-hoc-kind-la').selectOption('logit-adjustment');
  await expect(page.getByTestId('post-hoc-stacked-la')).toContainText('already compensates');
  await page.screenshot({ path: test.info().outputPath('lab-post-hoc.png') });
  await page.getByTestId('results-table').scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('lab-results.png') });
  await overRun.scrollIntoViewIfNeeded();
  await page.screenshot({ path: test.info().outputPath('lab-results-over-run.png') });

  // Focusing a point in ERM's test scatter rings the same image in every other lane's test scatter.
  await page.getByTestId('scatter-erm-test').focus();
  const picked = await page.getByTestId('scatter-erm-test-highlight').getAttribute('data-index');
  expect(picked).not.toBeNull();
  for (const lane of ['ldam-drw', 'la', 'mfw']) {
    await expect(page.getByTestId(`scatter-${lane}-test-linked`)).toHaveAttribute('data-index', picked ?? '');
    await expect(page.getByTestId(`scatter-${lane}-train-linked`)).toHaveCount(0);
  }
  await page.keyboard.press('ArrowRight');
  const next = await page.getByTestId('scatter-erm-test-highlight').getAttribute('data-index');
  await expect(page.getByTestId('scatter-mfw-test-linked')).toHaveAttribute('data-index', next ?? '');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('scatter-mfw-test-linked')).toHaveCount(0);

  // The pointer on a point of ERM's test scatter (focus gone) rings the same image in every other lane.
  const ermTest = page.getByTestId('scatter-erm-test');
  const ermHighlight = page.getByTestId('scatter-erm-test-highlight');
  await ermTest.blur();
  await ermTest.focus();
  const ring = (await ermHighlight.boundingBox())!;
  await page.keyboard.press('Escape');
  await ermTest.blur();
  await expect(ermHighlight).toHaveCount(0);
  await page.mouse.move(ring.x + ring.width / 2, ring.y + ring.height / 2);
  await expect(ermHighlight).toHaveCount(1);
  const hovered = await ermHighlight.getAttribute('data-index');
  expect(hovered).not.toBeNull();
  for (const lane of ['ldam-drw', 'la', 'mfw']) await expect(page.getByTestId(`scatter-${lane}-test-linked`)).toHaveAttribute('data-index', hovered ?? '');
  // The read-out says where the image lands under each other method.
  await expect(page.getByTestId('scatter-erm-test-tooltip-others').locator('li')).toHaveText(
    ['LDAM-DRW', 'LA', 'MFW'].map((label) => new RegExp(`^${label}( · [^:]+)?: (✓|✗ \\w+)$`)),
  );
  await page.mouse.move(0, 0);
  await expect(page.getByTestId('scatter-mfw-test-linked')).toHaveCount(0);

  // The four-lane run saved as a recording holds every lane; opened again it replays all four.
  const recording = await downloadOf(page, () => page.getByTestId('save-recording').click());
  const recorded = JSON.parse(recording.bytes.toString('utf8'));
  expect(recorded.version).toBe(2);
  expect(recorded.config.methods).toEqual(['erm', 'ldam-drw', 'la', 'mfw']);
  expect(recorded.epochs.map((e: { runs: object }) => Object.keys(e.runs))).toEqual([1, 2].map(() => ['erm', 'ldam-drw', 'la', 'mfw']));
  const liveResults = await overRun.locator('tbody').innerText();
  await page.getByTestId('recording-input').setInputFiles({ name: recording.name, mimeType: 'application/json', buffer: recording.bytes });
  await expect(page.getByTestId('replay-banner')).toContainText('Recording — replayed, not trained here');
  for (const lane of ['erm', 'ldam-drw', 'la', 'mfw']) {
    await expect(page.getByTestId(`scatter-${lane}-test`)).toHaveAttribute('data-points', String(4 * config.testPerClass));
    await expect(page.getByTestId(`results-over-run-${lane}`)).toBeVisible();
  }
  // The metrics are stored exactly, so the table of the run reads as it did live.
  expect(await page.getByTestId('results-over-run').locator('tbody').innerText()).toBe(liveResults);
  await expect(page.getByTestId('lab-accuracy-curves')).toHaveAttribute('data-series', '8');
  console.check();
});
