/**
 * Easily separable stand-in data (colour-coded classes with pixel noise, up to ten distinct colours),
 * for the engine's tests and for quick script runs without the prepared CIFAR-10 assets.
 */
import { IMAGE_BYTES, type ExperimentData, type LabeledImages } from '../data/types.ts';
import { Rng } from '../util/rng.ts';

/** Base colour of each synthetic class (RGB 0–255): the first four as ever, then six more for ten classes. */
const CLASS_COLOURS: [number, number, number][] = [
  [220, 40, 40],
  [40, 200, 40],
  [40, 40, 220],
  [230, 230, 40],
  [220, 40, 220],
  [40, 210, 210],
  [130, 130, 130],
  [240, 140, 40],
  [110, 40, 160],
  [30, 30, 30],
];

function images(counts: readonly number[], rng: Rng): LabeledImages {
  const count = counts.reduce((a, b) => a + b, 0);
  const pixels = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Uint8Array(count);
  let i = 0;
  counts.forEach((n, c) => {
    const colour = CLASS_COLOURS[c % CLASS_COLOURS.length];
    for (let k = 0; k < n; k++, i++) {
      labels[i] = c;
      for (let p = 0; p < IMAGE_BYTES; p++) {
        const value = colour[p % 3] + 60 * (rng.next() - 0.5);
        pixels[i * IMAGE_BYTES + p] = Math.max(0, Math.min(255, Math.round(value)));
      }
    }
  });
  return { images: pixels, labels, count };
}

/** Training images per class as given (major → minor) and `testPerClass` test images per class. */
export function syntheticExperimentData(trainCounts: readonly number[], testPerClass: number, seed = 1): ExperimentData {
  const rng = new Rng(seed);
  return {
    classIds: trainCounts.map((_, c) => c),
    classNames: trainCounts.map((_, c) => `synthetic-${c}`),
    trainCounts: [...trainCounts],
    train: images(trainCounts, rng),
    test: images(trainCounts.map(() => testPerClass), rng),
  };
}
