import { describe, expect, it } from 'vitest';
import { subsetRequestOf, type ExperimentConfig } from '../config/experiment.ts';
import { longTailedCounts, PAPER_SECTION4_COUNTS, stepCounts } from '../config/imbalance.ts';
import { configFromSearch } from '../state/urlConfig.ts';
import { Rng } from '../util/rng.ts';
import { MANIFEST_FORMAT, MANIFEST_VERSION, TEST_CHUNK_IMAGES, TRAIN_CHUNK_IMAGES, type ChunkInfo, type DataManifest } from './format.ts';
import { chooseImages, planExperiment, planSamples, type ChunkPick } from './subset.ts';
import { IMAGE_BYTES } from './types.ts';

/** The layout `npm run data` produces from the official archive, without any bytes behind it. */
function officialLayout(): DataManifest {
  const chunks = (split: string, perClass: number, chunkImages: number) =>
    Array.from({ length: 10 }, (_, c) =>
      Array.from({ length: perClass / chunkImages }, (_, i): ChunkInfo => ({
        file: `${split}/${c}/${String(i).padStart(3, '0')}.bin`,
        images: chunkImages,
        bytes: chunkImages * IMAGE_BYTES,
        sha256: `${split}-${c}-${i}`,
      })),
    );
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    imageShape: [32, 32, 3],
    classNames: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'],
    counts: { train: new Array<number>(10).fill(5000), test: new Array<number>(10).fill(1000) },
    trainMean: [0.49, 0.48, 0.45],
    trainStd: [0.25, 0.24, 0.26],
    chunks: { train: chunks('train', 5000, TRAIN_CHUNK_IMAGES), test: chunks('test', 1000, TEST_CHUNK_IMAGES) },
    source: { name: 'cifar-10-binary.tar.gz', bytes: 0, modifiedMs: 0 },
    preparedAt: '',
  };
}

const CHUNK_SIZES = new Array<number>(100).fill(TRAIN_CHUNK_IMAGES);

/** Global image indices (chunk × 50 + position) of a pick list. */
function imageIds(picks: ChunkPick[]): number[] {
  return picks.flatMap(({ chunk, picks: positions }) =>
    (positions ?? Array.from({ length: TRAIN_CHUNK_IMAGES }, (_, i) => i)).map((p) => chunk * TRAIN_CHUNK_IMAGES + p),
  );
}

describe('imbalance presets (LDAM-DRW formulas)', () => {
  it('long-tailed counts for four classes', () => {
    expect(longTailedCounts(4, 100)).toEqual([5000, 1077, 232, 50]);
    expect(longTailedCounts(4, 10)).toEqual([5000, 2320, 1077, 500]);
    expect(longTailedCounts(4, 200)).toEqual([5000, 854, 146, 25]);
  });
  it('step counts for four classes', () => {
    expect(stepCounts(4, 100)).toEqual([5000, 5000, 50, 50]);
    expect(stepCounts(4, 10)).toEqual([5000, 5000, 500, 500]);
    expect(stepCounts(4, 200)).toEqual([5000, 5000, 25, 25]);
  });
});

describe('chooseImages', () => {
  it('returns exactly the asked number of distinct images, in archive order', () => {
    for (const count of [1, 25, 50, 51, 232, 1077, 5000]) {
      const ids = imageIds(chooseImages(CHUNK_SIZES, count, new Rng(7)));
      expect(ids).toHaveLength(count);
      expect(new Set(ids).size).toBe(count);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(ids.every((id) => id >= 0 && id < 5000)).toBe(true);
    }
  });

  it('is chunk-aware: 50 images are one whole chunk, any count touches at most one partial chunk', () => {
    const fifty = chooseImages(CHUNK_SIZES, 50, new Rng(3));
    expect(fifty).toHaveLength(1);
    expect(fifty[0].picks).toBeNull();
    for (const count of [25, 50, 99, 1077]) {
      const picks = chooseImages(CHUNK_SIZES, count, new Rng(count));
      expect(picks.length).toBe(Math.ceil(count / TRAIN_CHUNK_IMAGES));
      expect(picks.filter((p) => p.picks !== null).length).toBeLessThanOrEqual(1);
    }
  });

  it('same seed, same subset; different seed, different subset', () => {
    const a = imageIds(chooseImages(CHUNK_SIZES, 232, new Rng(1)));
    expect(imageIds(chooseImages(CHUNK_SIZES, 232, new Rng(1)))).toEqual(a);
    expect(imageIds(chooseImages(CHUNK_SIZES, 232, new Rng(2)))).not.toEqual(a);
  });

  it('a smaller count with the same seed is a subset of a larger one', () => {
    const small = imageIds(chooseImages(CHUNK_SIZES, 25, new Rng(5)));
    const large = new Set(imageIds(chooseImages(CHUNK_SIZES, 500, new Rng(5))));
    expect(small.every((id) => large.has(id))).toBe(true);
  });

  it('rejects counts beyond what the chunks hold', () => {
    expect(() => chooseImages([50, 20], 71, new Rng(1))).toThrow(/only 70 available/);
  });
});

describe('planExperiment', () => {
  const manifest = officialLayout();

  it('the paper §4 subset reads 202 training chunks and the whole test sets: 43.3 MB', () => {
    const plan = planExperiment(manifest, { classes: [0, 1, 2, 3], trainCounts: PAPER_SECTION4_COUNTS, seed: 1 });
    const train = plan.parts.filter((p) => p.split === 'train');
    const test = plan.parts.filter((p) => p.split === 'test');
    expect(train).toHaveLength(100 + 100 + 1 + 1);
    expect(test).toHaveLength(4 * 4);
    expect(plan.totalBytes).toBe(202 * 50 * IMAGE_BYTES + 4 * 1000 * IMAGE_BYTES);
    expect(plan.testCounts).toEqual([1000, 1000, 1000, 1000]);
    expect(plan.classNames).toEqual(['airplane', 'automobile', 'bird', 'cat']);
  });

  it('lays out each class contiguously, major to minor, and touches only chosen classes', () => {
    const plan = planExperiment(manifest, { classes: [9, 4, 2, 7], trainCounts: [5000, 1077, 232, 50], seed: 4 });
    const trainParts = plan.parts.filter((p) => p.split === 'train');
    let expected = 0;
    for (const part of trainParts) {
      expect(part.destination).toBe(expected);
      expected += part.picks?.length ?? part.chunk.images;
    }
    expect(expected).toBe(5000 + 1077 + 232 + 50);
    const classesTouched = new Set(plan.parts.map((p) => Number(p.chunk.file.split('/')[1])));
    expect([...classesTouched].sort()).toEqual([2, 4, 7, 9]);
  });

  it("a class's subset depends on the seed and the class, not on the other chosen classes", () => {
    const subsetOfBird = (classes: number[]) =>
      planExperiment(manifest, { classes, trainCounts: [100, 100, 232, 100], seed: 11 })
        .parts.filter((p) => p.split === 'train' && p.chunk.file.startsWith('train/2/'))
        .map((p) => [p.chunk.file, p.picks]);
    expect(subsetOfBird([0, 1, 2, 3])).toEqual(subsetOfBird([5, 6, 2, 7]));
  });

  it('testPerClass: a seeded, chunk-aware test subset (25 images read one 250-image chunk per class)', () => {
    const request = { classes: [0, 1, 2, 3], trainCounts: [16, 16, 4, 4], seed: 7, testPerClass: 25 };
    const plan = planExperiment(manifest, request);
    const test = plan.parts.filter((p) => p.split === 'test');
    expect(plan.testCounts).toEqual([25, 25, 25, 25]);
    expect(test).toHaveLength(4);
    expect(test.map((p) => p.picks?.length)).toEqual([25, 25, 25, 25]);
    expect(test.map((p) => p.destination)).toEqual([0, 25, 50, 75]);
    expect(test.every((p, i) => p.chunk.file.startsWith(`test/${i}/`))).toBe(true);
    expect(plan.totalBytes).toBe(4 * TRAIN_CHUNK_IMAGES * IMAGE_BYTES + 4 * TEST_CHUNK_IMAGES * IMAGE_BYTES);
    const testImages = (p: ReturnType<typeof planExperiment>) =>
      p.parts.filter((part) => part.split === 'test').map((part) => [part.chunk.file, part.picks]);
    // Same seed, same subset, whatever the training counts; another seed, another subset.
    expect(testImages(planExperiment(manifest, { ...request, trainCounts: [500, 60, 7, 1] }))).toEqual(testImages(plan));
    expect(testImages(planExperiment(manifest, { ...request, seed: 8 }))).not.toEqual(testImages(plan));
    // The training subset does not depend on the test subset.
    const trainImages = (p: ReturnType<typeof planExperiment>) => p.parts.filter((part) => part.split === 'train');
    expect(trainImages(plan)).toEqual(trainImages(planExperiment(manifest, { ...request, testPerClass: undefined })));
    // 300 images: one whole chunk and 50 of another.
    const more = planExperiment(manifest, { ...request, testPerClass: 300 }).parts.filter((p) => p.split === 'test' && p.chunk.file.startsWith('test/2/'));
    expect(more.map((p) => p.picks?.length ?? p.chunk.images).sort((a, b) => a - b)).toEqual([50, 250]);
  });

  it("a configuration's subset seed draws its images, its seed does not; without a subset seed its seed draws them as before the split", () => {
    // Step ρ=10 (5000, 5000, 500, 500) with a test sample: partial chunks in the training and test sets.
    const link = (query: string) => configFromSearch(`?c=0,1,2,3&imb=step&rho=10&tpc=25&${query}`).config;
    const images = (config: ExperimentConfig) => planExperiment(manifest, subsetRequestOf(config)).parts.map((p) => [p.split, p.chunk.file, p.picks]);
    const old = link('seed=7');
    expect(old.subsetSeed).toBe(7);
    // A link made before the split: the subset of the request its one seed made then.
    expect(images(old)).toEqual(planExperiment(manifest, { classes: [0, 1, 2, 3], trainCounts: old.trainCounts, seed: 7, testPerClass: 25 }).parts.map((p) => [p.split, p.chunk.file, p.picks]));
    expect(images(link('seed=8&ss=7'))).toEqual(images(old));
    expect(images(link('seed=7&ss=8'))).not.toEqual(images(old));
    const trainOf = (config: ExperimentConfig) => images(config).filter(([split]) => split === 'train');
    expect(trainOf(link('seed=7&ss=8'))).not.toEqual(trainOf(old));
  });

  it('testPerClass of the whole test set (1000) plans exactly what no testPerClass plans', () => {
    const request = { classes: [9, 4, 2, 7], trainCounts: [5000, 1077, 232, 50], seed: 4 };
    expect(planExperiment(manifest, { ...request, testPerClass: 1000 })).toEqual(planExperiment(manifest, request));
    expect(() => planExperiment(manifest, { ...request, testPerClass: 0 })).toThrow(/test images per class/);
  });

  it('rejects invalid requests with a clear message', () => {
    expect(() => planExperiment(manifest, { classes: [0, 0, 1, 2], trainCounts: [1, 1, 1, 1], seed: 1 })).toThrow(/different ids/);
    expect(() => planExperiment(manifest, { classes: [0, 1, 2, 3], trainCounts: [5001, 1, 1, 1], seed: 1 })).toThrow(/airplane.*1–5000.*5001/);
    expect(() => planExperiment(manifest, { classes: [0, 1, 2, 3], trainCounts: [1, 1, 1], seed: 1 })).toThrow(/one training count per class/);
  });

  it('planSamples takes the first images of a class', () => {
    const parts = planSamples(manifest, 3, 60);
    expect(parts.map((p) => [p.chunk.file, p.picks?.length ?? p.chunk.images, p.destination])).toEqual([
      ['train/3/000.bin', 50, 0],
      ['train/3/001.bin', 10, 50],
    ]);
  });
});
