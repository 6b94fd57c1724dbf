import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentConfig } from '../config/experiment.ts';
import { syntheticExperimentData } from './syntheticData.ts';
import { TINY_COUNTS, tinyConfig, tinyData } from './runFixture.ts';
import { LockstepRunner } from './lockstep.ts';
import { IncompatibleStateError } from './checkpoint.ts';
import { measureSnapshotBytes, snapshotPayloadBytes } from '../core/snapshot.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const data = tinyData;

async function trainSteps(runner: LockstepRunner, steps: number): Promise<void> {
  for (let i = 0; i < steps; i++) await runner.trainStep();
}

/** Trains a whole run; returns every lane's per-step losses and its last snapshot. */
async function trainRun(config: ExperimentConfig, options = {}) {
  const runner = await LockstepRunner.create(data, config, options);
  const losses: Record<string, number[]> = Object.fromEntries(config.methods.map((id) => [id, []]));
  let snapshot = null;
  while (!runner.finished) {
    await trainSteps(runner, runner.stepsPerEpoch);
    snapshot = await runner.finishEpoch();
    for (const id of config.methods) losses[id].push(...runner.lastEpochLosses[id]);
  }
  runner.dispose();
  return { losses, snapshot: snapshot! };
}

/** Per-step losses of the ERM/MFW twin before the method lab (commit 5bcc4fc), this data and seed, epochs 2; with DRW on both. */
const BEFORE_THE_LAB = {"plain": {"erm": [2.5283799171447754, 2.168111562728882, 6.178249359130859, 1.2685859203338623, 0.8511345386505127, 2.2383742332458496, 1.2780102491378784, 0.883438766002655], "mfw": [2.3590731620788574, 2.136246681213379, 5.951997756958008, 0.9021445512771606, 1.201545238494873, 1.5918924808502197, 1.0353959798812866, 0.9106557965278625]}, "drw": {"erm": [2.5283799171447754, 2.168111562728882, 6.178249359130859, 1.2685859203338623, 0.8825790882110596, 3.0569396018981934, 1.0878849029541016, 0.7888271808624268], "mfw": [2.3590731620788574, 2.136246681213379, 5.951997756958008, 0.9021445512771606, 1.1133944988250732, 1.687300443649292, 0.8407056927680969, 0.7927556037902832]}};

describe('LockstepRunner', () => {
  it('trains and evaluates a lane alone (the bench) exactly as in lockstep, on the same batch', async () => {
    const config = tinyConfig({ methods: ['erm', 'mfw', 'la'] });
    const all = await LockstepRunner.create(data, config);
    const alone = await LockstepRunner.create(data, config);
    const tensorsAtStart = tf.memory().numTensors;
    await all.trainStep();
    await alone.trainLaneStep('mfw');
    const [inLockstep, byItself] = await Promise.all([all.evaluateLane('mfw'), alone.evaluateLane('mfw')]);
    expect(byItself.trainLoss).toBe(inLockstep.trainLoss);
    expect(Array.from(byItself.testFeatures)).toEqual(Array.from(inLockstep.testFeatures));
    expect(byItself.featureGradientNorm).toEqual(inLockstep.featureGradientNorm);
    // One lane's loss (4 bytes) instead of three (12), then the same read of MFW's metrics.
    expect(alone.epochReadBackBytes).toBe(all.epochReadBackBytes - 8);
    expect(tf.memory().numTensors).toBe(tensorsAtStart);
    all.dispose();
    alone.dispose();
  });

  it('fills a snapshot for every lane, leaks no tensors, and continues identically after save/restore', async () => {
    const config = tinyConfig({ methods: ['erm', 'mfw', 'ldam-drw:start=0', 'remix-drw', 'manifold-mixup'] });
    const runner = await LockstepRunner.create(data, config);
    expect(runner.stepsPerEpoch).toBe(4);
    const tensorsAtStart = tf.memory().numTensors;

    await trainSteps(runner, 2);
    const tensorsMidEpoch = tf.memory().numTensors;
    const state = await runner.saveState();
    structuredClone(state); // must cross to IndexedDB
    await trainSteps(runner, 2);
    const snapshot = await runner.finishEpoch();
    expect(tf.memory().numTensors).toBe(tensorsAtStart);

    expect(snapshot.epoch).toBe(1);
    expect(snapshot.learningRate).toBeGreaterThan(0);
    expect(snapshot.imagesPerSecond).toBeGreaterThan(0);
    expect(snapshot.trainFeatureLabels.length).toBe(32);
    expect(snapshot.testLabels.length).toBe(16);
    expect(Object.keys(snapshot.runs)).toEqual(config.methods);
    for (const run of Object.values(snapshot.runs)) {
      expect(run.trainFeatures.length).toBe(64);
      expect(run.testFeatures.length).toBe(32);
      for (const perClass of [run.trainAccuracy, run.testAccuracy, run.classificationRatio, run.featureGradientNorm, run.featureDeviation, run.classifierWeightNorm, run.classWeights]) {
        expect(perClass).toHaveLength(4);
        perClass.forEach((v) => expect(Number.isFinite(v)).toBe(true));
      }
      run.featureGradientNorm.forEach((v) => expect(v).toBeGreaterThan(0));
      expect(run.classifier.weight).toHaveLength(4);
      expect(run.classifier.bias).toHaveLength(4);
      for (const value of [run.trainLoss, run.cleanTrainLoss, run.gradientNormRatio]) expect(Number.isFinite(value)).toBe(true);
    }
    // The comparable metrics: clean loss in evaluation mode, the gradient ratio, the method's own measures.
    const erm = snapshot.runs.erm;
    expect(erm.gradientNormRatio).toBeCloseTo((erm.featureGradientNorm[2] + erm.featureGradientNorm[3]) / (erm.featureGradientNorm[0] + erm.featureGradientNorm[1]), 6);
    expect(erm.classWeights).toEqual([1, 1, 1, 1]);
    expect(erm.relabelledFraction).toBeNull();
    expect(erm.meanPartnerShare).toBeNull();
    // MFW weakens the major classes only (two-level s: 0.5 major, 0 minor).
    const share = snapshot.runs.mfw.meanPartnerShare!;
    expect(share[0]).toBeGreaterThan(0);
    expect(share[2]).toBe(0);
    // LDAM: cosine head reported as unit weights and no bias; DRW weights in force from epoch 0 here.
    const ldam = snapshot.runs['ldam-drw:start=0'];
    ldam.classifier.weight.forEach(([a, b]) => expect(Math.hypot(a, b)).toBeCloseTo(1, 6));
    expect(ldam.classifier.bias).toEqual([0, 0, 0, 0]);
    expect(ldam.classWeights[3]).toBeGreaterThan(ldam.classWeights[0]);
    const remix = snapshot.runs['remix-drw'];
    expect(remix.relabelledFraction).toBeGreaterThanOrEqual(0);
    expect(remix.relabelledFraction).toBeLessThanOrEqual(1);
    // The history's memory per epoch is the formula's: 32 points, 16 test images, 4 classes, 5 lanes.
    expect(measureSnapshotBytes(snapshot)).toBe(snapshotPayloadBytes(32, 16, 4, 5));
    // The ratio's numerators count every training image once.
    const ratio = snapshot.runs.erm.classificationRatio;
    expect(ratio.reduce((sum, r, c) => sum + r * TINY_COUNTS[c], 0)).toBeCloseTo(32, 9);

    // A second epoch: the same number of tensors alive at the same points.
    await trainSteps(runner, 2);
    expect(tf.memory().numTensors).toBe(tensorsMidEpoch);
    await trainSteps(runner, 2);
    await runner.finishEpoch();
    expect(tf.memory().numTensors).toBe(tensorsAtStart);
    runner.dispose();

    const resumed = await LockstepRunner.restore(data, config, state);
    expect(resumed.epoch).toBe(0);
    expect(resumed.step).toBe(2);
    await trainSteps(resumed, 2);
    const resumedSnapshot = await resumed.finishEpoch();
    resumed.dispose();
    expect(resumedSnapshot.runs).toEqual(snapshot.runs);

    // A state of other lanes, or of the twin before the lab, is refused with a message, not continued.
    await expect(LockstepRunner.restore(data, { ...config, methods: ['erm', 'mfw'] }, state)).rejects.toThrow(IncompatibleStateError);
    await expect(LockstepRunner.restore(data, config, { ...state, version: 1 } as never)).rejects.toThrow(/older version of the app .* starts again from epoch 0/);
  });

  it('seed version 1 reproduces the ERM/MFW twin from before the method lab exactly, with and without DRW', async () => {
    const old = tinyConfig({ epochs: 2, seedVersion: 1 });
    const plain = await trainRun(old);
    expect(plain.losses.erm).toEqual(BEFORE_THE_LAB.plain.erm);
    expect(plain.losses.mfw).toEqual(BEFORE_THE_LAB.plain.mfw);
    const drw = await trainRun(tinyConfig({ epochs: 2, seedVersion: 1, drw: true } as never));
    expect(drw.losses.drw).toEqual(BEFORE_THE_LAB.drw.erm);
    expect(drw.losses['mfw-drw']).toEqual(BEFORE_THE_LAB.drw.mfw);
  });

  it('adding, removing or reordering lanes leaves every other lane bitwise unchanged (seed version 2)', async () => {
    const pair = await trainRun(tinyConfig({ epochs: 1, methods: ['erm', 'mfw'] }));
    const many = await trainRun(tinyConfig({ epochs: 1, methods: ['remix-drw', 'mfw', 'la', 'erm'] }));
    for (const id of ['erm', 'mfw']) {
      expect(many.losses[id]).toEqual(pair.losses[id]);
      expect(many.snapshot.runs[id].testFeatures).toEqual(pair.snapshot.runs[id].testFeatures);
      expect(many.snapshot.runs[id].classifier).toEqual(pair.snapshot.runs[id].classifier);
    }
    // With the paper's s, MFW's losses differ from ERM's from the first step on.
    expect(pair.losses.mfw[0]).not.toBe(pair.losses.erm[0]);
  });

  // Degenerate cases: each method reduces, bitwise, to the simpler one it generalises.
  it('the subset seed leaves the initial weights, batch order, augmentation and draws alone; the seed changes them', async () => {
    // On the same images (the subset seed only chooses them: src/data/subset.test.ts), after one step.
    const stateOf = async (seeds: Partial<ExperimentConfig>) => {
      const runner = await LockstepRunner.create(data, tinyConfig({ methods: ['erm', 'mfw'], ...seeds }));
      const initial = (await runner.saveState()).runs.erm.variables.map((b) => Array.from(new Float32Array(b)));
      await runner.trainStep();
      const state = await runner.saveState();
      runner.dispose();
      const floats = (lane: string) => state.runs[lane].variables.map((b) => Array.from(new Float32Array(b)));
      return { initial, order: Array.from(new Int32Array(state.order)), rng: state.rng, erm: floats('erm'), mfw: floats('mfw'), draws: state.runs.mfw.draws };
    };
    const base = await stateOf({ seed: 11, subsetSeed: 11 });
    expect(await stateOf({ seed: 11, subsetSeed: 4 })).toEqual(base);
    const otherSeed = await stateOf({ seed: 4, subsetSeed: 11 });
    expect(otherSeed.initial).not.toEqual(base.initial);
    expect(otherSeed.order).not.toEqual(base.order);
    expect(otherSeed.draws).not.toEqual(base.draws);
  });

  it('MFW with s ≡ 0 is ERM', async () => {
    const { losses, snapshot } = await trainRun(tinyConfig({ epochs: 1, methods: ['erm', 'mfw'] }), { mfwWeights: [0, 0, 0, 0] });
    expect(losses.erm).toHaveLength(4);
    expect(losses.mfw).toEqual(losses.erm);
    expect(snapshot.runs.mfw.testFeatures).toEqual(snapshot.runs.erm.testFeatures);
  });

  it.each([
    ['logit adjustment with τ = 0 is ERM', 'erm', 'la:tau=0'],
    ['DRW starting after the last epoch is ERM', 'erm', 'drw:start=1'],
    ['re-weighting with β = 0 (every weight 1) is ERM', 'erm', 'rw:cbbeta=0'],
    ['Remix with τ = 0 (and no DRW) is mixup', 'mixup', 'remix-drw:tau=0:start=1'],
    ['manifold mixup at the input is input mixup', 'mixup:alpha=2', 'manifold-mixup:point=input'],
    ['MFW-DRW before its DRW starts is MFW', 'mfw', 'mfw-drw:start=1'],
  ])('%s', async (_, simple, general) => {
    const { losses, snapshot } = await trainRun(tinyConfig({ epochs: 1, methods: [simple, general] }));
    expect(losses[general]).toEqual(losses[simple]);
    expect(snapshot.runs[general].testFeatures).toEqual(snapshot.runs[simple].testFeatures);
  });

  // The slowest test (~1 min): a 2-D bottleneck needs a few dozen steps, and eval mode needs the
  // BN running statistics to have converged. The CPU backend is deterministic, so this is too.
  it('learns four easily separable classes', async () => {
    const counts = [8, 8, 8, 8];
    const separable = syntheticExperimentData(counts, 4, 9);
    const config = tinyConfig({ trainCounts: counts, width: 0.5, batchSize: 8, epochs: 8, learningRate: 0.1 });
    const runner = await LockstepRunner.create(separable, config);
    let snapshot = null;
    while (!runner.finished) {
      await trainSteps(runner, runner.stepsPerEpoch);
      snapshot = await runner.finishEpoch();
    }
    runner.dispose();
    for (const run of Object.values(snapshot!.runs)) {
      const accuracy = run.trainAccuracy.reduce((a, b) => a + b, 0) / 4;
      expect(accuracy).toBeGreaterThan(0.9);
    }
  });
});
