/**
 * What a run costs, before it runs: a run's duration from a calibration (a few timed steps of one lane and one timed evaluation on this device),
 * times the lanes trained one after another (every lane runs the same network; a method's extra work is at most a few percent, npm run bench):
 * all of them on a GPU, the busiest lane worker's on the CPU backends (core/laneSplit.ts). Imports no tfjs, so the settings panel can show
 * every preset's estimate.
 */
import { TEST_PER_CLASS } from '../config/imbalance.ts';
import { trainSetSize, type ExperimentConfig } from '../config/experiment.ts';
import { forwardMacsPerImage } from './architecture.ts';

/** What decides the time of one training step: the network and the batch. */
export interface NetworkProfile {
  blocksPerStage: number;
  width: number;
  batchSize: number;
}

export function profileOf(config: Pick<ExperimentConfig, 'blocksPerStage' | 'width' | 'batchSize'>): NetworkProfile {
  return { blocksPerStage: config.blocksPerStage, width: config.width, batchSize: config.batchSize };
}

/** Multiply-accumulates of one training batch's forward pass: what a timing is scaled by. */
export function arithmeticPerStep(profile: NetworkProfile): number {
  return forwardMacsPerImage(profile.blocksPerStage, profile.width) * profile.batchSize;
}

export function profileKey(backend: string, profile: NetworkProfile): string {
  return `${backend}/n${profile.blocksPerStage}/w${profile.width}/b${profile.batchSize}`;
}

/** Timings of one lane (ERM) on one backend. */
export interface Calibration {
  backend: string;
  profile: NetworkProfile;
  /** Seconds per training step of one lane on one batch. */
  secondsPerStep: number;
  /** Seconds per image of the epoch-end evaluation of one lane (features of the training and test sets, and the metrics). */
  evalSecondsPerImage: number;
  /** Timed on this device, or scaled from another network's timing by the arithmetic per image. */
  source: 'measured' | 'scaled';
}

/**
 * Another network's timing predicted from a measured one, in proportion to the arithmetic per
 * batch. Fair where the arithmetic is the bottleneck (a CPU or a software GPU); on a real GPU the
 * number of kernels counts as much, so there each preset is measured instead.
 */
export function scaleCalibration(measured: Calibration, profile: NetworkProfile): Calibration {
  const from = forwardMacsPerImage(measured.profile.blocksPerStage, measured.profile.width);
  const to = forwardMacsPerImage(profile.blocksPerStage, profile.width);
  return {
    backend: measured.backend,
    profile,
    secondsPerStep: (measured.secondsPerStep * arithmeticPerStep(profile)) / arithmeticPerStep(measured.profile),
    evalSecondsPerImage: (measured.evalSecondsPerImage * to) / from,
    source: 'scaled',
  };
}

export interface RunEstimate {
  /** Training and evaluation of the epochs left. */
  seconds: number;
  trainSeconds: number;
  evalSeconds: number;
  /** Epochs the estimate covers. */
  epochs: number;
}

/**
 * The time left of a run of `config` (all its lanes) after `completedEpochs`, at the calibration's
 * speed, with `lanes` of them trained one after another (default: all, as on a GPU).
 */
export function estimateRun(config: ExperimentConfig, calibration: Calibration, completedEpochs = 0, lanes = config.methods.length): RunEstimate {
  const trainImages = trainSetSize(config);
  const testImages = config.trainCounts.length * Math.min(config.testPerClass, TEST_PER_CLASS);
  const epochs = Math.max(0, config.epochs - completedEpochs);
  const trainSeconds = lanes * epochs * Math.ceil(trainImages / config.batchSize) * calibration.secondsPerStep;
  const evalSeconds = lanes * epochs * (trainImages + testImages) * calibration.evalSecondsPerImage;
  return { seconds: trainSeconds + evalSeconds, trainSeconds, evalSeconds, epochs };
}
