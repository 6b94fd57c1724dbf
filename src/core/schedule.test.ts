import { describe, expect, it } from 'vitest';
import { LDAM_WARMUP_EPOCHS, ldamDecayEpochs, learningRateAt, type ScheduleSpec } from './schedule.ts';

/** The learning rate during 0-based `epoch`, at its first and its last step. */
const atEpoch = (spec: ScheduleSpec, epoch: number) => [learningRateAt(spec, epoch * spec.stepsPerEpoch), learningRateAt(spec, (epoch + 1) * spec.stepsPerEpoch - 1)];

describe('the LDAM schedule (kaidic/LDAM-DRW cifar_train.py adjust_learning_rate)', () => {
  const ldam: ScheduleSpec = { learningRate: 0.1, epochs: 200, warmupEpochs: 0, stepsPerEpoch: 97, schedule: 'ldam' };

  it('over 200 epochs: lr·n/5 for the epochs n = 1…5, lr to epoch 160, lr×0.01 from 161 (0-based 160), lr×0.0001 from 181 (0-based 180)', () => {
    // The authors' rule, n = epoch + 1: n ≤ 5 → lr·n/5; n > 180 → lr·1e-4; n > 160 → lr·1e-2; else lr. Constant within an epoch.
    const authors = (epoch: number) => {
      const n = epoch + 1;
      if (n <= 5) return (0.1 * n) / 5;
      if (n > 180) return 0.1 * 0.0001;
      if (n > 160) return 0.1 * 0.01;
      return 0.1;
    };
    for (let epoch = 0; epoch < 200; epoch++) expect(atEpoch(ldam, epoch)).toEqual([authors(epoch), authors(epoch)]);
    expect(atEpoch(ldam, 0)).toEqual([0.02, 0.02]);
    expect(atEpoch(ldam, 4)[0]).toBeCloseTo(0.1, 15);
    expect(atEpoch(ldam, 5)[0]).toBe(0.1);
    expect(atEpoch(ldam, 159)[1]).toBe(0.1);
    expect(atEpoch(ldam, 160)[0]).toBeCloseTo(0.001, 15);
    expect(atEpoch(ldam, 179)[1]).toBeCloseTo(0.001, 15);
    expect(atEpoch(ldam, 180)[0]).toBeCloseTo(0.00001, 15);
    expect(atEpoch(ldam, 199)[1]).toBeCloseTo(0.00001, 15);
    expect(ldamDecayEpochs(200)).toEqual([160, 180]);
  });

  it('a shorter run keeps the 5 warm-up epochs and decays at 80 % and 90 % of its epochs, where DRW switches on', () => {
    const short = { ...ldam, epochs: 20 };
    expect(ldamDecayEpochs(20)).toEqual([16, 18]);
    expect([0, 1, 2, 3, 4].map((epoch) => atEpoch(short, epoch)[0])).toEqual([1, 2, 3, 4, 5].map((n) => (0.1 * n) / LDAM_WARMUP_EPOCHS));
    expect(atEpoch(short, 15)).toEqual([0.1, 0.1]);
    expect(atEpoch(short, 16)[0]).toBeCloseTo(0.001, 15);
    expect(atEpoch(short, 17)[1]).toBeCloseTo(0.001, 15);
    expect(atEpoch(short, 18)[0]).toBeCloseTo(0.00001, 15);
    expect(atEpoch(short, 19)[1]).toBeCloseTo(0.00001, 15);
  });

  it('in runs of fewer than 7 epochs the warm-up ends before the first decay', () => {
    // 6 epochs: decays at 4 and 5, so 4 warm-up epochs of lr·n/4.
    const six = { ...ldam, epochs: 6 };
    [0.025, 0.05, 0.075, 0.1, 0.1 * 0.01, 0.1 * 0.0001].forEach((lr, epoch) => expect(atEpoch(six, epoch)[0]).toBeCloseTo(lr, 15));
    // 1 epoch: both decays at 0, as DRW starts at 0 in a 1-epoch run.
    expect(atEpoch({ ...ldam, epochs: 1 }, 0)).toEqual([0.1 * 0.0001, 0.1 * 0.0001]);
  });

  it('ignores the cosine schedule’s warm-up, and the cosine schedule is as before without a schedule named', () => {
    expect(atEpoch({ ...ldam, warmupEpochs: 10 }, 7)).toEqual([0.1, 0.1]);
    const cosine: ScheduleSpec = { learningRate: 0.1, epochs: 10, warmupEpochs: 0, stepsPerEpoch: 10 };
    expect(learningRateAt(cosine, 0)).toBe(0.1);
    expect(learningRateAt(cosine, 50)).toBeCloseTo(0.05, 15);
    expect(learningRateAt({ ...cosine, schedule: 'cosine' }, 37)).toBe(learningRateAt(cosine, 37));
  });
});
