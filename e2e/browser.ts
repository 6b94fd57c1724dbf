/** How the e2e suite launches Chromium (playwright.config.ts); specs that need more flags extend it. */
import type { LaunchOptions } from '@playwright/test';
import { existsSync } from 'node:fs';

// Prefer the system Chromium (Debian's package; Playwright cannot download browsers here) and fall
// back to Playwright's own browser on a laptop where `npx playwright install chromium` was run.
const systemChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

// No `--use-angle=vulkan` with lavapipe: headless Chromium 156 then offers no WebGL context at all
// (checked), so WebGL runs on ANGLE's SwiftShader and WebGPU on Dawn's SwiftShader fallback adapter.
export const LAUNCH_OPTIONS = {
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
} satisfies LaunchOptions;

/** The suite's launch options with extra Chromium flags (a spec's `test.use` replaces them whole). */
export function launchOptionsWith(...args: string[]): LaunchOptions {
  return { ...LAUNCH_OPTIONS, args: [...LAUNCH_OPTIONS.args, ...args] };
}
