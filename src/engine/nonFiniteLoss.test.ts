import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { validateConfig } from '../config/experiment.ts';
import { syntheticExperimentData } from './syntheticData.ts';
import { NonFiniteLossError, LockstepRunner } from './lockstep.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

it('a NaN weight makes training stop with NonFiniteLossError naming the lane, not silently continue', async () => {
  const counts = [8, 8, 4, 4];
  const data = syntheticExperimentData(counts, 2, 3);
  const { config } = validateConfig({ imbalance: 'custom', trainCounts: counts, width: 0.25, blocksPerStage: 1, batchSize: 8, epochs: 1, trainFeatureSample: 100 });
  const healthy = await LockstepRunner.create(data, config);
  const state = await healthy.saveState();
  healthy.dispose();

  // Poison the MFW run's last variable (the classifier bias): every logit, hence the loss, becomes NaN.
  const variables = state.runs.mfw.variables;
  variables[variables.length - 1] = new Float32Array(new Float32Array(variables[variables.length - 1]).fill(Number.NaN)).buffer;
  const poisoned = await LockstepRunner.restore(data, config, state);
  const failure = await (async () => {
    // The loss is read back one step late (the queue stays bounded), so allow a few steps.
    for (let i = 0; i < poisoned.stepsPerEpoch + 1; i++) {
      if (poisoned.step === poisoned.stepsPerEpoch) await poisoned.finishEpoch();
      else await poisoned.trainStep();
    }
    return null;
  })().catch((error: unknown) => error);
  poisoned.dispose();

  expect(failure).toBeInstanceOf(NonFiniteLossError);
  expect((failure as NonFiniteLossError).lane).toBe('MFW');
  expect((failure as Error).message).toMatch(/^The MFW loss became NaN at epoch 1, step \d; try a smaller learning rate\.$/);
});
