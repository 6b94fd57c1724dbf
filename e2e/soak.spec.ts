/**
 * A soak: many tiny epochs through the real worker, one "Step 1 epoch" at a time, with memory
 * read after each (garbage collected first): the worker's live tensors and their bytes must not
 * change at all, its GPU memory and JS heap must stay flat within a bound, and the page's heap
 * may grow only by the snapshot history (snapshotPayloadBytes per epoch, src/core/snapshot.ts).
 *
 * CI runs SOAK_EPOCHS (default 12) on WebGL with ERM and MFW; the long version is `npm run soak`
 * (100 epochs), or e.g. `SOAK_EPOCHS=200 SOAK_BACKEND=webgpu SOAK_METHODS=erm,mfw,drw,ldam-drw,la,remix-drw
 * npm run soak`. Figures are printed for the report.
 */
import { expect, test, type CDPSession, type Page } from '@playwright/test';
import { snapshotPayloadBytes } from '../src/core/snapshot.ts';
import { launchOptionsWith } from './browser.ts';
import { trainingWorker } from './faultInjection.ts';
import { search, tinyConfig, waitForStatus, watchConsole } from './helpers.ts';

const EPOCHS = Number(process.env.SOAK_EPOCHS ?? 12);
const BACKEND = (process.env.SOAK_BACKEND ?? 'webgl') as 'webgl' | 'webgpu';
/** The lanes, e.g. SOAK_METHODS=erm,mfw,drw,ldam-drw,la,remix-drw for the lab's six. */
const METHODS = (process.env.SOAK_METHODS ?? 'erm,mfw').split(',');
/** Epochs before the readings count: shader compilation, texture pools and JIT settle. */
const WARM_UP = 3;
/** The worker's JS objects may move by this much after the warm-up. */
const WORKER_HEAP_BOUND = 1_000_000;
/**
 * Its ArrayBuffer backing stores by this much: buffers of posted and saved states and read-backs are
 * freed lazily after a collection, so a reading finds them there or not (seen: two levels 5 MB apart).
 */
const WORKER_BUFFERS_BOUND = 8_000_000;
/** GPU memory tfjs holds (live and pooled) may move by this much after the warm-up. */
const GPU_BYTES_BOUND = 256 * 1024;
/**
 * Page heap per epoch and lane beyond the snapshot payload: the views' per-epoch elements (curve markers
 * and path data, React state), independent of the data's size. Seen: 62–75 KB an epoch for two lanes
 * (each chart draws its markers as one path per series, since one element per epoch and series made it
 * 117 KB); 122 KB for the lab's six lanes, whose comparison curves add a series per lane and class.
 */
const PAGE_OVERHEAD_PER_EPOCH_AND_LANE = 48 * 1024;

test.use({ launchOptions: launchOptionsWith('--js-flags=--expose-gc') });
test.setTimeout((10 + EPOCHS * (BACKEND === 'webgpu' ? 1 : 0.25)) * 60_000);

interface Reading {
  epoch: number;
  tensors: number;
  tensorBytes: number;
  gpuBytes: number;
  workerHeap: number;
  workerBuffers: number;
  pageHeap: number;
}

type HeapUsage = { usedSize: number; backingStorageSize?: number };

/** Heap in use (JS objects; ArrayBuffer backing stores apart) of the page or, through the page's session, of a worker target. */
async function heapUsage(cdp: CDPSession, workerSession?: string): Promise<HeapUsage> {
  if (!workerSession) return (await cdp.send('Runtime.getHeapUsage')) as HeapUsage;
  const id = Math.floor(Math.random() * 1e9);
  const reply = new Promise<HeapUsage>((resolve) => {
    const onMessage = (event: { sessionId: string; message: string }) => {
      const message = JSON.parse(event.message);
      if (event.sessionId !== workerSession || message.id !== id) return;
      cdp.off('Target.receivedMessageFromTarget', onMessage);
      resolve(message.result);
    };
    cdp.on('Target.receivedMessageFromTarget', onMessage);
  });
  await cdp.send('Target.sendMessageToTarget', { sessionId: workerSession, message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }) });
  return reply;
}

async function read(page: Page, cdp: CDPSession, workerSession: string, epoch: number): Promise<Reading> {
  const worker = await trainingWorker(page);
  const engine = await worker.evaluate(() => {
    (self as unknown as { gc: () => void }).gc();
    const memory = (self as unknown as { _tfengine: { memory: () => Record<string, number> } })._tfengine.memory();
    // WebGL: textures tfjs holds (live and pooled); WebGPU: buffers it holds (live and pooled).
    return { tensors: memory.numTensors, tensorBytes: memory.numBytes, gpuBytes: memory.numBytesInGPUAllocated ?? memory.numBytesAllocatedInGPU ?? 0 };
  });
  await page.evaluate(() => (window as unknown as { gc: () => void }).gc());
  const workerUsage = await heapUsage(cdp, workerSession);
  const pageUsage = await heapUsage(cdp);
  return {
    epoch,
    ...engine,
    workerHeap: workerUsage.usedSize,
    workerBuffers: workerUsage.backingStorageSize ?? 0,
    pageHeap: pageUsage.usedSize + (pageUsage.backingStorageSize ?? 0),
  };
}

test(`soak: ${EPOCHS} epochs of ${METHODS.length} lanes on ${BACKEND}, memory flat but for the history`, async ({ page }) => {
  const console = watchConsole(page);
  const config = tinyConfig({ trainCounts: [4, 4, 2, 2], batchSize: 12, testPerClass: 10, epochs: EPOCHS, backend: BACKEND, methods: METHODS });
  await page.goto(`./${search(config)}`);
  await waitForStatus(page, 'ready', 3 * 60_000);

  const cdp = await page.context().newCDPSession(page);
  const { targetInfos } = await cdp.send('Target.getTargets');
  const target = targetInfos.find((t) => t.type === 'worker' && t.url.includes('training.worker'))!;
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });

  const readings: Reading[] = [];
  const started = Date.now();
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    await page.getByTestId('step-epoch').click();
    await waitForStatus(page, epoch === EPOCHS ? 'finished' : 'paused', 10 * 60_000);
    await expect(page.getByTestId('shown-epoch')).toHaveText(String(epoch));
    readings.push(await read(page, cdp, sessionId, epoch));
  }
  const seconds = (Date.now() - started) / 1000;
  for (const r of readings) process.stdout.write(`[soak] ${JSON.stringify(r)}\n`);

  const settled = readings.filter((r) => r.epoch > WARM_UP);
  const spread = (pick: (r: Reading) => number) => Math.max(...settled.map(pick)) - Math.min(...settled.map(pick));
  const first = settled[0];
  const last = settled.at(-1)!;
  const snapshotBytes = snapshotPayloadBytes(Math.min(config.trainFeatureSample, 12), 4 * config.testPerClass, 4, config.methods.length);
  const pagePerEpoch = (last.pageHeap - first.pageHeap) / (last.epoch - first.epoch);
  const summary = {
    epochs: EPOCHS,
    backend: BACKEND,
    lanes: METHODS.length,
    secondsPerEpoch: +(seconds / EPOCHS).toFixed(2),
    tensors: last.tensors,
    tensorsSpread: spread((r) => r.tensors),
    tensorBytesSpread: spread((r) => r.tensorBytes),
    gpuBytesSpread: spread((r) => r.gpuBytes),
    workerHeapSpread: spread((r) => r.workerHeap),
    workerBuffersSpread: spread((r) => r.workerBuffers),
    pageHeapPerEpoch: Math.round(pagePerEpoch),
    snapshotPayloadPerEpoch: snapshotBytes,
  };
  process.stdout.write(`[soak] summary ${JSON.stringify(summary)}\n`);
  test.info().annotations.push({ type: 'soak', description: JSON.stringify(summary) });

  // Every epoch ends with exactly the same tensors alive, holding exactly the same bytes.
  expect(new Set(readings.map((r) => r.tensors)).size, 'tensors alive after each epoch').toBe(1);
  expect(new Set(readings.map((r) => r.tensorBytes)).size, 'tensor bytes after each epoch').toBe(1);
  expect(summary.gpuBytesSpread, 'GPU memory held by tfjs after the warm-up').toBeLessThanOrEqual(GPU_BYTES_BOUND);
  expect(summary.workerHeapSpread, 'worker JS heap after the warm-up').toBeLessThanOrEqual(WORKER_HEAP_BOUND);
  expect(summary.workerBuffersSpread, 'worker ArrayBuffers after the warm-up').toBeLessThanOrEqual(WORKER_BUFFERS_BOUND);
  expect(pagePerEpoch, 'page heap growth per epoch').toBeLessThanOrEqual(snapshotBytes + METHODS.length * PAGE_OVERHEAD_PER_EPOCH_AND_LANE);
  console.check();
});
