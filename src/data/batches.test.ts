import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { CIFAR_MEAN, CIFAR_STD, cropFlipNormalise, epochOrder, makeEvalBatch, makeTrainBatch } from './batches.ts';
import { IMAGE_BYTES, type LabeledImages } from './types.ts';

const PAD_VALUE = CIFAR_MEAN.map((m, c) => -m / CIFAR_STD[c]);

function randomImages(count: number, seed: number): LabeledImages {
  const rng = new Rng(seed);
  const images = new Uint8Array(count * IMAGE_BYTES);
  for (let i = 0; i < images.length; i++) images[i] = rng.int(256);
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 4), count };
}

/** Value at (y, x, c) of image b in a NHWC batch. */
const at = (x: Float32Array, b: number, y: number, col: number, c: number) => x[b * IMAGE_BYTES + (y * 32 + col) * 3 + c];

/** Largest |a − b| (plain loops: element-wise expects would dominate the test time). */
function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function augmented(data: LabeledImages, image: number, top: number, left: number, flip: boolean): Float32Array {
  const out = new Float32Array(IMAGE_BYTES);
  cropFlipNormalise(data.images, image, top, left, flip, out, 0);
  return out;
}

describe('makeEvalBatch', () => {
  it('normalises per channel and keeps labels', () => {
    const data = randomImages(10, 1);
    const { x, y } = makeEvalBatch(data, 3, 7);
    expect(x).toHaveLength(4 * IMAGE_BYTES);
    expect(Array.from(y)).toEqual([3, 0, 1, 2]);
    const expected = Array.from(x, (_, i) => (data.images[3 * IMAGE_BYTES + i] / 255 - CIFAR_MEAN[i % 3]) / CIFAR_STD[i % 3]);
    expect(maxDifference(x, expected)).toBeLessThan(1e-5);
  });

  it('writes into a reused buffer', () => {
    const out = new Float32Array(8 * IMAGE_BYTES);
    const { x } = makeEvalBatch(randomImages(4, 2), 0, 2, out);
    expect(x.buffer).toBe(out.buffer);
    expect(x).toHaveLength(2 * IMAGE_BYTES);
  });
});

describe('cropFlipNormalise', () => {
  const data = randomImages(2, 3);
  const plain = makeEvalBatch(data, 1, 2).x;

  it('the centred crop without flip is the image itself', () => {
    expect(maxDifference(augmented(data, 1, 4, 4, false), plain)).toBe(0);
  });

  it('the flip is an exact left–right mirror', () => {
    const flipped = augmented(data, 1, 4, 4, true);
    const mirrored = Array.from(plain, (_, i) => at(plain, 0, Math.floor(i / 96), 31 - (Math.floor(i / 3) % 32), i % 3));
    expect(maxDifference(flipped, mirrored)).toBe(0);
  });

  it('shifts the image and fills the padding with normalised zeros', () => {
    // Expected value at output pixel (y, col) when the window is shifted by (dy, dx) in the padded image.
    const shifted = (dy: number, dx: number) =>
      Array.from(plain, (_, i) => {
        const y = Math.floor(i / 96) + dy;
        const col = (Math.floor(i / 3) % 32) + dx;
        const inside = y >= 0 && y < 32 && col >= 0 && col < 32;
        return inside ? at(plain, 0, y, col, i % 3) : PAD_VALUE[i % 3];
      });
    expect(maxDifference(augmented(data, 1, 0, 0, false), shifted(-4, -4))).toBeLessThan(1e-6);
    expect(maxDifference(augmented(data, 1, 8, 8, false), shifted(4, 4))).toBeLessThan(1e-6);
    expect(maxDifference(augmented(data, 1, 2, 7, false), shifted(-2, 3))).toBeLessThan(1e-6);
  });
});

describe('makeTrainBatch', () => {
  const data = randomImages(16, 4);
  const indices = [5, 0, 15, 7, 7, 2, 9, 11];

  it('has the batch shape, the labels and values within the normalised range', () => {
    const { x, y } = makeTrainBatch(data, indices, new Rng(1));
    expect(x).toHaveLength(indices.length * IMAGE_BYTES);
    expect(Array.from(y)).toEqual(indices.map((i) => data.labels[i]));
    const outOfRange = x.filter((v, i) => v < PAD_VALUE[i % 3] - 1e-6 || v > (1 - CIFAR_MEAN[i % 3]) / CIFAR_STD[i % 3] + 1e-6);
    expect(outOfRange).toHaveLength(0);
  });

  it('draws top, left (0–8) and then the flip per image, so the same seed gives the same batch', () => {
    const { x } = makeTrainBatch(data, indices, new Rng(9));
    const replay = new Rng(9);
    indices.forEach((image, b) => {
      const top = replay.int(9);
      const left = replay.int(9);
      const flip = replay.next() < 0.5;
      expect(maxDifference(x.subarray(b * IMAGE_BYTES, (b + 1) * IMAGE_BYTES), augmented(data, image, top, left, flip))).toBe(0);
    });
    expect(maxDifference(makeTrainBatch(data, indices, new Rng(9)).x, x)).toBe(0);
  });

  it('flips about half the images and uses every crop offset', () => {
    const rng = new Rng(2);
    let flips = 0;
    const tops = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      tops.add(rng.int(9));
      rng.int(9);
      if (rng.next() < 0.5) flips++;
    }
    expect(tops.size).toBe(9);
    expect(flips / 2000).toBeGreaterThan(0.45);
    expect(flips / 2000).toBeLessThan(0.55);
  });
});

describe('epochOrder', () => {
  it('is a seeded permutation', () => {
    const order = epochOrder(100, new Rng(3));
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(epochOrder(100, new Rng(3))).toEqual(order);
  });
});
