/**
 * Mini-batches as flat Float32Arrays (B×32×32×3, NHWC) ready for tf.tensor4d: training batches
 * with the standard CIFAR augmentation (torchvision's RandomCrop(32, padding=4) then
 * RandomHorizontalFlip) and normalisation, evaluation batches with normalisation only.
 * Runs every step, so it is plain loops over typed arrays with a byte → float lookup table.
 */
import type { Rng } from '../util/rng.ts';
import { IMAGE_BYTES, IMAGE_CHANNELS, IMAGE_SIZE, type LabeledImages } from './types.ts';

/** The usual CIFAR-10 normalisation constants (as in LDAM-DRW and the paper's code). */
export const CIFAR_MEAN = [0.4914, 0.4822, 0.4465] as const;
export const CIFAR_STD = [0.2023, 0.1994, 0.201] as const;

/** Zero padding on each side before the random 32×32 crop. */
export const CROP_PADDING = 4;

export interface Batch {
  /** B×32×32×3 normalised pixels, NHWC. */
  x: Float32Array;
  /** Label per image (index into the chosen classes). */
  y: Int32Array;
}

/** NORMALISED[v * 3 + c] = (v/255 − mean_c) / std_c. */
const NORMALISED = new Float32Array(256 * IMAGE_CHANNELS);
for (let v = 0; v < 256; v++) {
  for (let c = 0; c < IMAGE_CHANNELS; c++) NORMALISED[v * IMAGE_CHANNELS + c] = (v / 255 - CIFAR_MEAN[c]) / CIFAR_STD[c];
}

/** A fresh seeded order of the training set for one epoch. */
export function epochOrder(n: number, rng: Rng): Int32Array {
  return rng.permutation(n);
}

/** `out` (if large enough) is reused to avoid allocating ~1.5 MB per step; the result is a view of it. */
function batchBuffer(images: number, out: Float32Array | undefined): Float32Array {
  const length = images * IMAGE_BYTES;
  if (!out) return new Float32Array(length);
  if (out.length < length) throw new RangeError(`out holds ${out.length} floats, the batch needs ${length}`);
  return out.subarray(0, length);
}

/**
 * Writes one augmented, normalised image: the 32×32 window at (`top`, `left`) of the image padded
 * by 4 zero pixels on each side (0…8; 4 is the unshifted image), mirrored left–right when `flip`.
 * Padded pixels are 0 before normalisation, i.e. −mean/std after, as in torchvision.
 */
export function cropFlipNormalise(
  images: Uint8Array, image: number, top: number, left: number, flip: boolean,
  out: Float32Array, outImage: number,
): void {
  const source = image * IMAGE_BYTES;
  let o = outImage * IMAGE_BYTES;
  for (let y = 0; y < IMAGE_SIZE; y++) {
    const sy = y + top - CROP_PADDING;
    const rowInside = sy >= 0 && sy < IMAGE_SIZE;
    for (let x = 0; x < IMAGE_SIZE; x++) {
      const sx = (flip ? IMAGE_SIZE - 1 - x : x) + left - CROP_PADDING;
      if (rowInside && sx >= 0 && sx < IMAGE_SIZE) {
        const s = source + (sy * IMAGE_SIZE + sx) * IMAGE_CHANNELS;
        out[o] = NORMALISED[images[s] * IMAGE_CHANNELS];
        out[o + 1] = NORMALISED[images[s + 1] * IMAGE_CHANNELS + 1];
        out[o + 2] = NORMALISED[images[s + 2] * IMAGE_CHANNELS + 2];
      } else {
        out[o] = NORMALISED[0];
        out[o + 1] = NORMALISED[1];
        out[o + 2] = NORMALISED[2];
      }
      o += IMAGE_CHANNELS;
    }
  }
}

/**
 * The training batch of the given images: per image the crop offsets (top, then left, each
 * uniform in 0…8) and then the flip (p = 0.5) are drawn from `rng`, in that order, so both twin
 * runs see identical augmentations when they share the batch.
 */
export function makeTrainBatch(data: LabeledImages, indices: ArrayLike<number>, rng: Rng, out?: Float32Array): Batch {
  const x = batchBuffer(indices.length, out);
  const y = new Int32Array(indices.length);
  const offsets = 2 * CROP_PADDING + 1;
  for (let b = 0; b < indices.length; b++) {
    const image = indices[b];
    y[b] = data.labels[image];
    const top = rng.int(offsets);
    const left = rng.int(offsets);
    cropFlipNormalise(data.images, image, top, left, rng.next() < 0.5, x, b);
  }
  return { x, y };
}

/** Images start…end−1, normalised, not augmented. */
export function makeEvalBatch(data: LabeledImages, start: number, end: number, out?: Float32Array): Batch {
  const x = batchBuffer(end - start, out);
  const pixels = data.images.subarray(start * IMAGE_BYTES, end * IMAGE_BYTES);
  for (let i = 0; i < pixels.length; i += IMAGE_CHANNELS) {
    x[i] = NORMALISED[pixels[i] * IMAGE_CHANNELS];
    x[i + 1] = NORMALISED[pixels[i + 1] * IMAGE_CHANNELS + 1];
    x[i + 2] = NORMALISED[pixels[i + 2] * IMAGE_CHANNELS + 2];
  }
  return { x, y: Int32Array.from(data.labels.subarray(start, end)) };
}
