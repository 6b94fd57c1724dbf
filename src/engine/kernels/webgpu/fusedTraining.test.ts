/**
 * Whole training steps on webgpu (Dawn on SwiftShader in Node; tiny ResNet-8, a few seconds a
 * step): the fused path trains every kind of lane as the stock tfjs composition does, and the lanes
 * stay a controlled comparison: the same seed gives the same weights bit for bit, and each degenerate
 * method is its simpler one bit for bit. (tfjs's split-K matmul, the one kernel with float atomics, is chosen only for unbatched
 * products with an inner size ≥ 2,000; the engine's largest is the batch, at most 512.)
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../../config/experiment.ts';
import { syntheticExperimentData } from '../../syntheticData.ts';
import { LockstepRunner, type LockstepOptions } from '../../lockstep.ts';
import type { LockstepState } from '../../checkpoint.ts';
import { relativeError } from '../../../util/relativeError.ts';
import { deviceErrorsSoFar, useNodeWebGpu } from './testing.ts';

beforeAll(useNodeWebGpu);
afterAll(() => expect(deviceErrorsSoFar()).toEqual([]));

const COUNTS = [4, 4, 2, 2];
const data = syntheticExperimentData(COUNTS, 2, 3);
const base = { imbalance: 'custom', trainCounts: COUNTS, width: 0.25, blocksPerStage: 1, batchSize: 4, epochs: 2, trainFeatureSample: 100, seed: 5 } as const;
/** One lane of every kind: mixing at a feature, at the input and at a drawn point; margins on a cosine head; offsets; weights. */
const { config } = validateConfig({ ...base, methods: ['erm', 'mfw', 'ldam-drw:start=0', 'la', 'remix-drw:start=0', 'manifold-mixup'] });

/** Three training steps (one epoch) of fresh lanes; the saved state holds every weight and momentum. */
async function threeSteps(options: LockstepOptions, lanes = config): Promise<LockstepState> {
  const twin = await LockstepRunner.create(data, lanes, options);
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
  let fused: LockstepState;

  it('three steps of ResNet-8 equal the stock composition within 1e-4, weights and momentum, every lane', async () => {
    fused = await threeSteps({ fused: true });
    const stock = await threeSteps({ fused: false });
    for (const method of config.methods) {
      for (const part of ['variables', 'momentum'] as const) {
        const [a, b] = [floats(fused.runs[method][part]), floats(stock.runs[method][part])];
        a.forEach((values, i) => expect(relativeError(values, b[i]), `${method} ${part} ${i}`).toBeLessThan(1e-4));
      }
    }
    // Training moved the weights: the comparison is not between two initial states.
    const initial = await LockstepRunner.create(data, config, { fused: true });
    const start = floats((await initial.saveState()).runs.erm.variables);
    initial.dispose();
    expect(relativeError(floats(fused.runs.erm.variables)[0], start[0])).toBeGreaterThan(1e-3);
  }, TIMEOUT);

  it('the same seed gives the same weights bit for bit', async () => {
    const again = await threeSteps({ fused: true });
    expect(again.runs).toEqual(fused.runs);
  }, TIMEOUT);

  it('degenerate methods are their simpler ones bit for bit: MFW s ≡ 0, LA τ = 0, DRW after the end ⇒ ERM; Remix τ = 0 ⇒ mixup', async () => {
    const { config: degenerate } = validateConfig({ ...base, methods: ['erm', 'mfw', 'la:tau=0', 'drw:start=1', 'mixup', 'remix-drw:tau=0:start=1'] });
    const state = await threeSteps({ fused: true, mfwWeights: [0, 0, 0, 0] }, degenerate);
    for (const [general, simple] of [['mfw', 'erm'], ['la:tau=0', 'erm'], ['drw:start=1', 'erm'], ['remix-drw:tau=0:start=1', 'mixup']]) {
      expect(state.runs[general].variables, general).toEqual(state.runs[simple].variables);
      expect(state.runs[general].momentum, general).toEqual(state.runs[simple].momentum);
    }
    // …and ERM equals the ERM lane trained beside other lanes: lanes do not disturb each other.
    expect(state.runs.erm.variables).toEqual(fused.runs.erm.variables);
  }, TIMEOUT);
});
