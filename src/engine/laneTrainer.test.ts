/**
 * Degenerate cases of one lane's step that no seed can draw, built by hand: mixup with λ ≡ 1 is ERM,
 * and LDAM with max_m = 0 is a plain cosine-softmax lane; bit for bit, on cpu and wasm (the lockstep
 * cases: lockstep.test.ts; on webgpu: kernels/webgpu/fusedTraining.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { lossTargets, trainingLogitOffsets, type MethodSpec, type MixingDraw } from '../core/methods.ts';
import { Rng } from '../util/rng.ts';
import { initBackend } from './backend.ts';
import { kernelsFor } from './kernels/index.ts';
import { LaneTrainer } from './laneTrainer.ts';
import { cosineHeadValues, initialValues, ResNet, type HeadOptions } from './resnet.ts';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const SPEC = { blocksPerStage: 1, width: 0.25, numClasses: 4 };
const COUNTS = [12, 12, 4, 4];
const LABELS = Int32Array.from([0, 1, 2, 3, 0, 1]);
const B = LABELS.length;
const rng = new Rng(8);
const IMAGES = Float32Array.from({ length: B * 32 * 32 * 3 }, () => rng.normal());
const INITIAL = initialValues(SPEC, new Rng(3));

interface StepInputs {
  targets: Float32Array;
  offsets?: number[][] | null;
  draw?: MixingDraw;
}

/** Two steps of a fresh lane from the shared initial values; its variables afterwards. */
async function twoSteps(head: HeadOptions, inputs: StepInputs): Promise<Float32Array[]> {
  const kernels = kernelsFor(tf.getBackend(), true);
  const values = head.head === 'cosine' ? cosineHeadValues(SPEC, INITIAL) : INITIAL;
  const model = new ResNet(SPEC, values, kernels, head);
  const trainer = new LaneTrainer(model, kernels.createSgd(model.trainable, 0.9, 2e-4), 2, [0, 0, 0, 0]);
  for (let step = 0; step < 2; step++) {
    tf.dispose(
      tf.tidy(() => {
        const { draw, offsets } = inputs;
        const inverse = new Int32Array(B);
        draw?.permutation.forEach((partner, n) => (inverse[partner] = n));
        return trainer.trainStep({
          x: tf.tensor4d(IMAGES, [B, 32, 32, 3]),
          learningRate: 0.1,
          targets: tf.tensor2d(inputs.targets, [B, 4]),
          anchorOneHot: tf.tensor2d(lossTargets(LABELS, 4, null, null), [B, 4]),
          normaliser: inputs.targets.reduce((a, b) => a + b, 0),
          logitOffsets: offsets ? tf.tensor2d(Array.from(LABELS, (y) => offsets[y]), [B, 4]) : undefined,
          mixing: draw && {
            point: draw.point,
            permutation: tf.tensor1d(draw.permutation, 'int32'),
            inversePermutation: tf.tensor1d(inverse, 'int32'),
            partnerWeight: tf.tensor1d(draw.partnerWeight),
          },
        });
      }),
    );
  }
  const variables = await Promise.all(model.variables.map(async (v) => (await v.data()) as Float32Array));
  trainer.dispose();
  return variables;
}

const LINEAR: HeadOptions = { head: 'linear', logitScale: 1 };
const COSINE: HeadOptions = { head: 'cosine', logitScale: 30 };
const ldam = (maxMargin: number): MethodSpec => ({ loss: { kind: 'ldam', maxMargin, scale: 30 }, reweight: { kind: 'none' }, head: 'cosine', mixing: { kind: 'none' } });

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`one lane's step, degenerate cases (${backend})`, () => {
    it('mixup with λ ≡ 1 (at the input and after a group) is ERM', async () => {
      await initBackend(backend);
      const erm = await twoSteps(LINEAR, { targets: lossTargets(LABELS, 4, null, null) });
      for (const point of ['input', 3] as const) {
        const draw: MixingDraw = { point, permutation: Int32Array.from([3, 5, 0, 1, 2, 4]), partnerWeight: new Float32Array(B), labelShare: new Float32Array(B).fill(1) };
        const mixup = await twoSteps(LINEAR, { targets: lossTargets(LABELS, 4, null, draw), draw });
        expect(mixup, `point ${point}`).toEqual(erm);
      }
      // …and a λ < 1 does change the step: the comparison can fail.
      const half: MixingDraw = { point: 'input', permutation: Int32Array.from([3, 5, 0, 1, 2, 4]), partnerWeight: new Float32Array(B).fill(0.5), labelShare: new Float32Array(B).fill(0.5) };
      expect(await twoSteps(LINEAR, { targets: lossTargets(LABELS, 4, null, half), draw: half })).not.toEqual(erm);
    });

    it('LDAM with max_m = 0 is a cosine-softmax lane (scale 30, no margins)', async () => {
      await initBackend(backend);
      const targets = lossTargets(LABELS, 4, null, null);
      const cosineSoftmax = await twoSteps(COSINE, { targets });
      expect(await twoSteps(COSINE, { targets, offsets: trainingLogitOffsets(ldam(0), COUNTS) })).toEqual(cosineSoftmax);
      expect(await twoSteps(COSINE, { targets, offsets: trainingLogitOffsets(ldam(0.5), COUNTS) })).not.toEqual(cosineSoftmax);
    });
  });
}
