/**
 * Fault injection for the e2e specs, through real mechanisms only and with no hook in the app:
 * the training worker is reached through Playwright's worker handle, where tfjs keeps its engine
 * on the global scope (`_tfengine`); storage quota through the DevTools protocol.
 */
import { expect, type Page, type Worker } from '@playwright/test';

/** The page's training worker (the newest one: a restarted worker replaces the old). */
export async function trainingWorker(page: Page): Promise<Worker> {
  await expect.poll(() => page.workers().some((w) => w.url().includes('training.worker'))).toBe(true);
  return page.workers().filter((w) => w.url().includes('training.worker')).at(-1)!;
}

/** Ends the worker from inside, as the browser ending it would: no error event reaches the page. */
export async function terminateWorker(worker: Worker): Promise<void> {
  await worker.evaluate(() => self.close()).catch(() => undefined); // the worker may be gone before replying
}

/** Destroys the WebGPU device tfjs trains on: the device's `lost` promise resolves, as after a driver reset. */
export async function destroyGpuDevice(worker: Worker): Promise<void> {
  await worker.evaluate(() => {
    const engine = (self as unknown as { _tfengine: { backendName: string; backend: { device: GPUDevice } } })._tfengine;
    if (engine.backendName !== 'webgpu') throw new Error(`destroyGpuDevice: the backend is ${engine.backendName}`);
    engine.backend.device.destroy();
  });
}

/** Sets the MFW run's classifier bias (its last trainable variable) to NaN: its loss becomes NaN at the next step. */
export async function poisonMfwWeights(worker: Worker): Promise<void> {
  await worker.evaluate(() => {
    type Variable = { trainable: boolean; size: number; shape: number[]; assign: (t: unknown) => void };
    const engine = (self as unknown as {
      _tfengine: { registeredVariables: Record<string, Variable>; makeTensor: (v: Float32Array, s: number[], d: string) => unknown };
    })._tfengine;
    // ERM's variables are created first, then MFW's: the last trainable one is MFW's classifier bias.
    const bias = Object.values(engine.registeredVariables).filter((v) => v.trainable).at(-1)!;
    bias.assign(engine.makeTensor(new Float32Array(bias.size).fill(Number.NaN), bias.shape, 'float32'));
  });
}

/**
 * Emulates a smaller GPU: tfjs's WebGL backend refuses textures above its maximum size, which it
 * reads from the device; lowering it makes a large batch exceed the device as on a weak GPU.
 */
export async function limitWebGlTextureSize(worker: Worker, size: number): Promise<void> {
  await worker.evaluate((limit) => {
    const engine = (self as unknown as { _tfengine: { backendName: string; ENV: { set: (k: string, v: number) => void } } })._tfengine;
    if (engine.backendName !== 'webgl') throw new Error(`limitWebGlTextureSize: the backend is ${engine.backendName}`);
    engine.ENV.set('WEBGL_MAX_TEXTURE_SIZE', limit);
  }, size);
}

/** Fills the origin's storage quota: every Cache API and IndexedDB write then fails with QuotaExceededError. */
export async function fillStorageQuota(page: Page, origin: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1 });
}

/** Freezes the page (and its workers) as Chrome does to a hidden background tab, then thaws it. */
export async function freezeAndThaw(page: Page, frozenMs: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
  await new Promise((resolve) => setTimeout(resolve, frozenMs));
  await cdp.send('Page.setWebLifecycleState', { state: 'active' });
}

/** Every request of the page and its workers, for checking that none leaves the page's origin. */
export function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.context().on('request', (request) => urls.push(request.url()));
  return urls;
}

/** Requests to other origins than `origin` (data: and blob: URLs are the page's own). */
export function foreignRequests(urls: readonly string[], origin: string): string[] {
  return urls.filter((url) => !url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin);
}
