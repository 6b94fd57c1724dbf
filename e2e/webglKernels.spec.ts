/**
 * The engine's WebGL kernels in a real Chromium (WebGL 2 on SwiftShader here): each equals the stock
 * tfjs composition within 1e-5, forward and every gradient, and repeats bit for bit. The checks run
 * in the page (webglKernels.harness.ts, bundled here by esbuild); Node has no WebGL.
 */
import { expect, test } from '@playwright/test';
import { build } from 'esbuild';
import type { ConvCheck } from './webglKernels.harness.ts';
import { watchConsole } from './helpers.ts';

test('WebGL: the two-pass filter gradient and the convolution op equal tfjs’s conv2d and its gradients', async ({ page }) => {
  const console = watchConsole(page);
  const bundle = await build({ entryPoints: ['e2e/webglKernels.harness.ts'], bundle: true, write: false, format: 'iife', platform: 'browser', logLevel: 'warning' });
  await page.goto('about:blank');
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
  const results = await page.evaluate(() => (window as unknown as { webGlConvChecks: () => Promise<ConvCheck[]> }).webGlConvChecks());
  expect(results).toHaveLength(3);
  for (const r of results) {
    ['output', 'dx', 'dW', 'dW (chunked)'].forEach((name, i) => {
      expect(r.webgl[i], `${r.label}: ${name} vs stock on webgl`).toBeLessThan(1e-5);
      expect(r.cpu[i], `${r.label}: ${name} vs stock on cpu`).toBeLessThan(1e-5);
    });
    expect(r.repeatable, `${r.label}: the same bits twice`).toBe(true);
  }
  console.check();
});
