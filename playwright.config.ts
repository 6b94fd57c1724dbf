import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

// Prefer the system Chromium (Debian's package; Playwright cannot download browsers here) and fall
// back to Playwright's own browser on a laptop where `npx playwright install chromium` was run.
const systemChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
// Lavapipe makes WebGL about 3× faster than SwiftShader on a CPU-only machine.
const lavapipe = '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json';

export default defineConfig({
  testDir: 'e2e',
  timeout: 15 * 60_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: 'http://127.0.0.1:4173/',
    viewport: { width: 1280, height: 720 },
    acceptDownloads: true,
    launchOptions: {
      executablePath: systemChromium,
      args: [
        '--no-sandbox',
        '--enable-unsafe-webgpu',
        '--enable-features=Vulkan',
        '--use-angle=vulkan',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
      env: existsSync(lavapipe) ? { ...process.env, VK_ICD_FILENAMES: lavapipe } as Record<string, string> : undefined,
    },
  },
  webServer: {
    command: 'npx vite preview --port 4173 --strictPort --host 127.0.0.1',
    url: 'http://127.0.0.1:4173/',
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
