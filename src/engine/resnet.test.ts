import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { cosineHeadValues, featureSize, initialValues, parameterCount, ResNet, variableSpecs } from './resnet.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('CIFAR ResNet', () => {
  it('ResNet-32 with a 2-D head and 4 classes has 463,646 parameters', () => {
    // By hand (3×3 convs without bias; each BN has γ and β; running statistics are not parameters):
    const conv = (i: number, o: number) => 9 * i * o;
    const bn = (c: number) => 2 * c;
    const stem = conv(3, 16) + bn(16); // 432 + 32
    const block = (i: number, o: number) => conv(i, o) + bn(o) + conv(o, o) + bn(o);
    const stage1 = 5 * block(16, 16); // 5 · 4,672
    const stage2 = block(16, 32) + 4 * block(32, 32); // 13,952 + 4 · 18,560
    const stage3 = block(32, 64) + 4 * block(64, 64); // 55,552 + 4 · 73,984
    const projection = 64 * 2 + 2; // 64 → 2 with bias
    const classifier = 2 * 4 + 4; // 2 → 4 with bias
    const expected = stem + stage1 + stage2 + stage3 + projection + classifier;
    expect(expected).toBe(463_646);
    expect(parameterCount({ blocksPerStage: 5, width: 1, numClasses: 4 })).toBe(expected);
  });

  it('ResNet-32 with the 64-d feature and 10 classes (Table 1’s network) has no projection and 464,154 parameters, resnet_cifar’s resnet32', () => {
    const spec = { blocksPerStage: 5, width: 1, numClasses: 10, featureDim: 64 as const };
    const specs = variableSpecs(spec);
    expect(specs.some((v) => v.name.startsWith('projection'))).toBe(false);
    expect(specs.slice(-2)).toEqual([
      { name: 'classifier/weight', shape: [64, 10], trainable: true },
      { name: 'classifier/bias', shape: [10], trainable: true },
    ]);
    // The trunk as above (463,646 − 130 − 12 = 463,504), then a 64 → 10 classifier with bias: the count of
    // kaidic/LDAM-DRW's (and akamaster's) resnet32 for CIFAR-10.
    const trunk = 463_646 - (64 * 2 + 2) - (2 * 4 + 4);
    expect(parameterCount(spec)).toBe(trunk + 64 * 10 + 10);
    expect(parameterCount(spec)).toBe(464_154);
    // Narrower, the pooled feature narrows with it: 16-d at width 0.25.
    expect(featureSize({ ...spec, width: 0.25 })).toBe(16);
    expect(featureSize({ ...spec, featureDim: 2 })).toBe(2);
  });

  it('the 64-d network maps images to the pooled feature and its logits; its cosine head normalises 64-d columns', () => {
    const spec = { blocksPerStage: 1, width: 0.25, numClasses: 10, featureDim: 64 as const };
    const model = ResNet.create(spec, new Rng(1));
    const x = tf.randomNormal([3, 32, 32, 3], 0.5, 1, 'float32', 2) as tf.Tensor4D;
    const [features, logits] = tf.tidy(() => {
      const out = model.forward(x, { training: false });
      return [tf.keep(out.features), tf.keep(out.logits)];
    });
    expect(features.shape).toEqual([3, 16]);
    expect(logits.shape).toEqual([3, 10]);
    const weight = cosineHeadValues(spec, initialValues(spec, new Rng(1))).at(-2)!;
    expect(weight).toHaveLength(16 * 10);
    for (let c = 0; c < 10; c++) expect(Math.hypot(...Array.from({ length: 16 }, (_, d) => weight[d * 10 + c]))).toBeCloseTo(1, 6);
    tf.dispose([features, logits, x]);
    model.dispose();
  });

  it('the same seed gives the same initial weights (Kaiming normal, fan_in)', () => {
    const spec = { blocksPerStage: 1, width: 0.25, numClasses: 4 };
    const a = initialValues(spec, new Rng(7));
    const b = initialValues(spec, new Rng(7));
    expect(a.map((v) => [...v])).toEqual(b.map((v) => [...v]));
    const specs = variableSpecs(spec);
    const stage3 = a[specs.findIndex((v) => v.name === 'stage3/block1/conv2')];
    const std = Math.sqrt(stage3.reduce((s, v) => s + v * v, 0) / stage3.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / (9 * 16)), 1);
  });

  it('maps images to 2-D features and logits; training mode updates BN running statistics', async () => {
    const spec = { blocksPerStage: 1, width: 0.25, numClasses: 4 };
    const model = ResNet.create(spec, new Rng(1));
    expect(model.groups).toBe(4);
    const x = tf.randomNormal([3, 32, 32, 3], 0.5, 1, 'float32', 2) as tf.Tensor4D;
    const before = await model.variables[variableSpecs(spec).findIndex((v) => v.name === 'stem/bn/running_mean')].data();
    expect([...before]).toEqual([0, 0, 0, 0]);
    let zShape: number[] = [];
    const out = tf.tidy(() => {
      const { features, logits } = model.forward(x, { training: true, afterGroup: (group, z) => (group === 2 && (zShape = z.shape), z) });
      return [tf.keep(features), tf.keep(logits)];
    });
    expect(zShape).toEqual([3, 32, 32, 4]);
    expect(out[0].shape).toEqual([3, 2]);
    expect(out[1].shape).toEqual([3, 4]);
    const after = await model.variables[variableSpecs(spec).findIndex((v) => v.name === 'stem/bn/running_mean')].data();
    expect([...after].some((v) => v !== 0)).toBe(true);
    const runningVar = await model.variables[variableSpecs(spec).findIndex((v) => v.name === 'stem/bn/running_var')].data();
    expect([...runningVar].every((v) => v !== 1 && v > 0.9 * 1)).toBe(true);
    tf.dispose([...out, x]);
    model.dispose();
  });
});
