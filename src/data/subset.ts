/**
 * Which images an experiment needs and which chunks hold them: the seeded, chunk-aware subset
 * sampling shared by the browser loader and the Node loader (only how a chunk's bytes are
 * obtained differs between them).
 */
import { Rng } from '../util/rng.ts';
import type { ChunkInfo, DataManifest, Split } from './format.ts';
import { IMAGE_BYTES, type ExperimentData } from './types.ts';

export interface SubsetRequest {
  /** CIFAR-10 class ids, major → minor. */
  classes: number[];
  /** Training images per chosen class. */
  trainCounts: number[];
  /** Draws the images: a configuration's subset seed (config/experiment.ts subsetRequestOf), not its training seed. */
  seed: number;
  /**
   * Test images per chosen class: a seeded, chunk-aware subset like the training one. Absent, or
   * at least the class's test set, means the whole balanced test set.
   */
  testPerClass?: number;
}

export interface LoadProgress {
  loadedBytes: number;
  totalBytes: number;
}

/** Images of one chunk to copy: all of them (`picks` null) or the listed positions, ascending. */
export interface ChunkPart {
  chunk: ChunkInfo;
  split: Split;
  picks: number[] | null;
  /** Index of the part's first image in its split's output array. */
  destination: number;
}

export interface ChunkPick {
  chunk: number;
  picks: number[] | null;
}

/**
 * Chooses `count` images among chunks of the given sizes so that few chunks are touched: a seeded
 * order of the chunks, whole chunks while they fit, then a seeded subset of the next one. 50
 * training images of a class thus cost one 50-image chunk, 25 test images one 250-image chunk. The result is in archive order. With equal chunk
 * sizes a smaller count's subset is contained in a larger one's (same seed), so e.g. the step ρ=100
 * minor classes are a subset of the ρ=10 ones. CIFAR's training order is already random, so a
 * chunk of consecutive images is as good a sample as any.
 */
export function chooseImages(chunkSizes: readonly number[], count: number, rng: Rng): ChunkPick[] {
  const order = rng.permutation(chunkSizes.length);
  const chosen: ChunkPick[] = [];
  let remaining = count;
  for (const chunk of order) {
    if (remaining === 0) break;
    const size = chunkSizes[chunk];
    if (size <= remaining) {
      chosen.push({ chunk, picks: null });
      remaining -= size;
    } else {
      const picks = Array.from(rng.permutation(size).subarray(0, remaining)).sort((a, b) => a - b);
      chosen.push({ chunk, picks });
      remaining = 0;
    }
  }
  if (remaining > 0) throw new RangeError(`asked for ${count} images, only ${count - remaining} available`);
  return chosen.sort((a, b) => a.chunk - b.chunk);
}

/** Makes the test subset's generators independent of the training subset's (same seed). */
const TEST_SEED_SALT = 0x7e57_5e7;

/**
 * One generator per (seed, class, split), so a class's subset does not depend on which other
 * classes are chosen, and its test subset not on its training count.
 */
export function classRng(seed: number, classId: number, split: Split = 'train'): Rng {
  const root = new Rng(split === 'train' ? seed : (seed ^ TEST_SEED_SALT) >>> 0);
  let rng = root.fork();
  for (let i = 0; i < classId; i++) rng = root.fork();
  return rng;
}

export interface ExperimentPlan {
  classIds: number[];
  classNames: string[];
  trainCounts: number[];
  testCounts: number[];
  parts: ChunkPart[];
  /** Bytes of all chunks the plan reads (whole chunks are fetched even when only some images are used). */
  totalBytes: number;
}

function checkRequest(manifest: DataManifest, { classes, trainCounts, seed, testPerClass }: SubsetRequest): void {
  const numClasses = manifest.classNames.length;
  if (classes.length === 0 || classes.length !== trainCounts.length) {
    throw new RangeError(`need one training count per class (got ${classes.length} classes, ${trainCounts.length} counts)`);
  }
  if (!classes.every((c) => Number.isInteger(c) && c >= 0 && c < numClasses) || new Set(classes).size !== classes.length) {
    throw new RangeError(`classes must be different ids from 0 to ${numClasses - 1} (got ${JSON.stringify(classes)})`);
  }
  classes.forEach((c, i) => {
    const available = manifest.counts.train[c];
    const n = trainCounts[i];
    if (!Number.isInteger(n) || n < 1 || n > available) {
      throw new RangeError(`training count for class ${c} (${manifest.classNames[c]}) must be 1–${available} (got ${n})`);
    }
  });
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be a whole number (got ${seed})`);
  if (testPerClass !== undefined && (!Number.isInteger(testPerClass) || testPerClass < 1)) {
    throw new RangeError(`test images per class must be a whole number from 1 on (got ${testPerClass})`);
  }
}

/**
 * The chunks and images an experiment needs: its seeded training subset and the test images of its
 * classes (all of them, or a seeded subset of `testPerClass` per class chosen like the training one).
 */
export function planExperiment(manifest: DataManifest, request: SubsetRequest): ExperimentPlan {
  checkRequest(manifest, request);
  const parts: ChunkPart[] = [];
  const next: Record<Split, number> = { train: 0, test: 0 };
  const add = (chunk: ChunkInfo, split: Split, picks: number[] | null) => {
    parts.push({ chunk, split, picks, destination: next[split] });
    next[split] += picks ? picks.length : chunk.images;
  };
  request.classes.forEach((classId, i) => {
    const chunks = manifest.chunks.train[classId];
    const picks = chooseImages(chunks.map((c) => c.images), request.trainCounts[i], classRng(request.seed, classId));
    for (const pick of picks) add(chunks[pick.chunk], 'train', pick.picks);
  });
  const testCounts = request.classes.map((classId) => {
    const chunks = manifest.chunks.test[classId];
    const available = manifest.counts.test[classId];
    if (request.testPerClass === undefined || request.testPerClass >= available) {
      for (const chunk of chunks) add(chunk, 'test', null);
      return available;
    }
    const picks = chooseImages(chunks.map((c) => c.images), request.testPerClass, classRng(request.seed, classId, 'test'));
    for (const pick of picks) add(chunks[pick.chunk], 'test', pick.picks);
    return request.testPerClass;
  });
  return {
    classIds: [...request.classes],
    classNames: request.classes.map((c) => manifest.classNames[c]),
    trainCounts: [...request.trainCounts],
    testCounts,
    parts,
    totalBytes: sumBytes(parts),
  };
}

/** The first `count` training images of a class, for thumbnails. */
export function planSamples(manifest: DataManifest, classId: number, count: number): ChunkPart[] {
  const parts: ChunkPart[] = [];
  let taken = 0;
  for (const chunk of manifest.chunks.train[classId] ?? []) {
    if (taken >= count) break;
    const take = Math.min(chunk.images, count - taken);
    parts.push({ chunk, split: 'train', picks: take === chunk.images ? null : Array.from({ length: take }, (_, i) => i), destination: taken });
    taken += take;
  }
  if (taken < count) throw new RangeError(`class ${classId} has ${taken} training images, asked for ${count}`);
  return parts;
}

export function sumBytes(parts: readonly ChunkPart[]): number {
  return parts.reduce((total, part) => total + part.chunk.bytes, 0);
}

/** Fetches a chunk's bytes, already verified against the manifest. */
export type ChunkSource = (chunk: ChunkInfo) => Promise<Uint8Array>;

/**
 * Runs `work` over `items` with at most `limit` in flight (HTTP/2 and disks both like a few at
 * once); after the first failure no new item is started.
 */
async function forEachConcurrent<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (failures.length === 0 && next < items.length) {
      try {
        await work(items[next++]);
      } catch (error) {
        failures.push(error);
      }
    }
  });
  // After a failure the other lanes finish their item and stop; the load settles only then, so no
  // download (or retry) of a failed load goes on behind the error it reported.
  await Promise.all(lanes);
  if (failures.length > 0) throw failures[0];
}

/** Copies each part's images into its split's output array, reporting bytes as chunks arrive. */
export async function loadParts(
  parts: readonly ChunkPart[],
  outputs: Partial<Record<Split, Uint8Array>>,
  source: ChunkSource,
  onProgress?: (progress: LoadProgress) => void,
): Promise<void> {
  const totalBytes = sumBytes(parts);
  let loadedBytes = 0;
  onProgress?.({ loadedBytes, totalBytes });
  await forEachConcurrent(parts, 6, async (part) => {
    const bytes = await source(part.chunk);
    const output = outputs[part.split]!;
    if (part.picks === null) {
      output.set(bytes, part.destination * IMAGE_BYTES);
    } else {
      part.picks.forEach((image, i) => {
        output.set(bytes.subarray(image * IMAGE_BYTES, (image + 1) * IMAGE_BYTES), (part.destination + i) * IMAGE_BYTES);
      });
    }
    loadedBytes += part.chunk.bytes;
    onProgress?.({ loadedBytes, totalBytes });
  });
}

function labelsFor(counts: readonly number[]): Uint8Array {
  const labels = new Uint8Array(counts.reduce((a, b) => a + b, 0));
  let start = 0;
  counts.forEach((n, label) => {
    labels.fill(label, start, start + n);
    start += n;
  });
  return labels;
}

/** Loads a plan into an ExperimentData: images class by class (major → minor), each class in archive order. */
export async function loadPlan(plan: ExperimentPlan, source: ChunkSource, onProgress?: (progress: LoadProgress) => void): Promise<ExperimentData> {
  const trainLabels = labelsFor(plan.trainCounts);
  const testLabels = labelsFor(plan.testCounts);
  const train = new Uint8Array(trainLabels.length * IMAGE_BYTES);
  const test = new Uint8Array(testLabels.length * IMAGE_BYTES);
  await loadParts(plan.parts, { train, test }, source, onProgress);
  return {
    classIds: plan.classIds,
    classNames: plan.classNames,
    trainCounts: plan.trainCounts,
    train: { images: train, labels: trainLabels, count: trainLabels.length },
    test: { images: test, labels: testLabels, count: testLabels.length },
  };
}
