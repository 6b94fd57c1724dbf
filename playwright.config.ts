import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';
import { PREVIEW_PORT, PREVIEW_URL, SUBPATH, SUBPATH_PORT, SUBPATH_URL } from './e2e/urls.ts';

// Prefer the system Chromium (Debian's package; Playwright cannot download browsers here) and fall
// back to Playwright's own browser on a laptop where `npx playwright install chromium` was run.
const systemChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

// No `--use-angle=vulkan` with lavapipe: headless Chromium 156 then offers no WebGL context at all
// (checked), so WebGL runs on ANGLE's SwiftShader and WebGPU on Dawn's SwiftShader fallback adapter.
export default defineConfig({
  testDir: 'e2e',
  timeout: 15 * 60_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: PREVIEW_URL,
    viewport: { width: 1280, height: 720 },
    acceptDownloads: true,
    launchOptions: {
      executablePath: systemChromium,
      args: [
        '--no-sandbox',
        '--enable-unsafe-webgpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: [
    {
      command: `npx vite preview --port ${PREVIEW_PORT} --strictPort --host 127.0.0.1`,
      url: PREVIEW_URL,
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
    },
    {
      // The built folder under a sub-path, served by a plain static server.
      command: `npx tsx e2e/static-server.ts --port ${SUBPATH_PORT} --base ${SUBPATH} --root dist`,
      url: SUBPATH_URL,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
  ],
});
