import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateConfig, type ExperimentConfig } from '../config/experiment.ts';
import { syntheticExperimentData } from './syntheticData.ts';
import { TwinRunner } from './twin.ts';
import { measureSnapshotBytes, snapshotPayloadBytes } from '../core/snapshot.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Tiny on purpose: the CPU backend trains a width-0.25 ResNet-8 at a few images per second.
const COUNTS = [12, 12, 4, 4];
const data = syntheticExperimentData(COUNTS, 4, 5);

function tinyConfig(overrides: Partial<ExperimentConfig> = {}): ExperimentConfig {
  const { config, problems } = validateConfig({
    imbalance: 'custom', trainCounts: COUNTS, width: 0.25, blocksPerStage: 1, batchSize: 8, epochs: 4,
    trainFeatureSample: 100, seed: 11, ...overrides,
  });
  expect(problems).toEqual([]);
  return config;
}

async function trainSteps(twin: TwinRunner, steps: number): Promise<void> {
  for (let i = 0; i < steps; i++) await twin.trainStep();
}

describe('TwinRunner', () => {
  it('trains and evaluates a method alone (the bench) exactly as in the twin, on the same batch', async () => {
    const config = tinyConfig();
    const twin = await TwinRunner.create(data, config);
    const alone = await TwinRunner.create(data, config);
    const tensorsAtStart = tf.memory().numTensors;
    await twin.trainStep();
    await alone.trainRunStep('mfw');
    const [inTwin, byItself] = await Promise.all([twin.evaluateRun('mfw'), alone.evaluateRun('mfw')]);
    expect(byItself.trainLoss).toBe(inTwin.trainLoss);
    expect(Array.from(byItself.testFeatures)).toEqual(Array.from(inTwin.testFeatures));
    expect(byItself.featureGradientNorm).toEqual(inTwin.featureGradientNorm);
    // One run's loss (4 bytes) instead of both (8), then the same read of MFW's metrics.
    expect(alone.epochReadBackBytes).toBe(twin.epochReadBackBytes - 4);
    expect(tf.memory().numTensors).toBe(tensorsAtStart);
    twin.dispose();
    alone.dispose();
  });

  it('fills a snapshot, leaks no tensors, and continues identically after save/restore', async () => {
    const config = tinyConfig();
    const twin = await TwinRunner.create(data, config);
    expect(twin.stepsPerEpoch).toBe(4);
    const tensorsAtStart = tf.memory().numTensors;

    await trainSteps(twin, 2);
    const tensorsMidEpoch = tf.memory().numTensors;
    const state = await twin.saveState();
    structuredClone(state); // must cross to IndexedDB
    await trainSteps(twin, 2);
    const snapshot = await twin.finishEpoch();
    expect(tf.memory().numTensors).toBe(tensorsAtStart);

    expect(snapshot.epoch).toBe(1);
    expect(snapshot.learningRate).toBeGreaterThan(0);
    expect(snapshot.imagesPerSecond).toBeGreaterThan(0);
    expect(snapshot.trainFeatureLabels.length).toBe(32);
    expect(snapshot.testLabels.length).toBe(16);
    for (const run of Object.values(snapshot.runs)) {
      expect(run.trainFeatures.length).toBe(64);
      expect(run.testFeatures.length).toBe(32);
      for (const perClass of [run.trainAccuracy, run.testAccuracy, run.classificationRatio, run.featureGradientNorm, run.featureDeviation]) {
        expect(perClass).toHaveLength(4);
        perClass.forEach((v) => expect(Number.isFinite(v)).toBe(true));
      }
      run.featureGradientNorm.forEach((v) => expect(v).toBeGreaterThan(0));
      expect(run.classifier.weight).toHaveLength(4);
      expect(run.classifier.bias).toHaveLength(4);
      expect(Number.isFinite(run.trainLoss)).toBe(true);
    }
    // The history's memory per epoch is the formula's: 32 points, 16 test images, 4 classes.
    expect(measureSnapshotBytes(snapshot)).toBe(snapshotPayloadBytes(32, 16, 4));
    // The ratio's numerators count every training image once.
    const ratio = snapshot.runs.erm.classificationRatio;
    expect(ratio.reduce((sum, r, c) => sum + r * COUNTS[c], 0)).toBeCloseTo(32, 9);

    // A second epoch: the same number of tensors alive at the same points.
    await trainSteps(twin, 2);
    expect(tf.memory().numTensors).toBe(tensorsMidEpoch);
    await trainSteps(twin, 2);
    await twin.finishEpoch();
    expect(tf.memory().numTensors).toBe(tensorsAtStart);
    twin.dispose();

    const resumed = await TwinRunner.restore(data, config, state);
    expect(resumed.epoch).toBe(0);
    expect(resumed.step).toBe(2);
    await trainSteps(resumed, 2);
    const resumedSnapshot = await resumed.finishEpoch();
    resumed.dispose();
    expect(resumedSnapshot.runs).toEqual(snapshot.runs);
  });

  it('runs in lockstep: with s ≡ 0 the MFW losses equal the ERM ones, and a seed reproduces them', async () => {
    const config = tinyConfig({ epochs: 1 });
    const plain = await TwinRunner.create(data, config);
    await trainSteps(plain, plain.stepsPerEpoch);
    await plain.finishEpoch();
    plain.dispose();

    const unmixed = await TwinRunner.create(data, config, { mixingWeights: [0, 0, 0, 0] });
    await trainSteps(unmixed, unmixed.stepsPerEpoch);
    const snapshot = await unmixed.finishEpoch();
    unmixed.dispose();

    expect(unmixed.lastEpochLosses.erm).toHaveLength(4);
    expect(unmixed.lastEpochLosses.mfw).toEqual(unmixed.lastEpochLosses.erm);
    expect(snapshot.runs.mfw.testFeatures).toEqual(snapshot.runs.erm.testFeatures);
    // Same seed, same batches and initial weights: ERM is unaffected by what the MFW twin does.
    expect(unmixed.lastEpochLosses.erm).toEqual(plain.lastEpochLosses.erm);
    // With the paper's s, MFW's losses differ from the first step on.
    expect(plain.lastEpochLosses.mfw[0]).not.toBe(plain.lastEpochLosses.erm[0]);
  });

  // The slowest test (~1 min): a 2-D bottleneck needs a few dozen steps, and eval mode needs the
  // BN running statistics to have converged. The CPU backend is deterministic, so this is too.
  it('learns four easily separable classes', async () => {
    const counts = [8, 8, 8, 8];
    const separable = syntheticExperimentData(counts, 4, 9);
    const config = tinyConfig({ trainCounts: counts, width: 0.5, batchSize: 8, epochs: 8, learningRate: 0.1 });
    const twin = await TwinRunner.create(separable, config);
    let snapshot = null;
    while (!twin.finished) {
      await trainSteps(twin, twin.stepsPerEpoch);
      snapshot = await twin.finishEpoch();
    }
    twin.dispose();
    for (const run of Object.values(snapshot!.runs)) {
      const accuracy = run.trainAccuracy.reduce((a, b) => a + b, 0) / 4;
      expect(accuracy).toBeGreaterThan(0.9);
    }
  });
});
