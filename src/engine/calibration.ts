/**
 * Times one lane of a configuration's network (ERM; other methods cost at most a few percent more,
 * npm run bench) on the current backend before it trains, so the page can say how long the run will
 * take with any number of lanes (networkCost.ts). A fresh runner on stand-in data of the right shapes (speed does not depend
 * on the pixels) runs two untimed steps (shaders compile, buffer pools fill, the loss read-back
 * pipeline fills), then timed steps, then an untimed and a timed evaluation. The real run is not
 * touched, but it profits: its shaders are compiled by then.
 */
import type { ExperimentConfig } from '../config/experiment.ts';
import { profileOf, type Calibration } from '../core/networkCost.ts';
import { syntheticExperimentData } from './syntheticData.ts';
import { LockstepRunner } from './lockstep.ts';

const WARM_UP_STEPS = 2;

export interface CalibrationOptions {
  /** Timed training steps at most. */
  steps?: number;
  /** No further timed step once the timed ones took this long (at least one is timed). */
  maxTimedSeconds?: number;
  /** Checked between steps: true abandons the calibration (the result is then null). */
  cancelled?: () => boolean;
  /** Called after each part (steps and evaluations) with the parts done and their total. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Test images per class of the stand-in data. By default half a batch, at most 64: at batch 128
   * the evaluation then has about as many full evaluation batches per image as a real one (a cost
   * that counts on a GPU); a small batch is a small network to time, and its evaluation stays small too.
   */
  testPerClass?: number;
}

/** The stand-in data's training counts: the configuration's class shares over `images` images, at least one each. */
function standInCounts(trainCounts: readonly number[], images: number): number[] {
  const total = trainCounts.reduce((a, b) => a + b, 0);
  const counts = trainCounts.map((n) => Math.max(1, Math.floor((n / total) * images)));
  counts[0] += Math.max(0, images - counts.reduce((a, b) => a + b, 0));
  return counts;
}

export async function calibrateLane(config: ExperimentConfig, backend: string, options: CalibrationOptions = {}): Promise<Calibration | null> {
  const { steps = 3, maxTimedSeconds = 10, cancelled = () => false, onProgress } = options;
  const testPerClass = options.testPerClass ?? Math.max(8, Math.min(64, Math.round(config.batchSize / 2)));
  const data = syntheticExperimentData(standInCounts(config.trainCounts, (WARM_UP_STEPS + steps) * config.batchSize), testPerClass, config.seed);
  const runner = await LockstepRunner.create(data, { ...config, epochs: 1, methods: ['erm'] });
  const parts = WARM_UP_STEPS + steps + 2;
  let done = 0;
  const progress = () => onProgress?.(++done, parts);
  try {
    for (let s = 0; s < WARM_UP_STEPS; s++) {
      if (cancelled()) return null;
      await runner.trainStep();
      progress();
    }
    let timedSteps = 0;
    const started = performance.now();
    let seconds = 0;
    while (timedSteps < steps && (timedSteps === 0 || seconds < maxTimedSeconds)) {
      if (cancelled()) return null;
      await runner.trainStep();
      timedSteps++;
      seconds = (performance.now() - started) / 1000;
      progress();
    }
    done = WARM_UP_STEPS + steps;
    if (cancelled()) return null;
    // Untimed: compiles the evaluation's kernels (and waits for the last training step).
    await runner.evaluateLane('erm');
    progress();
    if (cancelled()) return null;
    const evalStarted = performance.now();
    await runner.evaluateLane('erm');
    const evalSeconds = (performance.now() - evalStarted) / 1000;
    progress();
    return {
      backend,
      profile: profileOf(config),
      secondsPerStep: seconds / timedSteps,
      evalSecondsPerImage: evalSeconds / (data.train.count + data.test.count),
      source: 'measured',
    };
  } finally {
    runner.dispose();
  }
}
