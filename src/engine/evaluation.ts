/**
 * The epoch-end evaluation of lanes: the features of the training and test sets in evaluation mode
 * (no augmentation, no mixing, running BN statistics), read back with the classifiers and gradient
 * sums in one transfer, then every metric on the CPU (core/metrics.ts). The features are the plotted
 * 2-D ones, or for the 64-d network (Table 1's protocol, command line only) the pooled feature, which
 * the metrics read in full but the snapshot does not keep (it has no plane to plot them in).
 */
import * as tf from '@tensorflow/tfjs';
import { makeEvalBatch } from '../data/batches.ts';
import { IMAGE_CHANNELS, IMAGE_SIZE, type LabeledImages } from '../data/types.ts';
import { Rng } from '../util/rng.ts';
import { FEATURE_DIM, featureSize } from '../core/architecture.ts';
import {
  classifierFromFlat,
  classifierWeightNorms,
  denseClassifierFromFlat,
  classStatistics,
  featureDeviation,
  meanCrossEntropy,
  minorMajorRatio,
  predict,
  unitClassifier,
  type LinearClassifier,
} from '../core/metrics.ts';
import type { RunSnapshot } from '../core/snapshot.ts';
import type { LaneTrainer } from './laneTrainer.ts';

/** Images per evaluation forward pass. */
const EVAL_BATCH_SIZE = 256;
/** Subsampling rounds R of the feature deviation (§5.4). */
const DEVIATION_ROUNDS = 1000;

/** Normalised NHWC images from the data module as a [B, 32, 32, 3] tensor. */
export function imageTensor(x: Float32Array): tf.Tensor4D {
  return tf.tensor4d(x, [x.length / (IMAGE_SIZE * IMAGE_SIZE * IMAGE_CHANNELS), IMAGE_SIZE, IMAGE_SIZE, IMAGE_CHANNELS]);
}

/** What the evaluation needs to know of a lane besides its network. */
export interface EvaluatedLane {
  trainer: LaneTrainer;
  /** A cosine head's logit scale, or null for a linear head. */
  cosineScale: number | null;
  /** Training-step measurements of the epoch, folded into the report. */
  trainLoss: number;
  classWeights: number[];
  relabelledFraction: number | null;
  meanPartnerShare: number[] | null;
}

export interface EvaluationContext {
  train: LabeledImages;
  test: LabeledImages;
  numClasses: number;
  /** Training-set indices of the plotted sample. */
  plotIndices: Int32Array;
  /** Training samples per class seen this epoch (the gradient sums' denominators). */
  samplesPerClass: readonly number[];
  majorClasses: readonly boolean[];
  /** Seeds the deviation's subsampling: the same draws for every lane, fixed per epoch. */
  deviationSeed: number;
}

/** Features of a whole image set for every lane, in evaluation mode; tensors stay on the device. */
function laneFeatures(images: LabeledImages, lanes: readonly EvaluatedLane[]): tf.Tensor2D[] {
  const chunks = lanes.map((): tf.Tensor2D[] => []);
  for (let start = 0; start < images.count; start += EVAL_BATCH_SIZE) {
    const batch = makeEvalBatch(images, start, Math.min(images.count, start + EVAL_BATCH_SIZE));
    tf.tidy(() => {
      const x = imageTensor(batch.x);
      lanes.forEach((lane, i) => chunks[i].push(tf.keep(lane.trainer.features(x))));
    });
  }
  return chunks.map((parts) => {
    const all = tf.concat(parts);
    parts.forEach((t) => t.dispose());
    return all;
  });
}

/** Evaluates the lanes; returns their reports and the bytes read back (one read in all). */
export async function evaluateLanes(lanes: readonly EvaluatedLane[], context: EvaluationContext): Promise<{ runs: RunSnapshot[]; readBackBytes: number }> {
  const { train, test, numClasses: C } = context;
  const trainFeatures = laneFeatures(train, lanes);
  const testFeatures = laneFeatures(test, lanes);
  const flat = tf.tidy(() =>
    tf.concat(
      lanes.flatMap((lane, i) => {
        const classifier = lane.trainer.model.classifierVariables();
        return [trainFeatures[i], testFeatures[i], classifier.weight, classifier.bias, lane.trainer.gradientNormSums].map((t) => tf.reshape(t, [-1]));
      }),
    ),
  );
  tf.dispose([...trainFeatures, ...testFeatures]);
  const values = (await flat.data()) as Float32Array;
  flat.dispose();

  let offset = 0;
  const take = (n: number) => values.slice(offset, (offset += n));
  const runs = lanes.map((lane): RunSnapshot => {
    const D = featureSize(lane.trainer.model.spec);
    const plane = D === FEATURE_DIM;
    const trainF = take(train.count * D);
    const testF = take(test.count * D);
    const [weight, bias] = [take(D * C), take(C)];
    const trained = plane ? classifierFromFlat(weight, bias, C) : denseClassifierFromFlat(weight, bias, C, D);
    const normSums = take(C);
    const classifier = lane.cosineScale === null ? trained : unitClassifier(trained);
    const trainStats = classStatistics(predict(trainF, classifier), train.labels, C);
    const testStats = classStatistics(predict(testF, classifier), test.labels, C);
    const plotted = new Float32Array(plane ? context.plotIndices.length * FEATURE_DIM : 0);
    if (plane) {
      context.plotIndices.forEach((i, j) => {
        plotted[FEATURE_DIM * j] = trainF[FEATURE_DIM * i];
        plotted[FEATURE_DIM * j + 1] = trainF[FEATURE_DIM * i + 1];
      });
    }
    const featureGradientNorm = Array.from(normSums, (sum, c) => sum / Math.max(1, context.samplesPerClass[c]));
    return {
      trainLoss: lane.trainLoss,
      cleanTrainLoss: meanCrossEntropy(trainF, train.labels, trained, lane.cosineScale),
      trainAccuracy: trainStats.accuracy,
      testAccuracy: testStats.accuracy,
      classificationRatio: trainStats.classificationRatio,
      featureGradientNorm,
      gradientNormRatio: minorMajorRatio(featureGradientNorm, context.majorClasses),
      featureDeviation: featureDeviation(trainF, train.labels, testF, test.labels, C, new Rng(context.deviationSeed), DEVIATION_ROUNDS, D),
      trainFeatures: plotted,
      testFeatures: plane ? testF : new Float32Array(0),
      // A 64-d lane's snapshot holds no classifier: there is no plane to draw its regions in.
      classifier: plane ? (classifier as LinearClassifier) : { weight: [], bias: [] },
      classifierWeightNorm: classifierWeightNorms(trained),
      classWeights: lane.classWeights,
      relabelledFraction: lane.relabelledFraction,
      meanPartnerShare: lane.meanPartnerShare,
    };
  });
  return { runs, readBackBytes: values.byteLength };
}
