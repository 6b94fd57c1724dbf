/**
 * The engine under Table 1's protocol, tiny: ten classes, the 64-d feature without the projection and
 * the LDAM schedule (command line only), on synthetic data with the CPU backend.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateConfig, type ConfigInput, type ExperimentConfig } from '../config/experiment.ts';
import { parameterCount } from '../core/architecture.ts';
import { IncompatibleStateError } from './checkpoint.ts';
import { LockstepRunner } from './lockstep.ts';
import { syntheticExperimentData } from './syntheticData.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const CLASSES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const COUNTS = [4, 4, 3, 3, 2, 2, 2, 1, 1, 1];
const data = syntheticExperimentData(COUNTS, 2, 3);

function engineConfig(overrides: ConfigInput): ExperimentConfig {
  const { config, problems } = validateConfig(
    { classes: CLASSES, imbalance: 'custom', trainCounts: COUNTS, width: 0.25, blocksPerStage: 1, batchSize: 8, epochs: 1, trainFeatureSample: 100, testPerClass: 10, seed: 4, ...overrides },
    undefined,
    'engine',
  );
  expect(problems).toEqual([]);
  return config;
}

async function trainEpoch(runner: LockstepRunner) {
  for (let s = 0; s < runner.stepsPerEpoch; s++) await runner.trainStep();
  return runner.finishEpoch();
}

describe('Table 1’s protocol in the engine (10 classes, 64-d feature, LDAM schedule)', () => {
  it('trains ten classes with the 64-d feature: per-class measurements of length 10, finite losses, no 2-D features kept', async () => {
    const config = engineConfig({ featureDim: 64, schedule: 'ldam', methods: ['erm', 'ldam-drw', 'mfw'] });
    const runner = await LockstepRunner.create(data, config);
    expect(runner.stepsPerEpoch).toBe(3);
    // The trunk's parameters, then a 16 → 10 classifier on the pooled feature (width 0.25): no projection.
    expect(runner.parameterCount).toBe(parameterCount({ blocksPerStage: 1, width: 0.25, numClasses: 10, featureDim: 64 }));
    expect(parameterCount({ blocksPerStage: 1, width: 0.25, numClasses: 10, featureDim: 64 }) - parameterCount({ blocksPerStage: 1, width: 0.25, numClasses: 10 })).toBe(16 * 10 + 10 - (16 * 2 + 2 + 2 * 10 + 10));
    const tensorsAtStart = tf.memory().numTensors;
    const snapshot = await trainEpoch(runner);
    expect(tf.memory().numTensors).toBe(tensorsAtStart);
    // One epoch of the LDAM schedule: both decays fall at epoch 0 (80 % and 90 % of 1 epoch).
    expect(snapshot.learningRate).toBeCloseTo(0.1 * 0.0001, 12);
    expect(Object.keys(snapshot.runs)).toEqual(['erm', 'ldam-drw', 'mfw']);
    expect(snapshot.testLabels).toHaveLength(20);
    for (const id of config.methods) {
      const run = snapshot.runs[id];
      for (const perClass of [run.trainAccuracy, run.testAccuracy, run.classificationRatio, run.featureGradientNorm, run.featureDeviation, run.classifierWeightNorm, run.classWeights]) {
        expect(perClass).toHaveLength(10);
        expect(perClass.every(Number.isFinite)).toBe(true);
      }
      expect(run.testAccuracy.every((a) => a >= 0 && a <= 1)).toBe(true);
      expect(Number.isFinite(run.trainLoss) && Number.isFinite(run.cleanTrainLoss)).toBe(true);
      expect(runner.lastEpochLosses[id]).toHaveLength(3);
      expect(runner.lastEpochLosses[id].every(Number.isFinite)).toBe(true);
      // Nothing to plot: no 2-D features, no classifier to draw regions with (its norms are above).
      expect(run.trainFeatures).toHaveLength(0);
      expect(run.testFeatures).toHaveLength(0);
      expect(run.classifier).toEqual({ weight: [], bias: [] });
    }
    expect(snapshot.runs.mfw.meanPartnerShare).toHaveLength(10);

    // A saved state names its 64-d feature: it continues only a 64-d run.
    const state = await runner.saveState();
    expect(state.shape.featureDim).toBe(64);
    await expect(LockstepRunner.restore(data, { ...config, featureDim: 2 }, state)).rejects.toThrow(IncompatibleStateError);
    runner.dispose();
  });

  it('trains ten classes with the 2-D head too, its features and classifier kept for plotting', async () => {
    const config = engineConfig({ methods: ['erm'] });
    const runner = await LockstepRunner.create(data, config);
    const snapshot = await trainEpoch(runner);
    const run = snapshot.runs.erm;
    expect(run.testAccuracy).toHaveLength(10);
    expect(run.classifier.weight).toHaveLength(10);
    expect(run.classifier.weight.every((w) => w.length === 2)).toBe(true);
    expect(run.trainFeatures).toHaveLength(2 * COUNTS.reduce((a, b) => a + b, 0));
    expect(run.testFeatures).toHaveLength(2 * 20);
    expect(Number.isFinite(run.trainLoss)).toBe(true);
    expect((await runner.saveState()).shape).not.toHaveProperty('featureDim');
    runner.dispose();
  });
});
