/**
 * In-memory image sets shared by the data module and the engine.
 * Images are 32×32 RGB uint8 in NHWC order (tfjs's layout), 3072 bytes per image.
 */
export const IMAGE_SIZE = 32;
export const IMAGE_CHANNELS = 3;
export const IMAGE_BYTES = IMAGE_SIZE * IMAGE_SIZE * IMAGE_CHANNELS;

export interface LabeledImages {
  /** count × 32 × 32 × 3 bytes, NHWC. */
  images: Uint8Array;
  /** Label per image as an index into the chosen classes (0 = most frequent), not a CIFAR id. */
  labels: Uint8Array;
  count: number;
}

/** The data of one experiment: the chosen classes' sampled training subset and their (whole or sampled) test sets. */
export interface ExperimentData {
  /** CIFAR-10 ids of the chosen classes, major → minor. */
  classIds: number[];
  classNames: string[];
  /** Training images per chosen class actually present in `train`. */
  trainCounts: number[];
  train: LabeledImages;
  test: LabeledImages;
}
