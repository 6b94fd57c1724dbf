/**
 * The lab's loss, written once as Σ T·(−log softmax(z + O)) / Σ T (losses.ts), against each method's
 * loss as its authors' code writes it (../shared/research/methods.md): the values and every gradient
 * within 1e-5, on the cpu and wasm backends (the webgpu head: webgpu/fusedOps.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { ldamMargins, logPrior, lossTargets, trainingLogitOffsets, type MethodSpec } from '../core/methods.ts';
import { learningRateAt } from '../core/schedule.ts';
import { Rng } from '../util/rng.ts';
import { relativeError } from '../util/relativeError.ts';
import { initBackend } from './backend.ts';
import { cosineLogits, targetCrossEntropy } from './losses.ts';

afterAll(async () => {
  await tf.setBackend('cpu');
});

const B = 6;
const C = 4;
const COUNTS = [5000, 1077, 232, 50];
const LABELS = [0, 1, 2, 3, 0, 1];
const rng = new Rng(5);
const FEATURES = Array.from({ length: B * 2 }, () => rng.normal());
const WEIGHT = Array.from({ length: 2 * C }, () => rng.normal());
const BIAS = Array.from({ length: C }, () => 0.1 * rng.normal());

const ce = (spec: Partial<MethodSpec>): MethodSpec => ({ loss: { kind: 'ce' }, reweight: { kind: 'none' }, head: 'linear', mixing: { kind: 'none' }, ...spec });

/** Mean over the batch of PyTorch's F.cross_entropy(logits, y) with optional class weights (weighted mean). */
function torchCrossEntropy(logits: tf.Tensor2D, labels: number[], classWeights?: number[]): tf.Scalar {
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), C).toFloat() as tf.Tensor2D;
  const nll = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1));
  if (!classWeights) return tf.mean(nll);
  const w = tf.tensor1d(labels.map((y) => classWeights[y]));
  return tf.div(tf.sum(tf.mul(w, nll)), tf.sum(w));
}

interface Case {
  name: string;
  /** The lab's loss from (features, weight, bias). */
  lab: (f: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Scalar;
  /** The same loss as the authors' code composes it. */
  reference: (f: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Scalar;
  /** A cosine head has no bias (no gradient for it). */
  cosine?: boolean;
}

const linear = (f: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.add(tf.matMul(f, w), b) as tf.Tensor2D;
const offsetsOf = (spec: MethodSpec) => {
  const rows = trainingLogitOffsets(spec, COUNTS)!;
  return tf.tensor2d(LABELS.flatMap((y) => rows[y]), [B, C]);
};
const targetsOf = (weights: number[] | null, draw: Parameters<typeof lossTargets>[3] = null) => tf.tensor2d(lossTargets(LABELS, C, weights, draw), [B, C]);
const PERMUTATION = Int32Array.from([3, 2, 5, 0, 1, 4]);
const LAMBDA = 0.3;
const mixupDraw = { point: 'input' as const, permutation: PERMUTATION, partnerWeight: new Float32Array(B).fill(1 - LAMBDA), labelShare: new Float32Array(B).fill(LAMBDA) };
const DRW = [0.04, 0.153, 0.68, 3.127];

const CASES: Case[] = [
  {
    name: 'ERM: F.cross_entropy',
    lab: (f, w, b) => targetCrossEntropy(linear(f, w, b), targetsOf(null)),
    reference: (f, w, b) => torchCrossEntropy(linear(f, w, b), LABELS),
  },
  {
    name: 'DRW/RW: F.cross_entropy(weight=w), the weighted mean',
    lab: (f, w, b) => targetCrossEntropy(linear(f, w, b), targetsOf(DRW)),
    reference: (f, w, b) => torchCrossEntropy(linear(f, w, b), LABELS, DRW),
  },
  {
    name: 'logit adjustment τ = 1.5: CE(z + τ·log π)',
    lab: (f, w, b) => targetCrossEntropy(linear(f, w, b), targetsOf(null), offsetsOf(ce({ loss: { kind: 'la', tau: 1.5 } }))),
    reference: (f, w, b) => torchCrossEntropy(tf.add(linear(f, w, b), tf.mul(1.5, tf.tensor1d(logPrior(COUNTS)))) as tf.Tensor2D, LABELS),
  },
  {
    name: 'LDAM-DRW: CE(s·(cos − m_y·onehot_y), weight=w) with NormedLinear',
    cosine: true,
    lab: (f, w) => targetCrossEntropy(cosineLogits(f, w, 30), targetsOf(DRW), offsetsOf(ce({ loss: { kind: 'ldam', maxMargin: 0.5, scale: 30 }, head: 'cosine' }))),
    reference: (f, w) => {
      // kaidic/LDAM-DRW: x = F.normalize(f)·F.normalize(w, dim=0); output = where(index, x − m, x); CE(s·output).
      const cos = tf.matMul(tf.div(f, tf.norm(f, 'euclidean', 1, true)), tf.div(w, tf.norm(w, 'euclidean', 0, true)));
      const index = tf.oneHot(tf.tensor1d(LABELS, 'int32'), C).toFloat();
      const m = tf.reshape(tf.tensor1d(LABELS.map((y) => ldamMargins(COUNTS, 0.5)[y])), [B, 1]);
      return torchCrossEntropy(tf.mul(30, tf.sub(cos, tf.mul(index, m))) as tf.Tensor2D, LABELS, DRW);
    },
  },
  {
    name: 'mixup: λ·CE(y) + (1 − λ)·CE(y[perm]) on the mixed logits',
    lab: (f, w, b) => targetCrossEntropy(linear(f, w, b), targetsOf(null, mixupDraw)),
    reference: (f, w, b) => {
      const logits = linear(f, w, b);
      return tf.add(tf.mul(LAMBDA, torchCrossEntropy(logits, LABELS)), tf.mul(1 - LAMBDA, torchCrossEntropy(logits, Array.from(PERMUTATION, (j) => LABELS[j])))) as tf.Scalar;
    },
  },
  {
    name: 'mixup with DRW weights: each term its weighted mean',
    lab: (f, w, b) => targetCrossEntropy(linear(f, w, b), targetsOf(DRW, mixupDraw)),
    reference: (f, w, b) => {
      const logits = linear(f, w, b);
      return tf.add(tf.mul(LAMBDA, torchCrossEntropy(logits, LABELS, DRW)), tf.mul(1 - LAMBDA, torchCrossEntropy(logits, Array.from(PERMUTATION, (j) => LABELS[j]), DRW))) as tf.Scalar;
    },
  },
];

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`the lab's loss equals each method's own composition, values and gradients (${backend})`, () => {
    it.each(CASES)('$name', async ({ lab, reference, cosine }) => {
      await initBackend(backend);
      const bias = tf.tensor1d(BIAS);
      const args = [tf.tensor2d(FEATURES, [B, 2]), tf.tensor2d(WEIGHT, [2, C]), ...(cosine ? [] : [bias])];
      const evaluate = async (loss: Case['lab']) => {
        const { value, grads } = tf.valueAndGrads((f: tf.Tensor, w: tf.Tensor, b?: tf.Tensor) => loss(f as tf.Tensor2D, w as tf.Tensor2D, (b ?? bias) as tf.Tensor1D))(args);
        const values = await Promise.all([value, ...grads].map(async (t) => Array.from(await t.data())));
        tf.dispose([value, ...grads]);
        return values;
      };
      const [ours, theirs] = [await evaluate(lab), await evaluate(reference)];
      ours.forEach((values, i) => expect(relativeError(values, theirs[i])).toBeLessThan(1e-5));
      expect(ours[0][0]).toBeGreaterThan(0);
      tf.dispose([...args, bias]);
    });
  });
}

describe('cross-entropy', () => {
  it('weighted mean divides by the sum of the sample weights (PyTorch semantics)', async () => {
    await tf.setBackend('cpu');
    const logits = tf.tensor2d([[2, 0], [0, 1], [1, 1]]);
    const oneHot = tf.tensor2d([[1, 0], [0, 1], [1, 0]]);
    const weights = tf.tensor1d([0.5, 3]);
    const nll = (row: number[], y: number) => Math.log(row.reduce((s, v) => s + Math.exp(v), 0)) - row[y];
    const l = [nll([2, 0], 0), nll([0, 1], 1), nll([1, 1], 0)];
    expect((await targetCrossEntropy(logits, oneHot).data())[0]).toBeCloseTo((l[0] + l[1] + l[2]) / 3, 5);
    const targets = tf.mul(oneHot, weights) as tf.Tensor2D;
    expect((await targetCrossEntropy(logits, targets).data())[0]).toBeCloseTo((0.5 * l[0] + 3 * l[1] + 0.5 * l[2]) / 4, 5);
    tf.dispose([logits, oneHot, weights, targets]);
  });
});

describe('learning-rate schedule', () => {
  it('is cosine from lr0 to 0 per step, after an optional linear warm-up', () => {
    const spec = { learningRate: 0.1, epochs: 10, warmupEpochs: 0, stepsPerEpoch: 4 };
    expect(learningRateAt(spec, 0)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(spec, 20)).toBeCloseTo(0.05, 12);
    expect(learningRateAt(spec, 40)).toBeCloseTo(0, 12);
    const warm = { ...spec, warmupEpochs: 2 };
    expect(learningRateAt(warm, 0)).toBeCloseTo(0.1 / 8, 12);
    expect(learningRateAt(warm, 7)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(warm, 8)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(warm, 24)).toBeCloseTo(0.05, 12);
  });
});
