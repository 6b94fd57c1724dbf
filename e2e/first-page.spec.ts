/**
 * The first page without training: the data preview of a chosen subset, validation in the settings,
 * a tampered link, and the page that explains how to get the data when there is none.
 */
import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { canvasHasDrawing, search, tinyConfig, watchConsole } from './helpers.ts';

test('data preview: choose four classes, see thumbnails, counts and the imbalance', async ({ page }) => {
  const console = watchConsole(page);
  await page.goto('./');
  const preview = page.getByTestId('data-preview');
  await expect(preview).toBeVisible();

  // Swap in ship (8) and frog (6): choosing a class already used elsewhere swaps the two.
  await page.getByTestId('setting-class-0').selectOption({ label: 'ship' });
  await page.getByTestId('setting-class-3').selectOption({ label: 'frog' });
  await page.getByTestId('setting-imbalance').selectOption('step');
  await page.getByTestId('setting-ratio').selectOption('10');

  const strips = page.getByTestId('class-strip');
  await expect(strips).toHaveCount(4);
  await expect(strips.nth(0)).toHaveAttribute('data-class', 'ship');
  await expect(strips.nth(3)).toHaveAttribute('data-class', 'frog');
  const counts = await page.getByTestId('class-counts').allInnerTexts();
  expect(counts.map((text) => text.replace(/\s+/g, ' '))).toEqual([
    '5000 train · 1000 test',
    '5000 train · 1000 test',
    '500 train · 1000 test',
    '500 train · 1000 test',
  ]);
  for (const classId of [8, 6]) {
    await expect.poll(() => canvasHasDrawing(page, `data-preview`).catch(() => false)).toBe(true);
    await expect(page.getByTestId(`thumbnails-${classId}`)).toBeVisible();
  }
  await expect(page.getByTestId('imbalance-bar')).toHaveCount(4);

  // The URL follows every applied change.
  const params = new URL(page.url()).searchParams;
  expect(params.get('c')).toBe('8,1,2,6');
  expect(params.get('imb')).toBe('step');
  expect(params.get('rho')).toBe('10');
  expect(params.get('n')).toBe('5000,5000,500,500');

  // An invalid value is explained beside its field and never applied.
  const epochs = page.getByTestId('setting-epochs');
  await epochs.fill('0');
  await epochs.press('Enter');
  await expect(page.getByTestId('settings-panel').getByTestId('field-error')).toContainText('Epochs must be between 1 and 400');
  expect(new URL(page.url()).searchParams.get('ep')).toBe('40');
  await epochs.fill('12');
  await epochs.press('Enter');
  await expect(page.getByTestId('field-error')).toHaveCount(0);
  await expect.poll(() => new URL(page.url()).searchParams.get('ep')).toBe('12');
  console.check();
});

test('a tampered link shows a notice listing what was ignored, and the page still works', async ({ page }) => {
  const console = watchConsole(page);
  const good = new URLSearchParams(search(tinyConfig()));
  good.set('c', '0,0,1,2');
  good.set('ep', 'lots');
  good.set('lr', '7');
  good.set('be', 'quantum');
  good.set('evil', '<script>alert(1)</script>');
  await page.goto(`./?${good.toString()}`);
  const notice = page.getByTestId('notice-url-problems');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('Classes must be 4 different');
  await expect(notice).toContainText('Epochs must be a number');
  await expect(notice).toContainText('Learning rate must be between');
  await expect(notice).toContainText('Backend must be one of');
  await expect(notice).toContainText('Unknown setting “evil”');
  // Valid parameters of the same link are kept, the invalid ones fall back to defaults.
  await expect(page.getByTestId('setting-count-0')).toHaveValue('16');
  await expect(page.getByTestId('setting-epochs')).toHaveValue('40');
  await expect(page.getByTestId('setting-backend')).toHaveValue('auto');
  // The address bar is rewritten to the valid configuration.
  await expect.poll(() => new URL(page.url()).searchParams.get('ep')).toBe('40');
  expect(new URL(page.url()).searchParams.get('evil')).toBeNull();
  await expect(page.getByTestId('data-preview')).toBeVisible();
  console.check();
});

test('methods: a link sets the lanes (parameters kept), the chooser adds and removes them, an invalid list is explained', async ({ page }) => {
  const console = watchConsole(page);
  await page.goto(`./${search(tinyConfig({ methods: ['erm', 'la:tau=1.5', 'ldam-drw'] }))}`);
  for (const method of ['erm', 'la', 'ldam-drw']) await expect(page.getByTestId(`setting-method-${method}`)).toBeChecked();
  await expect(page.getByTestId('setting-method-mfw')).not.toBeChecked();
  await expect(page.getByTestId('settings-panel')).toContainText('LA (as set: LA τ=1.5)');
  // Three lanes: one column per lane, training above test.
  await expect(page.getByTestId('scatter-lanes')).toBeVisible();
  for (const lane of ['erm', 'la_tau-1.5', 'ldam-drw']) await expect(page.getByTestId(`placeholder-${lane}-test`)).toBeVisible();

  // Keyboard: Space toggles a method; the link follows, the tuned LA lane keeps its τ.
  await page.getByTestId('setting-method-mixup').focus();
  await page.keyboard.press('Space');
  await expect.poll(() => new URL(page.url()).searchParams.get('m')).toBe('erm,la:tau=1.5,ldam-drw,mixup');
  await page.getByTestId('setting-method-erm').click();
  await expect.poll(() => new URL(page.url()).searchParams.get('m')).toBe('la:tau=1.5,ldam-drw,mixup');

  // No seventh lane and no empty list: the refusal is said, the lanes stay.
  for (const method of ['mfw', 'drw', 'rw']) await page.getByTestId(`setting-method-${method}`).click();
  await page.getByTestId('setting-method-remix-drw').click();
  await expect(page.getByTestId('methods-problem')).toContainText('At most 6 methods');
  await expect(page.getByTestId('setting-method-remix-drw')).not.toBeChecked();

  await page.goto(`./?m=erm,focal&sv=2`);
  await expect(page.getByTestId('notice-url-problems')).toContainText('unknown method “focal”');
  await expect.poll(() => new URL(page.url()).searchParams.get('m')).toBe('erm,mfw');
  await expect(page.getByTestId('scatter-pair-train')).toBeVisible();
  console.check();
});

test('a link from before the method lab opens as it did: drw=1 trains DRW beside MFW-DRW with the first seed semantics', async ({ page }) => {
  const old = new URLSearchParams(search(tinyConfig()));
  old.delete('m');
  old.delete('sv');
  old.set('drw', '1');
  await page.goto(`./?${old.toString()}`);
  await expect.poll(() => new URL(page.url()).searchParams.get('m')).toBe('drw,mfw-drw');
  expect(new URL(page.url()).searchParams.get('sv')).toBe('1');
  expect(new URL(page.url()).searchParams.get('drw')).toBeNull();
  await expect(page.getByTestId('setting-seedVersion')).toHaveValue('1');
  await expect(page.getByTestId('placeholder-mfw-drw-train')).toBeVisible();
});

const ARCHIVE = process.env.CIFAR10_TAR ?? '/work/shared/data/cifar-10-binary.tar.gz';

test('without data the page explains how to get it, and importing the archive proceeds', async ({ page }) => {
  // No prepared data on the server: every data request answers 404.
  await page.route('**/data/cifar10/**', (route) => route.fulfill({ status: 404, body: 'not found' }));
  const console = watchConsole(page, [/status of 404/]);
  await page.goto('./');
  const missing = page.getByTestId('data-missing');
  await expect(missing).toBeVisible();
  await expect(missing).toContainText('cifar-10-binary.tar.gz');
  // This is a static build: its advice comes first and says the data must be built in (or copied) next
  // to index.html; the development server's advice (npm run data, then reload) follows.
  const advice = missing.locator('[data-testid^="advice-"]');
  await expect(advice.first()).toHaveAttribute('data-testid', 'advice-static');
  await expect(page.getByTestId('advice-static')).toContainText('as this page is');
  await expect(page.getByTestId('advice-static')).toContainText('npm run build');
  await expect(page.getByTestId('advice-static')).toContainText('data/cifar10/');
  await expect(page.getByTestId('advice-dev')).toContainText('npm run data');
  await expect(page.getByTestId('advice-dev')).toContainText('CIFAR10_TAR');
  await expect(page.locator('label', { hasText: 'Choose the archive…' })).toBeVisible();
  await expect(page.getByTestId('play')).toBeDisabled();
  // The backend starts without the data, so the badge names it rather than waiting.
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-backend', /webgl|webgpu|wasm/);
  await page.screenshot({ path: test.info().outputPath('no-data-1280.png'), fullPage: true });

  test.skip(!existsSync(ARCHIVE), `no archive at ${ARCHIVE} to import`);
  await page.getByTestId('archive-input').setInputFiles(ARCHIVE);
  await expect(page.getByTestId('import-progress')).toBeVisible();
  await expect(page.getByTestId('data-preview')).toBeVisible({ timeout: 5 * 60_000 });
  await expect(page.getByTestId('data-missing')).toHaveCount(0);
  await expect.poll(() => page.getByTestId('class-counts').first().innerText()).toContain('5000 train');
  console.check();
});
