/**
 * Whole training steps on webgpu (Dawn on SwiftShader in Node; tiny ResNet-8, a few seconds a
 * step): the fused path trains as the stock tfjs composition does, and the twin stays a controlled
 * comparison: the same seed gives the same weights bit for bit, and with s ≡ 0 MFW is ERM bit for
 * bit. (tfjs's split-K matmul, the one kernel with float atomics, is chosen only for unbatched
 * products with an inner size ≥ 2,000; the engine's largest is the batch, at most 512.)
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../config/experiment.ts';
import { syntheticExperimentData } from '../syntheticData.ts';
import { TwinRunner, type TwinOptions, type TwinState } from '../twin.ts';
import { relativeError } from '../../util/relativeError.ts';
import { deviceErrorsSoFar, useNodeWebGpu } from './testing.ts';

beforeAll(useNodeWebGpu);
afterAll(() => expect(deviceErrorsSoFar()).toEqual([]));

const COUNTS = [4, 4, 2, 2];
const data = syntheticExperimentData(COUNTS, 2, 3);
const { config } = validateConfig({ imbalance: 'custom', trainCounts: COUNTS, width: 0.25, blocksPerStage: 1, batchSize: 4, epochs: 2, trainFeatureSample: 100, seed: 5 });

/** Three training steps (one epoch) of a fresh twin; the saved state holds every weight and momentum. */
async function threeSteps(options: TwinOptions): Promise<TwinState> {
  const twin = await TwinRunner.create(data, config, options);
  const tensorsBefore = tf.memory().numTensors;
  for (let i = 0; i < 3; i++) await twin.trainStep();
  const state = await twin.saveState(); // also waits for the last step's loss read
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  twin.dispose();
  return state;
}

const floats = (buffers: ArrayBuffer[]) => buffers.map((b) => new Float32Array(b));
/** A twin step takes about a second on an idle 2-core machine, many on a busy one. */
const TIMEOUT = 10 * 60_000;

describe('training on webgpu, fused', () => {
  let fused: TwinState;

  it('three steps of ResNet-8 equal the stock composition within 1e-4, weights and momentum, ERM and MFW', async () => {
    fused = await threeSteps({ fused: true });
    const stock = await threeSteps({ fused: false });
    for (const method of ['erm', 'mfw'] as const) {
      for (const part of ['variables', 'momentum'] as const) {
        const [a, b] = [floats(fused.runs[method][part]), floats(stock.runs[method][part])];
        a.forEach((values, i) => expect(relativeError(values, b[i]), `${method} ${part} ${i}`).toBeLessThan(1e-4));
      }
    }
    // Training moved the weights: the comparison is not between two initial states.
    const initial = await TwinRunner.create(data, config, { fused: true });
    const start = floats((await initial.saveState()).runs.erm.variables);
    initial.dispose();
    expect(relativeError(floats(fused.runs.erm.variables)[0], start[0])).toBeGreaterThan(1e-3);
  }, TIMEOUT);

  it('the same seed gives the same weights bit for bit', async () => {
    const again = await threeSteps({ fused: true });
    expect(again.runs).toEqual(fused.runs);
  }, TIMEOUT);

  it('with s ≡ 0 the MFW run is the ERM run bit for bit', async () => {
    const unmixed = await threeSteps({ fused: true, mixingWeights: [0, 0, 0, 0] });
    expect(unmixed.runs.mfw.variables).toEqual(unmixed.runs.erm.variables);
    expect(unmixed.runs.mfw.momentum).toEqual(unmixed.runs.erm.momentum);
    // …and equals the ERM run of the mixing twin: the MFW twin does not disturb it.
    expect(unmixed.runs.erm.variables).toEqual(fused.runs.erm.variables);
  }, TIMEOUT);
});
