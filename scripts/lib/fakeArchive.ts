/**
 * Small archives in the official cifar-10-binary.tar.gz format, for tests: real tar headers and
 * gzip, records of 1 label + 3072 CHW bytes, only fewer records per batch. Pixels encode where a
 * record came from (R = record index mod 256, G = batch 0–4 or 5 for test, B = pixel index mod 256),
 * so tests can check the CHW → NHWC conversion and the archive order.
 */
import { gzipSync } from 'node:zlib';
import { ARCHIVE_DIR, META_FILE, NUM_CLASSES, RECORD_BYTES, TEST_BATCH_FILE, TRAIN_BATCH_FILES } from '../../src/data/format.ts';
import { CIFAR10_CLASS_NAMES } from '../../src/config/experiment.ts';

const PIXELS = 1024;

/** Label of record r: every class equally often. */
export function fakeLabel(record: number): number {
  return record % NUM_CLASSES;
}

export function fakeBatch(records: number, batch: number): Uint8Array {
  const data = new Uint8Array(records * RECORD_BYTES);
  for (let r = 0; r < records; r++) {
    const start = r * RECORD_BYTES;
    data[start] = fakeLabel(r);
    data.fill(r & 255, start + 1, start + 1 + PIXELS);
    data.fill(batch, start + 1 + PIXELS, start + 1 + 2 * PIXELS);
    for (let p = 0; p < PIXELS; p++) data[start + 1 + 2 * PIXELS + p] = p & 255;
  }
  return data;
}

export interface TarFile {
  name: string;
  data: Uint8Array | null; // null: a directory
}

function tarHeader(name: string, size: number, type: string): Uint8Array {
  const header = new Uint8Array(512);
  const put = (text: string, offset: number) => header.set(new TextEncoder().encode(text), offset);
  put(name, 0);
  put('0000644\0', 100);
  put('0000000\0', 108);
  put('0000000\0', 116);
  put(`${size.toString(8).padStart(11, '0')}\0`, 124);
  put(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136);
  put('        ', 148);
  put(type, 156);
  put('ustar\0', 257);
  put('00', 263);
  const sum = header.reduce((a, b) => a + b, 0);
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return header;
}

export function tar(files: TarFile[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const file of files) {
    const size = file.data?.length ?? 0;
    blocks.push(tarHeader(file.name, size, file.data ? '0' : '5'));
    if (file.data) blocks.push(file.data, new Uint8Array((512 - (size % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  return Buffer.concat(blocks);
}

export interface FakeArchiveOptions {
  recordsPerBatch: number;
  /** Change a file's bytes (or drop it with null) before packing. */
  edit?: (name: string, data: Uint8Array) => Uint8Array | null;
}

/** The archive's files in a scrambled tar order, like the real one's. */
export function fakeArchiveFiles({ recordsPerBatch, edit }: FakeArchiveOptions): TarFile[] {
  const contents = new Map<string, Uint8Array>([
    [TRAIN_BATCH_FILES[3], fakeBatch(recordsPerBatch, 3)],
    [TRAIN_BATCH_FILES[4], fakeBatch(recordsPerBatch, 4)],
    [TRAIN_BATCH_FILES[1], fakeBatch(recordsPerBatch, 1)],
    [META_FILE, new TextEncoder().encode(`${CIFAR10_CLASS_NAMES.join('\n')}\n\n`)],
    [TRAIN_BATCH_FILES[0], fakeBatch(recordsPerBatch, 0)],
    [TRAIN_BATCH_FILES[2], fakeBatch(recordsPerBatch, 2)],
    [TEST_BATCH_FILE, fakeBatch(recordsPerBatch, 5)],
  ]);
  const files: TarFile[] = [{ name: `${ARCHIVE_DIR}/`, data: null }];
  for (const [name, data] of contents) {
    const edited = edit ? edit(name, data) : data;
    if (edited) files.push({ name, data: edited });
  }
  return files;
}

export function fakeArchive(options: FakeArchiveOptions): Buffer {
  return gzipSync(tar(fakeArchiveFiles(options)), { level: 1 });
}
