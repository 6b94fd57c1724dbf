import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PAPER_SECTION4_COUNTS } from '../src/config/imbalance.ts';
import { META_FILE, RECORD_BYTES, TEST_BATCH_FILE, TRAIN_BATCH_FILES } from '../src/data/format.ts';
import { loadExperimentDataFromDir } from '../src/data/node.ts';
import { planExperiment } from '../src/data/subset.ts';
import { IMAGE_BYTES } from '../src/data/types.ts';
import { ensureData } from './ensure-data.ts';
import { downloadArchive } from './lib/download.ts';
import { fakeArchive, fakeArchiveFiles, fakeLabel, tar, type FakeArchiveOptions } from './lib/fakeArchive.ts';
import { prepareData } from './lib/prepare.ts';

const RECORDS = 200; // 20 per class per batch: 100 training images (2 chunks) and 20 test images per class
let root: string;
let goodArchive: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'prepare-data-'));
  goodArchive = join(root, 'good.tar.gz');
  await writeFile(goodArchive, fakeArchive({ recordsPerBatch: RECORDS }));
});
afterAll(() => rm(root, { recursive: true, force: true }));

async function writeArchive(name: string, bytes: Uint8Array): Promise<string> {
  const path = join(root, name);
  await writeFile(path, bytes);
  return path;
}

/** Everything in `dir`'s parent that a run may have left: the output and any temp folders. */
async function leftovers(outDir: string): Promise<string[]> {
  const parent = join(outDir, '..');
  return existsSync(parent) ? readdir(parent) : [];
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('prepareData on a small archive in the official format', () => {
  let outDir: string;
  beforeAll(() => {
    outDir = join(root, 'good', 'cifar10');
  });

  it('writes per-class NHWC chunks in archive order with checksums and statistics', async () => {
    const result = await prepareData({ archive: goodArchive, outDir, recordsPerBatch: RECORDS });
    expect(result.status).toBe('prepared');
    const { manifest } = result;
    expect(manifest.counts.train).toEqual(new Array(10).fill(100));
    expect(manifest.counts.test).toEqual(new Array(10).fill(20));
    expect(manifest.chunks.train[3].map((c) => [c.file, c.images])).toEqual([['train/3/000.bin', 50], ['train/3/001.bin', 50]]);
    expect(manifest.chunks.test[3].map((c) => [c.file, c.images])).toEqual([['test/3/000.bin', 20]]);
    expect(manifest.classNames[3]).toBe('cat');
    expect(manifest.source.sha256).toBe(sha256(await readFile(goodArchive)));

    for (const chunk of [...manifest.chunks.train.flat(), ...manifest.chunks.test.flat()]) {
      const bytes = await readFile(join(outDir, chunk.file));
      expect(bytes.length).toBe(chunk.bytes);
      expect(sha256(bytes)).toBe(chunk.sha256);
    }

    // Class 3's k-th training image is batch ⌊k/20⌋'s (k mod 20)-th record of class 3: records 3, 13, 23, …
    const classThree = Buffer.concat(await Promise.all(manifest.chunks.train[3].map((c) => readFile(join(outDir, c.file)))));
    for (let k = 0; k < 100; k++) {
      const image = classThree.subarray(k * IMAGE_BYTES, (k + 1) * IMAGE_BYTES);
      const record = 3 + 10 * (k % 20);
      expect([image[0], image[1], image[2]]).toEqual([record & 255, Math.floor(k / 20), 0]);
      expect([image[3 * 77], image[3 * 77 + 1], image[3 * 77 + 2]]).toEqual([record & 255, Math.floor(k / 20), 77]);
    }
    const testImage = await readFile(join(outDir, manifest.chunks.test[3][0].file));
    expect([testImage[3 * 5], testImage[3 * 5 + 1], testImage[3 * 5 + 2]]).toEqual([3, 5, 5]);

    // G is the batch number 0–4, uniformly: mean 2, variance 2 (in 0–255 units).
    expect(manifest.trainMean[1] * 255).toBeCloseTo(2, 10);
    expect(manifest.trainStd[1] * 255).toBeCloseTo(Math.SQRT2, 10);
    expect(manifest.trainMean[2] * 255).toBeCloseTo(127.5, 10);
    expect(await leftovers(outDir)).toEqual(['cifar10']);
  });

  it('does nothing on a second run with the same archive, even a copy with another time stamp', async () => {
    const before = await stat(join(outDir, 'manifest.json'));
    expect((await prepareData({ archive: goodArchive, outDir, recordsPerBatch: RECORDS })).status).toBe('up to date');
    const copy = join(root, 'copy.tar.gz');
    await copyFile(goodArchive, copy);
    expect((await prepareData({ archive: copy, outDir, recordsPerBatch: RECORDS })).status).toBe('up to date');
    expect((await stat(join(outDir, 'manifest.json'))).mtimeMs).toBe(before.mtimeMs);
  });

  it('prepares again when a chunk is missing', async () => {
    await rm(join(outDir, 'train/7/001.bin'));
    expect((await prepareData({ archive: goodArchive, outDir, recordsPerBatch: RECORDS })).status).toBe('prepared');
    expect(existsSync(join(outDir, 'train/7/001.bin'))).toBe(true);
  });

  it('keeps the earlier output when a new archive is rejected', async () => {
    const before = await readFile(join(outDir, 'manifest.json'), 'utf8');
    const bad = await writeArchive('bad-for-existing.tar.gz', fakeArchive({ recordsPerBatch: RECORDS, edit: (name, data) => (name === TEST_BATCH_FILE ? null : data) }));
    await expect(prepareData({ archive: bad, outDir, recordsPerBatch: RECORDS })).rejects.toThrow(/test_batch\.bin/);
    expect(await readFile(join(outDir, 'manifest.json'), 'utf8')).toBe(before);
    expect(await leftovers(outDir)).toEqual(['cifar10']);
  });
});

/** A copy of `data` with record `record`'s label set to `label`. */
function relabel(data: Uint8Array, record: number, label: number): Uint8Array {
  const copy = data.slice();
  copy[record * RECORD_BYTES] = label;
  return copy;
}

const editing = (file: string, change: (data: Uint8Array) => Uint8Array | null): FakeArchiveOptions => ({
  recordsPerBatch: RECORDS,
  edit: (name, data) => (name === file ? change(data) : data),
});

describe('prepareData rejects broken archives, naming the file and the problem, and leaves nothing behind', () => {
  const good = () => fakeArchive({ recordsPerBatch: RECORDS });
  const tarBytes = () => tar(fakeArchiveFiles({ recordsPerBatch: RECORDS }));
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['truncated gzip', () => { const gz = good(); return gz.subarray(0, gz.length >> 1); }, /the archive is truncated \(gzip: /],
    ['not gzip at all', () => new TextEncoder().encode('<html>Not found</html>'), /not a valid gzip file/],
    ['tar cut inside a batch file', () => gzipSync(tarBytes().subarray(0, 512 * 4 + 1000)), /ends inside cifar-10-batches-bin\/data_batch_4\.bin \(read \d+ of 614600 bytes\)/],
    ['corrupt tar header', () => gzipSync(tarBytes().map((b, i) => (i === 512 + 3 ? b ^ 1 : b))), /corrupt tar header at byte 512/],
    ['record size off by one byte', () => fakeArchive(editing(TRAIN_BATCH_FILES[1], (d) => d.subarray(0, d.length - 1))), /data_batch_2\.bin: 614599 bytes \(not a whole number of 3073-byte records\), expected 614600/],
    ['one record missing', () => fakeArchive(editing(TRAIN_BATCH_FILES[1], (d) => d.subarray(0, d.length - RECORD_BYTES))), /data_batch_2\.bin: 611527 bytes \(199 records\)/],
    ['label 11', () => fakeArchive(editing(TRAIN_BATCH_FILES[2], (d) => relabel(d, 7, 11))), /data_batch_3\.bin: record 7 has label 11, expected 0–9/],
    ['missing batch file', () => fakeArchive(editing(TRAIN_BATCH_FILES[4], () => null)), /has no cifar-10-batches-bin\/data_batch_5\.bin/],
    ['missing class names', () => fakeArchive(editing(META_FILE, () => null)), /has no cifar-10-batches-bin\/batches\.meta\.txt/],
    ['wrong training count per class', () => fakeArchive(editing(TRAIN_BATCH_FILES[0], (d) => relabel(d, 3, fakeLabel(4)))), /data_batch_1\.bin … data_batch_5\.bin: class 3 \(cat\) has 99 training images, expected 100/],
    ['wrong test count per class', () => fakeArchive(editing(TEST_BATCH_FILE, (d) => relabel(d, 0, 1))), /test_batch\.bin: class 0 \(airplane\) has 19 test images, expected 20/],
  ];

  it.each(cases)('%s', async (name, bytes, message) => {
    const archive = await writeArchive(`${name.replaceAll(' ', '-')}.tar.gz`, bytes());
    const outDir = join(root, name.replaceAll(' ', '-'), 'cifar10');
    const run = prepareData({ archive, outDir, recordsPerBatch: RECORDS });
    await expect(run).rejects.toThrow(message);
    await expect(run).rejects.toThrow(archive);
    expect(await leftovers(outDir)).toEqual([]);
  });

  it('a missing archive file', async () => {
    await expect(prepareData({ archive: join(root, 'nope.tar.gz'), outDir: join(root, 'nope', 'cifar10') })).rejects.toThrow(/nope\.tar\.gz: no such file/);
  });

  it('npm run data exits non-zero with the message', async () => {
    const archive = await writeArchive('cli-bad.tar.gz', fakeArchive(editing(TRAIN_BATCH_FILES[2], (d) => relabel(d, 7, 11))));
    const run = promisify(execFile)(join('node_modules', '.bin', 'tsx'), ['scripts/prepare-data.ts', '--archive', archive, '--out', join(root, 'cli', 'cifar10')]);
    // The official record count makes the small archive wrong in size, which is the first thing checked.
    await expect(run).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/npm run data: .*cli-bad\.tar\.gz: .*data_batch_\d\.bin: 614600 bytes \(200 records\), expected 30730000/) });
  });
});

describe('getting the archive', () => {
  it('a failed download says how to provide the archive instead', async () => {
    const destination = join(root, 'download', 'cifar-10-binary.tar.gz');
    await expect(downloadArchive(destination, 'http://127.0.0.1:9/cifar-10-binary.tar.gz')).rejects.toThrow(
      /could not download http:\/\/127\.0\.0\.1:9\/cifar-10-binary\.tar\.gz \(.+\)\. .*set CIFAR10_TAR=path/,
    );
    expect(existsSync(`${destination}.part`)).toBe(false);
  });

  it('ensureData reports missing data without an archive, fails when data is required, prepares with one', async () => {
    vi.stubEnv('CIFAR10_TAR', '');
    try {
      const outDir = join(root, 'ensure', 'cifar10');
      expect(await ensureData({ required: false, download: false, outDir })).toBe('missing');
      await expect(ensureData({ required: true, download: false, outDir })).rejects.toThrow(/No prepared CIFAR-10 data/);
      vi.stubEnv('CIFAR10_TAR', join(root, 'absent.tar.gz'));
      await expect(ensureData({ required: false, download: false, outDir })).rejects.toThrow(/absent\.tar\.gz: no such file/);
      vi.stubEnv('CIFAR10_TAR', '');
      await prepareData({ archive: goodArchive, outDir, recordsPerBatch: RECORDS });
      expect(await ensureData({ required: true, download: false, outDir })).toBe('ready');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

const realArchive = process.env.CIFAR10_TAR;

describe('the real archive (CIFAR10_TAR)', () => {
  it.skipIf(!realArchive)('prepares 5000 training and 1000 test images per class; the paper §4 subset loads from disk', async () => {
    const outDir = join(root, 'real', 'cifar10');
    const { manifest } = await prepareData({ archive: realArchive!, outDir });
    expect(manifest.counts.train).toEqual(new Array(10).fill(5000));
    expect(manifest.counts.test).toEqual(new Array(10).fill(1000));
    expect(manifest.classNames).toEqual(['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']);
    manifest.trainMean.forEach((m, c) => expect(m).toBeCloseTo([0.4914, 0.4822, 0.4465][c], 2));

    const request = { classes: [0, 1, 2, 3], trainCounts: PAPER_SECTION4_COUNTS, seed: 1 };
    const data = await loadExperimentDataFromDir(outDir, request);
    expect(data.train.count).toBe(10100);
    expect(data.test.count).toBe(4000);
    expect(data.classNames).toEqual(['airplane', 'automobile', 'bird', 'cat']);
    expect(planExperiment(manifest, request).totalBytes).toBe(43_315_200);
  });
});
