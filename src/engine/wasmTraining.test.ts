import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../config/experiment.ts';
import { initBackend } from './backend.ts';
import { variableSpecs } from './resnet.ts';
import { syntheticExperimentData } from './syntheticData.ts';
import { LockstepRunner, } from './lockstep.ts';
import type { LockstepState } from './checkpoint.ts';
import { relativeError } from '../util/relativeError.ts';

afterAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * The seed matters. The two backends round differently (the cpu backend sums in float64, wasm in
 * float32, in stages: kernels/cpu/gradients.ts), so a ReLU input that lies within rounding of zero
 * passes on one backend and is cut on the other; such a legitimate flip sends the two trajectories
 * up to 1e-2 apart. Over seeds 1–12, three had a flip in three steps (7, 8, 12: 1e-4 to 7e-2) and
 * nine agreed within 1.5e-5 (before wasm's batch-norm sums were staged, only seed 12 had no flip).
 * So this test keeps a seed without one, where any systematic difference between the backends
 * would show; gradients.test.ts and precision.test.ts check each gradient on its own.
 */
const SEED = 1;
const COUNTS = [12, 12, 4, 4];
const data = syntheticExperimentData(COUNTS, 4, 3);
const { config, problems } = validateConfig({
  imbalance: 'custom', trainCounts: COUNTS, width: 0.25, blocksPerStage: 1, batchSize: 8, epochs: 2,
  trainFeatureSample: 100, seed: SEED, learningRate: 0.1, methods: ['erm', 'mfw', 'ldam-drw:start=0', 'la', 'remix-drw'],
});

/** Every lane after `steps` steps from the same seed on `backend`. */
async function stateAfter(backend: 'cpu' | 'wasm', steps: number): Promise<LockstepState> {
  await initBackend(backend);
  const twin = await LockstepRunner.create(data, config);
  for (let i = 0; i < steps; i++) await twin.trainStep();
  const state = await twin.saveState();
  twin.dispose();
  return state;
}

describe('the wasm backend', () => {
  it('trains every kind of lane (mixing, margins on a cosine head, offsets, weights) as the cpu backend does: every weight, statistic and momentum within 1e-4 after three steps', async () => {
    expect(problems).toEqual([]);
    const onCpu = await stateAfter('cpu', 3);
    const onWasm = await stateAfter('wasm', 3);
    const names = variableSpecs({ blocksPerStage: 1, width: 0.25, numClasses: 4 });
    const trainable = names.filter((v) => v.trainable);
    for (const method of config.methods) {
      const [cpu, wasm] = [onCpu.runs[method], onWasm.runs[method]];
      names.forEach(({ name }, i) => {
        const [a, b] = [new Float32Array(wasm.variables[i]), new Float32Array(cpu.variables[i])];
        expect(relativeError(a, b), `${method} ${name}`).toBeLessThan(1e-4);
      });
      // A cosine head learns no bias: its momentum buffers are the first ones.
      expect(wasm.momentum).toHaveLength(method.startsWith('ldam') ? trainable.length - 1 : trainable.length);
      wasm.momentum.forEach((_, i) => {
        const name = trainable[i].name;
        const [a, b] = [new Float32Array(wasm.momentum[i]), new Float32Array(cpu.momentum[i])];
        expect(relativeError(a, b), `${method} momentum of ${name}`).toBeLessThan(1e-4);
      });
      expect(relativeError(wasm.gradientNormSums, cpu.gradientNormSums), `${method} feature gradient norms`).toBeLessThan(1e-4);
      expect(relativeError([wasm.lossSum], [cpu.lossSum]), `${method} losses`).toBeLessThan(1e-4);
    }
    // Training moved the weights: the comparison is not between two initialisations.
    const initial = await stateAfter('cpu', 0);
    const stem = names.findIndex((v) => v.name === 'stem/conv');
    expect(relativeError(new Float32Array(onCpu.runs.mfw.variables[stem]), new Float32Array(initial.runs.mfw.variables[stem]))).toBeGreaterThan(1e-3);
  });

  it('degenerate methods are their simpler ones bit for bit: MFW s ≡ 0, LA τ = 0, DRW after the end, RW β = 0 ⇒ ERM; Remix τ = 0 ⇒ mixup; manifold mixup at the input ⇒ mixup', async () => {
    await initBackend('wasm');
    const methods = ['erm', 'mfw', 'la:tau=0', 'drw:start=1', 'rw:cbbeta=0', 'mixup:alpha=2', 'remix-drw:alpha=2:tau=0:start=1', 'manifold-mixup:point=input'];
    const lanes = [methods.slice(0, 5), methods.slice(5)];
    for (const set of lanes) {
      const runner = await LockstepRunner.create(data, { ...config, methods: set }, { mfwWeights: [0, 0, 0, 0] });
      for (let i = 0; i < 3; i++) await runner.trainStep();
      const state = await runner.saveState();
      runner.dispose();
      for (const lane of set.slice(1)) expect(state.runs[lane].variables, lane).toEqual(state.runs[set[0]].variables);
    }
  });
});
