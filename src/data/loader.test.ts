/**
 * The browser loader and the archive import, run in Node against an in-memory Cache API and a
 * fetch that serves a prepared folder, so caching, verification and drop-in are checked without
 * a browser.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeArchive } from '../../scripts/lib/fakeArchive.ts';
import { prepareData } from '../../scripts/lib/prepare.ts';
import { importArchiveIntoCache } from './archiveImport.ts';
import { DataLoadError } from './errors.ts';
import { TRAIN_BATCH_FILES, RECORD_BYTES } from './format.ts';
import { dataBaseUrl, loadExperimentData, loadManifest, loadSampleImages } from './loader.ts';
import { loadExperimentDataFromDir, PARTIAL_FILE } from './node.ts';
import type { LoadProgress } from './subset.ts';
import { IMAGE_BYTES } from './types.ts';

const RECORDS = 200;
const BASE = 'http://app.test/sub/data/cifar10/';
const REQUEST = { classes: [3, 0, 8, 5], trainCounts: [100, 60, 50, 7], seed: 12 };

/** Enough of CacheStorage/Cache for the loader: one shared store of bodies by key. */
class MemoryCache {
  readonly entries = new Map<string, ArrayBuffer>();
  /** Set to make every write fail as a full browser storage does. */
  full = false;
  async match(key: RequestInfo | URL) {
    const body = this.entries.get(String(key));
    return body ? new Response(body.slice(0)) : undefined;
  }
  async put(key: RequestInfo | URL, response: Response) {
    if (this.full) throw new DOMException('Quota exceeded.', 'QuotaExceededError');
    this.entries.set(String(key), await response.arrayBuffer());
  }
  async delete(key: RequestInfo | URL) {
    return this.entries.delete(String(key));
  }
}

let root: string;
let dataDir: string;
let archiveBytes: Uint8Array;
let cache: MemoryCache;
let server: { online: boolean; hasData: boolean; requests: string[]; tamper: (path: string, body: Uint8Array) => Uint8Array | number };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'loader-'));
  archiveBytes = fakeArchive({ recordsPerBatch: RECORDS });
  const archive = join(root, 'cifar.tar.gz');
  await writeFile(archive, archiveBytes);
  dataDir = join(root, 'cifar10');
  await prepareData({ archive, outDir: dataDir, recordsPerBatch: RECORDS });
});
afterAll(() => rm(root, { recursive: true, force: true }));

beforeEach(() => {
  cache = new MemoryCache();
  server = { online: true, hasData: true, requests: [], tamper: (_, body) => body };
  vi.stubGlobal('caches', { open: async () => cache });
  vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
    const url = String(input);
    if (!server.online) throw new TypeError('Failed to fetch');
    server.requests.push(url);
    if (!url.startsWith(BASE) || !server.hasData) return new Response('not found', { status: 404, statusText: 'Not Found' });
    const path = url.slice(BASE.length);
    const body = await readFile(join(dataDir, path)).catch(() => null);
    if (!body) return new Response('not found', { status: 404, statusText: 'Not Found' });
    const served = server.tamper(path, new Uint8Array(body));
    if (typeof served === 'number') return new Response('', { status: served, statusText: 'Server Error' });
    const type = path.endsWith('.json') ? 'application/json' : 'application/octet-stream';
    return new Response(served as Uint8Array<ArrayBuffer>, { headers: { 'content-type': type } });
  });
});
afterEach(() => vi.unstubAllGlobals());

const chunkRequests = () => server.requests.filter((url) => url.endsWith('.bin'));

describe('loader', () => {
  it('places the data folder under the page base, whatever the sub-path', () => {
    expect(dataBaseUrl('http://app.test/sub/index.html')).toBe(BASE);
    expect(dataBaseUrl('https://host.example/a/b/')).toBe('https://host.example/a/b/data/cifar10/');
  });

  it('finds no data when neither the server nor the cache has any', async () => {
    server.hasData = false;
    expect(await loadManifest(BASE)).toBeNull();
    await expect(loadExperimentData(BASE, REQUEST)).rejects.toThrow(/No CIFAR-10 data at .*npm run data.*drop cifar-10-binary\.tar\.gz/);
  });

  it('loads only the chosen classes\' needed chunks, the same data as from disk, and reports bytes', async () => {
    const progress: LoadProgress[] = [];
    const data = await loadExperimentData(BASE, REQUEST, (p) => progress.push(p));
    const fromDisk = await loadExperimentDataFromDir(dataDir, REQUEST);
    expect(data.trainCounts).toEqual([100, 60, 50, 7]);
    expect(data.train.count).toBe(217);
    expect(data.test.count).toBe(4 * 20);
    expect(Buffer.compare(data.train.images, fromDisk.train.images)).toBe(0);
    expect(Buffer.compare(data.test.images, fromDisk.test.images)).toBe(0);
    expect(Array.from(data.train.labels.subarray(95, 105))).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    // Class 3: both chunks; class 0: both (50 + 10 of the other); class 8: one; class 5: one; 4 test chunks.
    expect(chunkRequests()).toHaveLength(2 + 2 + 1 + 1 + 4);
    expect(chunkRequests().every((url) => /\/(train|test)\/[3058]\//.test(url))).toBe(true);
    expect(progress[0].loadedBytes).toBe(0);
    expect(progress.at(-1)!.loadedBytes).toBe(progress.at(-1)!.totalBytes);
    expect(progress.at(-1)!.totalBytes).toBe(6 * 50 * IMAGE_BYTES + 4 * 20 * IMAGE_BYTES);
  });

  it('testPerClass: the same seeded test subset in the browser and from disk', async () => {
    const request = { ...REQUEST, testPerClass: 5 };
    const data = await loadExperimentData(BASE, request);
    const fromDisk = await loadExperimentDataFromDir(dataDir, request);
    const full = await loadExperimentDataFromDir(dataDir, REQUEST);
    expect(data.test.count).toBe(4 * 5);
    expect(Array.from(data.test.labels)).toEqual([0, 1, 2, 3].flatMap((label) => new Array(5).fill(label)));
    expect(Buffer.compare(data.test.images, fromDisk.test.images)).toBe(0);
    expect(Buffer.compare(data.train.images, full.train.images)).toBe(0);
    // Each test image is one of its class's test images (the fake archive's R channel is the record index).
    for (let c = 0; c < 4; c++) {
      const firsts = (d: typeof data, perClass: number) =>
        Array.from({ length: perClass }, (_, i) => d.test.images[(c * perClass + i) * IMAGE_BYTES]);
      const all = new Set(firsts(full, 20));
      expect(firsts(data, 5).every((r) => all.has(r))).toBe(true);
    }
    expect(Buffer.compare((await loadExperimentData(BASE, request)).test.images, data.test.images)).toBe(0);
  });

  it('from disk, a chunk missing from a partial copy (the GPU bundle\'s) is named with what the copy holds', async () => {
    const partial = join(root, 'partial');
    await mkdir(partial);
    await writeFile(join(partial, 'manifest.json'), await readFile(join(dataDir, 'manifest.json')));
    await expect(loadExperimentDataFromDir(partial, REQUEST)).rejects.toThrow(/partial\/(train|test)\/\d\/\d+\.bin is missing: the prepared data is incomplete; prepare it again \(npm run data\)/);
    await writeFile(join(partial, PARTIAL_FILE), 'This copy holds only classes 0–3.\n');
    await expect(loadExperimentDataFromDir(partial, REQUEST)).rejects.toThrow(/\.bin is missing: This copy holds only classes 0–3\.$/);
  });

  it('a reload downloads no chunk, and works offline from the cache', async () => {
    const first = await loadExperimentData(BASE, REQUEST);
    server.requests = [];
    const second = await loadExperimentData(BASE, REQUEST);
    expect(chunkRequests()).toEqual([]);
    expect(Buffer.compare(first.train.images, second.train.images)).toBe(0);
    server.online = false;
    expect((await loadExperimentData(BASE, REQUEST)).train.count).toBe(217);
  });

  it('names the chunk and the problem: checksum mismatch, truncation, HTTP status', async () => {
    server.tamper = (path, body) => (path.startsWith('train/8/') ? body.map((b, i) => (i === 1000 ? b ^ 1 : b)) : body);
    await expect(loadExperimentData(BASE, REQUEST)).rejects.toThrow(/cifar10\/train\/8\/00\d\.bin: checksum mismatch \(sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\)/);
    cache.entries.clear(); // the good chunks of the failed load were cached
    server.tamper = (path, body) => (path === 'test/5/000.bin' ? body.subarray(0, 1000) : body);
    await expect(loadExperimentData(BASE, REQUEST)).rejects.toThrow(/test\/5\/000\.bin: truncated or wrong size \(1000 bytes, expected 61440\)/);
    cache.entries.clear();
    server.tamper = (path, body) => (path === 'train/5/001.bin' || path === 'train/5/000.bin' ? 503 : body);
    await expect(loadExperimentData(BASE, REQUEST)).rejects.toThrow(/train\/5\/00\d\.bin: HTTP 503 Server Error/);
  });

  it('a chunk damaged in transit is fetched once more, bypassing the HTTP cache, and then used', async () => {
    let damaged = 0;
    const modes: (RequestCache | undefined)[] = [];
    const serve = globalThis.fetch;
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).includes('/train/8/')) modes.push(init?.cache);
      return serve(input, init);
    });
    server.tamper = (path, body) => (path.startsWith('train/8/') && damaged++ === 0 ? body.map((b, i) => (i === 7 ? b ^ 1 : b)) : body);
    const data = await loadExperimentData(BASE, REQUEST);
    const fromDisk = await loadExperimentDataFromDir(dataDir, REQUEST);
    expect(Buffer.compare(data.train.images, fromDisk.train.images)).toBe(0);
    expect(modes).toEqual(['no-store', 'reload']);
    server.requests = [];
    await loadExperimentData(BASE, REQUEST);
    expect(chunkRequests()).toEqual([]); // the good second copy was cached
  });

  it('a chunk damaged twice stops the load with a message naming it, after exactly two requests', async () => {
    server.tamper = (path, body) => (path === 'test/0/000.bin' ? body.map((b, i) => (i === 99 ? b ^ 0x80 : b)) : body);
    const failure = await loadExperimentData(BASE, REQUEST).catch((error: Error) => error);
    expect(failure).toBeInstanceOf(DataLoadError);
    expect((failure as Error).message).toMatch(/^The data chunk test\/0\/000\.bin arrived damaged twice, also when fetched again \(.*checksum mismatch.*\)\. .*npm run data/);
    expect(chunkRequests().filter((url) => url.endsWith('test/0/000.bin'))).toHaveLength(2);
  });

  it('a damaged cached chunk is dropped and fetched again; the cache then holds the good one', async () => {
    await loadExperimentData(BASE, REQUEST);
    const manifest = (await loadManifest(BASE))!;
    const chunk = manifest.chunks.train[5][0];
    const key = [...cache.entries.keys()].find((k) => k.endsWith(chunk.sha256))!;
    const good = cache.entries.get(key)!;
    cache.entries.set(key, new Uint8Array(good.byteLength).buffer); // same size, zeros: only the checksum can tell
    server.requests = [];
    const data = await loadExperimentData(BASE, REQUEST);
    expect(chunkRequests()).toEqual([`${BASE}${chunk.file}`]);
    expect(Buffer.compare(new Uint8Array(cache.entries.get(key)!), new Uint8Array(good))).toBe(0);
    expect(data.train.count).toBe(217);
  });

  it('with the storage full, the data still loads and the listener is told why nothing was cached', async () => {
    cache.full = true;
    const problems: string[] = [];
    const data = await loadExperimentData(BASE, REQUEST, undefined, (problem) => problems.push(problem));
    expect(data.train.count).toBe(217);
    expect(problems.length).toBe(10); // one per chunk written
    expect(new Set(problems)).toEqual(new Set(["the browser's storage for this site is full"]));
    expect(cache.entries.size).toBe(0);
  });

  it('verifies checksums without Web Crypto too (plain-http pages)', async () => {
    vi.stubGlobal('crypto', undefined);
    server.tamper = (path, body) => (path === 'train/3/001.bin' ? body.map((b, i) => (i === 5 ? b ^ 4 : b)) : body);
    await expect(loadExperimentData(BASE, REQUEST)).rejects.toThrow(/train\/3\/001\.bin arrived damaged twice/);
    server.tamper = (_, body) => body;
    expect((await loadExperimentData(BASE, REQUEST)).train.count).toBe(217);
  });

  it('gives the first images of a class as thumbnails', async () => {
    const images = await loadSampleImages(BASE, 3, 3);
    expect(images).toHaveLength(3 * IMAGE_BYTES);
    // The fake archive's R channel is the record index: class 3's first records are 3, 13, 23.
    expect([images[0], images[IMAGE_BYTES], images[2 * IMAGE_BYTES]]).toEqual([3, 13, 23]);
  });
});

describe('archive drop-in', () => {
  it('imports a dropped archive into the cache; the loader then needs no server', async () => {
    server.hasData = false;
    const progress: LoadProgress[] = [];
    const file = new File([archiveBytes as Uint8Array<ArrayBuffer>], 'cifar-10-binary.tar.gz');
    const manifest = await importArchiveIntoCache(file, (p) => progress.push(p), RECORDS);
    expect(progress.at(-1)).toEqual({ loadedBytes: file.size, totalBytes: file.size });
    expect(manifest.source.name).toBe('cifar-10-binary.tar.gz');

    expect((await loadManifest(BASE))?.counts.train).toEqual(new Array(10).fill(100));
    server.requests = [];
    const data = await loadExperimentData(BASE, REQUEST);
    expect(chunkRequests()).toEqual([]);
    const fromDisk = await loadExperimentDataFromDir(dataDir, REQUEST);
    expect(Buffer.compare(data.train.images, fromDisk.train.images)).toBe(0);
  });

  it('rejects a corrupt archive and leaves the cache empty', async () => {
    const bad = fakeArchive({
      recordsPerBatch: RECORDS,
      edit: (name, data) => (name === TRAIN_BATCH_FILES[4] ? data.map((b, i) => (i === 5 * RECORD_BYTES ? 11 : b)) : data),
    });
    const file = new File([bad as Uint8Array<ArrayBuffer>], 'cifar-10-binary.tar.gz');
    await expect(importArchiveIntoCache(file, undefined, RECORDS)).rejects.toThrow(/data_batch_5\.bin: record 5 has label 11/);
    expect(cache.entries.size).toBe(0);
  });

  it('explains a truncated download', async () => {
    const file = new File([archiveBytes.subarray(0, archiveBytes.length >> 1) as Uint8Array<ArrayBuffer>], 'cifar-10-binary.tar.gz');
    await expect(importArchiveIntoCache(file, undefined, RECORDS)).rejects.toThrow(/the archive is truncated|not a valid gzip/);
    expect(cache.entries.size).toBe(0);
  });
});
