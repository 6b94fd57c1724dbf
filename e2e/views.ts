/**
 * What the plots teach, checked on a trained tiny run (the WebGL test's, so no training of its own):
 * scatter axes that stay put across a scrub, point read-outs with the CIFAR image (keyboard and
 * hover), curve read-outs, chart exports that clip nothing and name the epoch (the scatter's SVG as
 * vectors), the features export, and presentation mode's type sizes; with screenshots at 1280×720
 * and 1920×1080, normal and presenting. Leaves the page as it found it: latest epoch, 1280×720.
 */
import { expect, test, type Page } from '@playwright/test';
import type { ExperimentConfig } from '../src/config/experiment.ts';
import { FEATURE_CSV_COLUMNS } from '../src/views/charts/FeatureScatter/featureExport.ts';
import { EXPORT_MARGIN } from '../src/views/charts/export.ts';
import { downloadOf } from './helpers.ts';

export async function checkTrainedViews(page: Page, config: ExperimentConfig): Promise<void> {
  await expect(page.getByTestId('shown-epoch')).toHaveText('2');
  await test.step('scatter axes stay fixed across a scrub, shared by ERM and MFW', () => fixedAxes(page));
  await test.step('a point read-out shows class, prediction and CIFAR image, by keyboard and hover', () => pointReadout(page));
  await test.step('hovering a curve reads out every series at that epoch', () => curveReadout(page));
  await test.step('chart exports clip nothing, name the epoch, and draw the scatter as vectors', () => unclippedExports(page));
  await test.step('the 2-D features export holds both runs with labels and predictions', () => featuresExport(page, config));
  await test.step('presentation mode: full width, no text below 14 px; screenshots', () => presentation(page));
}

/** Shows the first (1) or the latest (2) of the two epochs. */
const scrubTo = async (page: Page, epoch: 1 | 2): Promise<void> => {
  if (epoch === 2) await page.getByTestId('follow-latest').click();
  else await page.getByTestId('epoch-slider').press('Home');
  await expect(page.getByTestId('shown-epoch')).toHaveText(String(epoch));
};

const domainOf = async (page: Page, testId: string): Promise<number[]> =>
  (await page.getByTestId(testId).getAttribute('data-domain'))!.split(',').map(Number);

async function fixedAxes(page: Page): Promise<void> {
  const atLast = await domainOf(page, 'scatter-erm-train');
  for (const id of ['scatter-mfw-train', 'scatter-erm-test', 'scatter-mfw-test']) expect(await domainOf(page, id), id).toEqual(atLast);

  await scrubTo(page, 1);
  await expect(page.getByTestId('scatter-erm-train')).toContainText('epoch 1');
  expect(await domainOf(page, 'scatter-erm-train')).toEqual(atLast);
  expect(await domainOf(page, 'scatter-mfw-test')).toEqual(atLast);

  // Fitted to epoch 1 alone, the window holds every point of it; the shared one covers the central
  // 98 % of both epochs' points per axis (the caption says so), so the two overlap without nesting.
  await expect(page.getByTestId('axes-note')).toContainText('central 98 % of all stored epochs’ points on each axis');
  await page.getByTestId('same-axes').uncheck();
  await expect(page.getByTestId('axes-note')).toHaveText('The axes fit every point of the epoch shown.');
  const fitted = await domainOf(page, 'scatter-erm-train');
  expect(await domainOf(page, 'scatter-mfw-test')).toEqual(fitted);
  expect(Math.max(fitted[0], atLast[0])).toBeLessThan(Math.min(fitted[1], atLast[1]));
  expect(Math.max(fitted[2], atLast[2])).toBeLessThan(Math.min(fitted[3], atLast[3]));
  await page.getByTestId('same-axes').check();
  await scrubTo(page, 2);
}

/** Whether the read-out's image canvas holds a picture (more than a few colours). */
const imageDrawn = (page: Page, testId: string) =>
  page.getByTestId(testId).evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return colours.size;
  });

async function pointReadout(page: Page): Promise<void> {
  const scatter = page.getByTestId('scatter-mfw-test');
  const tooltip = page.getByTestId('scatter-mfw-test-tooltip');
  await scatter.focus();
  await expect(tooltip).toBeVisible();
  await expect(tooltip).toContainText(/✓ predicted correctly|✗ predicted as/);
  await expect(tooltip).toContainText(/test image \d+/);
  expect(await imageDrawn(page, 'scatter-mfw-test-tooltip-image')).toBeGreaterThan(20);
  const first = await tooltip.innerText();
  // The arrows walk from point to point (and do not move the epoch scrubber).
  const moved = async () => {
    for (const key of ['ArrowRight', 'ArrowUp', 'ArrowLeft', 'ArrowDown']) {
      await page.keyboard.press(key);
      if ((await tooltip.innerText()) !== first) return true;
    }
    return false;
  };
  expect(await moved()).toBe(true);
  await expect(page.getByTestId('shown-epoch')).toHaveText('2');

  // Hover: the pointer on the highlighted point brings the same kind of read-out back.
  const ring = await page.getByTestId('scatter-mfw-test-highlight').boundingBox();
  await page.keyboard.press('Escape');
  await expect(tooltip).toHaveCount(0);
  await page.mouse.move(ring!.x + ring!.width / 2, ring!.y + ring!.height / 2);
  await expect(tooltip).toBeVisible();
  expect(await imageDrawn(page, 'scatter-mfw-test-tooltip-image')).toBeGreaterThan(20);
  const box = (await tooltip.boundingBox())!;
  const chart = (await scatter.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(chart.x - 1);
  expect(box.x + box.width).toBeLessThanOrEqual(chart.x + chart.width + 1);
  await page.mouse.move(0, 0);
  await expect(tooltip).toHaveCount(0);
}

async function curveReadout(page: Page): Promise<void> {
  const chart = page.getByTestId('accuracy-curves-test');
  await chart.scrollIntoViewIfNeeded();
  const plot = (await chart.locator('rect[fill="transparent"]').boundingBox())!;
  await page.mouse.move(plot.x + plot.width - 2, plot.y + plot.height / 2);
  const readout = page.getByTestId('accuracy-curves-test-tooltip');
  await expect(readout).toContainText('epoch 2');
  await expect(readout.locator('.ip-tooltip-row')).toHaveCount(8);
  await page.mouse.move(plot.x + 2, plot.y + plot.height / 2);
  await expect(readout).toContainText('epoch 1');
  await page.mouse.move(0, 0);
  await expect(readout).toHaveCount(0);
}

/** Bounding boxes of everything drawn in an exported SVG, checked inside its own canvas in a fresh page. */
async function svgProblems(page: Page, svg: string): Promise<{ size: number[]; outside: string[]; images: number; paths: number }> {
  const viewer = await page.context().newPage();
  await viewer.setContent(`<body style="margin:0">${svg}</body>`);
  const result = await viewer.evaluate(() => {
    const root = document.querySelector('svg')!;
    const { width, height } = root.getBoundingClientRect();
    const outside: string[] = [];
    for (const element of root.querySelectorAll<SVGGraphicsElement>('text, path, line, circle, rect, polygon')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.left < -0.5 || box.top < -0.5 || box.right > width + 0.5 || box.bottom > height + 0.5) {
        outside.push(`${element.tagName} "${element.textContent?.slice(0, 30) ?? ''}" at ${[box.left, box.top, box.right, box.bottom].map(Math.round)}`);
      }
    }
    return { size: [width, height], outside, images: root.querySelectorAll('image').length, paths: root.querySelectorAll('path').length };
  });
  await viewer.close();
  return result;
}

/** Rows and columns of non-white pixels nearest each edge of an exported PNG (its margin). */
async function pngMargins(page: Page, png: Buffer): Promise<{ top: number; left: number; bottom: number; right: number; inked: number }> {
  const viewer = await page.context().newPage();
  const margins = await viewer.evaluate(async (dataUrl) => {
    const image = new Image();
    image.src = dataUrl;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext('2d')!;
    context.drawImage(image, 0, 0);
    const { data } = context.getImageData(0, 0, image.width, image.height);
    let [top, left, bottom, right, inked] = [Infinity, Infinity, Infinity, Infinity, 0];
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        const i = 4 * (y * image.width + x);
        if (data[i] > 245 && data[i + 1] > 245 && data[i + 2] > 245) continue;
        inked++;
        top = Math.min(top, y);
        left = Math.min(left, x);
        bottom = Math.min(bottom, image.height - 1 - y);
        right = Math.min(right, image.width - 1 - x);
      }
    }
    return { top, left, bottom, right, inked };
  }, `data:image/png;base64,${png.toString('base64')}`);
  await viewer.close();
  return margins;
}

async function unclippedExports(page: Page): Promise<void> {
  await scrubTo(page, 1);
  for (const chart of ['scatter-mfw-test', 'accuracy-test', 'ratio', 'confusion-erm']) {
    const svg = await downloadOf(page, () => page.getByTestId(`export-svg-${chart}`).click());
    expect(svg.name).toBe(`${chart}-epoch1.svg`);
    const checked = await svgProblems(page, svg.bytes.toString('utf8'));
    expect(checked.outside, `${chart}: drawn outside the SVG`).toEqual([]);
    expect(checked.images, `${chart}: no embedded raster`).toBe(0);
    if (chart.startsWith('scatter')) expect(checked.paths, 'regions and points as paths').toBeGreaterThan(4);

    const png = await downloadOf(page, () => page.getByTestId(`export-png-${chart}`).click());
    expect(png.name).toBe(`${chart}-epoch1.png`);
    const margins = await pngMargins(page, png.bytes);
    expect(margins.inked).toBeGreaterThan(1000);
    // PNGs are drawn at twice the CSS size: the margin is at least EXPORT_MARGIN CSS pixels less a pixel of anti-aliasing.
    for (const side of ['top', 'left', 'bottom', 'right'] as const) expect(margins[side], `${chart} PNG ${side} margin`).toBeGreaterThanOrEqual(2 * (EXPORT_MARGIN - 1));
  }
  await scrubTo(page, 2);
}

async function featuresExport(page: Page, config: ExperimentConfig): Promise<void> {
  const trainPoints = Math.min(config.trainFeatureSample, config.trainCounts.reduce((a, b) => a + b, 0));
  const testPoints = config.classes.length * config.testPerClass;
  const csv = await downloadOf(page, () => page.getByTestId('export-features-csv').click());
  expect(csv.name).toBe('imbalance-playground-epoch2-features.csv');
  const rows = csv.bytes.toString('utf8').trim().split('\n');
  expect(rows[0]).toBe(FEATURE_CSV_COLUMNS.join(','));
  expect(rows).toHaveLength(1 + 2 * (trainPoints + testPoints));
  const json = JSON.parse((await downloadOf(page, () => page.getByTestId('export-features-json').click())).bytes.toString('utf8'));
  expect(json.epoch).toBe(2);
  expect(json.runs.mfw.test.label).toHaveLength(testPoints);
  expect(json.runs.erm.train.prediction).toHaveLength(trainPoints);
  // The predictions agree with the misclassified count the plot shows.
  const wrong = json.runs.mfw.test.label.filter((label: number, i: number) => label !== json.runs.mfw.test.prediction[i]).length;
  await expect(page.getByTestId('scatter-mfw-test')).toHaveAttribute('data-misclassified', String(wrong));
}

/** Visible text smaller than the given size, HTML and SVG alike. */
const smallText = (page: Page, minimum: number) =>
  page.evaluate((min) => {
    const small: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement;
      if (!element || !node.textContent?.trim() || element.closest('[hidden], .sr-only')) continue;
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || getComputedStyle(element).visibility === 'hidden') continue;
      const size = parseFloat(getComputedStyle(element).fontSize);
      if (size < min) small.push(`${size}px "${node.textContent.trim().slice(0, 40)}"`);
    }
    return small;
  }, minimum);

async function presentation(page: Page): Promise<void> {
  const shot = async (name: string) => {
    await page.getByTestId('feature-space').evaluate((section) => section.scrollIntoView());
    await page.screenshot({ path: test.info().outputPath(`${name}.png`) });
  };
  await shot('scatter-1280');
  await page.keyboard.press('p');
  await expect(page.getByTestId('presentation-toggle')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('.sidebar')).toBeHidden();
  // "What is MFW?" stays one press away (the header's button scrolls to the explainer).
  await expect(page.getByTestId('mfw-explainer')).toHaveCount(1);
  await expect(page.getByTestId('what-is-mfw')).toBeVisible();
  await expect(page.getByTestId('confusion-pair')).toHaveCount(0);
  await expect(page.getByTestId('curve-gradient-norm')).toBeVisible();
  const main = (await page.locator('.main').boundingBox())!;
  expect(main.width).toBeGreaterThan(1200);
  expect(await smallText(page, 14)).toEqual([]);
  await shot('present-1280');
  await page.setViewportSize({ width: 1920, height: 1080 });
  expect(await smallText(page, 14)).toEqual([]);
  await shot('present-1920');
  await page.getByTestId('presentation-toggle').click();
  await expect(page.locator('.sidebar')).toBeVisible();
  await shot('scatter-1920');
  await page.setViewportSize({ width: 1280, height: 720 });
}
