import { defineConfig } from '@playwright/test';
import { LAUNCH_OPTIONS } from './e2e/browser.ts';
import { PREVIEW_PORT, PREVIEW_URL, SUBPATH, SUBPATH_PORT, SUBPATH_URL } from './e2e/urls.ts';

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
    launchOptions: LAUNCH_OPTIONS,
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
