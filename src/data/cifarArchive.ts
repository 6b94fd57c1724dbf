/**
 * Turns the decompressed CIFAR-10 tar stream into per-class chunks and the manifest's contents,
 * validating everything on the way. Pure: it only reads the stream and hands finished chunks to
 * `onChunk`, so the Node script (files) and the browser worker (Cache API) share it.
 */
import { sha256Hex } from './checksum.ts';
import { ArchiveError } from './errors.ts';
import {
  MANIFEST_FORMAT, MANIFEST_VERSION, META_FILE, NUM_CLASSES, OFFICIAL_RECORDS_PER_BATCH, RECORD_BYTES,
  TEST_BATCH_FILE, TEST_CHUNK_IMAGES, TRAIN_BATCH_FILES, TRAIN_CHUNK_IMAGES,
  type ChunkInfo, type DataManifest, type Split,
} from './format.ts';
import { readTar } from './tar.ts';
import { IMAGE_BYTES, IMAGE_CHANNELS, IMAGE_SIZE } from './types.ts';

const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
/** Class totals span all five training batches, so errors about them name the range. */
const TRAIN_FILES_LABEL = `${TRAIN_BATCH_FILES[0]} … data_batch_5.bin`;

export interface PreparedChunk {
  split: Split;
  classId: number;
  info: ChunkInfo;
  bytes: Uint8Array;
}

export interface ConvertOptions {
  /** 10000 in the official archive; tests use small archives of the same format. */
  recordsPerBatch?: number;
  /** Receives each finished chunk (to write it out); awaited before parsing goes on. */
  onChunk: (chunk: PreparedChunk) => Promise<void>;
}

export type ConvertedArchive = Omit<DataManifest, 'source' | 'preparedAt'>;

/** CHW (the archive's planes) → HWC (tfjs's NHWC), one image. */
function chwToHwc(src: Uint8Array, srcStart: number, dst: Uint8Array, dstStart: number): void {
  for (let p = 0; p < PIXELS; p++) {
    const d = dstStart + p * IMAGE_CHANNELS;
    dst[d] = src[srcStart + p];
    dst[d + 1] = src[srcStart + PIXELS + p];
    dst[d + 2] = src[srcStart + 2 * PIXELS + p];
  }
}

/** Collects one split's images per class into fixed-size chunks, keeping the archive's order. */
class SplitChunker {
  readonly chunks: ChunkInfo[][] = Array.from({ length: NUM_CLASSES }, () => []);
  readonly counts: number[] = new Array<number>(NUM_CLASSES).fill(0);
  private readonly open: (Uint8Array | null)[] = new Array<Uint8Array | null>(NUM_CLASSES).fill(null);

  constructor(
    private readonly split: Split,
    private readonly chunkImages: number,
    private readonly onChunk: ConvertOptions['onChunk'],
  ) {}

  async add(classId: number, batch: Uint8Array, imageStart: number): Promise<void> {
    const slot = this.counts[classId] % this.chunkImages;
    const buffer = (this.open[classId] ??= new Uint8Array(this.chunkImages * IMAGE_BYTES));
    chwToHwc(batch, imageStart, buffer, slot * IMAGE_BYTES);
    this.counts[classId]++;
    if (slot + 1 === this.chunkImages) await this.close(classId, this.chunkImages);
  }

  async finish(): Promise<void> {
    for (let c = 0; c < NUM_CLASSES; c++) {
      if (this.open[c]) await this.close(c, this.counts[c] % this.chunkImages);
    }
  }

  private async close(classId: number, images: number): Promise<void> {
    const full = this.open[classId]!;
    const bytes = images === this.chunkImages ? full : full.slice(0, images * IMAGE_BYTES);
    this.open[classId] = null;
    const index = this.chunks[classId].length;
    const info: ChunkInfo = {
      file: `${this.split}/${classId}/${String(index).padStart(3, '0')}.bin`,
      images,
      bytes: bytes.length,
      sha256: await sha256Hex(bytes),
    };
    this.chunks[classId].push(info);
    await this.onChunk({ split: this.split, classId, info, bytes });
  }
}

function checkBatch(name: string, data: Uint8Array, recordsPerBatch: number): void {
  const expected = recordsPerBatch * RECORD_BYTES;
  if (data.length !== expected) {
    const records = data.length / RECORD_BYTES;
    const detail = Number.isInteger(records) ? `${records} records` : `not a whole number of ${RECORD_BYTES}-byte records`;
    throw new ArchiveError(`${name}: ${data.length} bytes (${detail}), expected ${expected} (${recordsPerBatch} records × ${RECORD_BYTES} bytes)`, name);
  }
  for (let r = 0; r < recordsPerBatch; r++) {
    const label = data[r * RECORD_BYTES];
    if (label >= NUM_CLASSES) throw new ArchiveError(`${name}: record ${r} has label ${label}, expected 0–${NUM_CLASSES - 1}`, name);
  }
}

function parseClassNames(data: Uint8Array): string[] {
  const names = new TextDecoder().decode(data).split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  if (names.length !== NUM_CLASSES) {
    throw new ArchiveError(`${META_FILE}: ${names.length} class names, expected ${NUM_CLASSES}`, META_FILE);
  }
  return names;
}

/** Sums and sums of squares per channel over all training pixels (exact in float64 at this size). */
class ChannelStats {
  private readonly sum = [0, 0, 0];
  private readonly sumSquares = [0, 0, 0];
  private pixels = 0;

  add(batch: Uint8Array, records: number): void {
    for (let r = 0; r < records; r++) {
      for (let c = 0; c < IMAGE_CHANNELS; c++) {
        const start = r * RECORD_BYTES + 1 + c * PIXELS;
        let s = 0;
        let s2 = 0;
        for (let p = start; p < start + PIXELS; p++) {
          const v = batch[p];
          s += v;
          s2 += v * v;
        }
        this.sum[c] += s;
        this.sumSquares[c] += s2;
      }
    }
    this.pixels += records * PIXELS;
  }

  /** Mean and population standard deviation on the 0–1 scale. */
  result(): { mean: number[]; std: number[] } {
    const mean = this.sum.map((s) => s / this.pixels);
    const std = this.sumSquares.map((s2, c) => Math.sqrt(s2 / this.pixels - mean[c] * mean[c]));
    return { mean: mean.map((m) => m / 255), std: std.map((s) => s / 255) };
  }
}

/**
 * Reads the decompressed tar stream of `cifar-10-binary.tar.gz`. Training batches may come in any
 * tar order; they are chunked in batch order 1…5 so that "archive order" within a class is the
 * official data order. Rejects with an ArchiveError naming the file and the problem.
 */
export async function convertArchive(tarStream: AsyncIterable<Uint8Array>, options: ConvertOptions): Promise<ConvertedArchive> {
  const recordsPerBatch = options.recordsPerBatch ?? OFFICIAL_RECORDS_PER_BATCH;
  const train = new SplitChunker('train', TRAIN_CHUNK_IMAGES, options.onChunk);
  const test = new SplitChunker('test', TEST_CHUNK_IMAGES, options.onChunk);
  const stats = new ChannelStats();
  const needed = [...TRAIN_BATCH_FILES, TEST_BATCH_FILE, META_FILE];
  const found = new Set<string>();
  const waitingTrainBatches = new Map<number, Uint8Array>();
  let nextTrainBatch = 0;
  let classNames: string[] = [];

  const chunkBatch = async (chunker: SplitChunker, data: Uint8Array) => {
    for (let r = 0; r < recordsPerBatch; r++) await chunker.add(data[r * RECORD_BYTES], data, r * RECORD_BYTES + 1);
  };

  for await (const entry of readTar(tarStream, (name) => needed.includes(name))) {
    if (!entry.data) continue;
    if (found.has(entry.name)) throw new ArchiveError(`${entry.name} appears twice in the archive`, entry.name);
    found.add(entry.name);
    if (entry.name === META_FILE) {
      classNames = parseClassNames(entry.data);
      continue;
    }
    checkBatch(entry.name, entry.data, recordsPerBatch);
    if (entry.name === TEST_BATCH_FILE) {
      await chunkBatch(test, entry.data);
      continue;
    }
    stats.add(entry.data, recordsPerBatch);
    waitingTrainBatches.set(TRAIN_BATCH_FILES.indexOf(entry.name), entry.data);
    for (let batch = waitingTrainBatches.get(nextTrainBatch); batch; batch = waitingTrainBatches.get(nextTrainBatch)) {
      waitingTrainBatches.delete(nextTrainBatch++);
      await chunkBatch(train, batch);
    }
  }

  const missing = needed.filter((name) => !found.has(name));
  if (missing.length > 0) throw new ArchiveError(`the archive has no ${missing.join(', ')}`, missing[0]);
  await train.finish();
  await test.finish();

  const expectTrain = (recordsPerBatch * TRAIN_BATCH_FILES.length) / NUM_CLASSES;
  const expectTest = recordsPerBatch / NUM_CLASSES;
  for (let c = 0; c < NUM_CLASSES; c++) {
    if (train.counts[c] !== expectTrain) {
      throw new ArchiveError(`${TRAIN_FILES_LABEL}: class ${c} (${classNames[c]}) has ${train.counts[c]} training images, expected ${expectTrain}`, TRAIN_BATCH_FILES[0]);
    }
    if (test.counts[c] !== expectTest) {
      throw new ArchiveError(`${TEST_BATCH_FILE}: class ${c} (${classNames[c]}) has ${test.counts[c]} test images, expected ${expectTest}`, TEST_BATCH_FILE);
    }
  }

  const { mean, std } = stats.result();
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    imageShape: [IMAGE_SIZE, IMAGE_SIZE, IMAGE_CHANNELS],
    classNames,
    counts: { train: train.counts, test: test.counts },
    trainMean: mean,
    trainStd: std,
    chunks: { train: train.chunks, test: test.chunks },
  };
}
