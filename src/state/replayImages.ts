/**
 * The CIFAR-10 images behind a recording's plotted points, for the replay's tooltips. A recording
 * holds no images, but it holds the configuration: the page loads the same subset the worker loads
 * (its subset seed, src/data/loader.ts) and draws the plotted training sample the way the engine does (its
 * plot-sample stream of core/streams.ts, `waterFillSample`). The drawn sample's labels must equal the recorded ones,
 * point for point, or no images are shown (a file from another version of the app, other data).
 */
import { subsetRequestOf, type ExperimentConfig } from '../config/experiment.ts';
import { waterFillSample } from '../core/metrics.ts';
import { dataBaseUrl, loadExperimentData, loadManifest } from '../data/loader.ts';
import { IMAGE_BYTES } from '../data/types.ts';
import { engineStreams } from '../core/streams.ts';

/** The indices into the training subset of the plotted sample, as the engine chooses them. */
export function plotIndicesOf(trainLabels: Uint8Array, numClasses: number, config: Pick<ExperimentConfig, 'seed' | 'trainFeatureSample'>): Int32Array {
  return waterFillSample(trainLabels, numClasses, config.trainFeatureSample, engineStreams(config.seed).plotSample);
}

function sameLabels(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The plotted training images and the test images of a recorded configuration, or null when there
 * is no data here or the sample does not match the recording's labels.
 */
export async function loadReplayImages(
  config: ExperimentConfig,
  recorded: { trainFeatureLabels: Uint8Array; testLabels: Uint8Array },
  pageBase: string,
): Promise<{ train: Uint8Array; test: Uint8Array } | null> {
  const base = dataBaseUrl(pageBase);
  if (!(await loadManifest(base))) return null;
  const data = await loadExperimentData(base, subsetRequestOf(config));
  const indices = plotIndicesOf(data.train.labels, data.trainCounts.length, config);
  const plotLabels = Uint8Array.from(indices, (i) => data.train.labels[i]);
  if (!sameLabels(plotLabels, recorded.trainFeatureLabels) || !sameLabels(data.test.labels, recorded.testLabels)) return null;
  const train = new Uint8Array(indices.length * IMAGE_BYTES);
  indices.forEach((i, j) => train.set(data.train.images.subarray(i * IMAGE_BYTES, (i + 1) * IMAGE_BYTES), j * IMAGE_BYTES));
  return { train, test: data.test.images };
}
