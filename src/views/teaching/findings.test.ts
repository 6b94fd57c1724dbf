import { describe, expect, it } from 'vitest';
import type { EpochSnapshot, RunSnapshot } from '../../core/snapshot.ts';
import { runSnapshot } from '../../state/runFixture.ts';
import { runFinding, runTakeaway } from './findings.ts';

const LANES = [{ id: 'erm', method: 'erm' }, { id: 'mfw', method: 'mfw' }] as const;

/** Four classes: 0, 1 major (500 images), 2, 3 minor (10 images). */
const COUNTS = [500, 500, 10, 10];
/** Each class wins in its own direction: 0 right, 1 left, 2 up, 3 down. */
const CLASSIFIER = { weight: [[1, 0], [-1, 0], [0, 1], [0, -1]] as [number, number][], bias: [0, 0, 0, 0] };
const AT = { 0: [4, 0], 1: [-4, 0], 2: [0, 4], 3: [0, -4] } as Record<number, [number, number]>;

function run(overrides: Partial<RunSnapshot>): RunSnapshot {
  return runSnapshot({
    trainLoss: 1,
    trainAccuracy: [1, 1, 0.5, 0.5],
    testAccuracy: [0.9, 0.9, 0.3, 0.3],
    classificationRatio: [1.2, 1.2, 0.4, 0.4],
    featureGradientNorm: [0.1, 0.1, 0.8, 0.8],
    featureDeviation: [0.1, 0.1, 0.5, 0.5],
    trainFeatures: new Float32Array(),
    testFeatures: new Float32Array(),
    classifier: CLASSIFIER,
    ...overrides,
  });
}

function snapshot(epoch: number, erm: Partial<RunSnapshot>, mfw: Partial<RunSnapshot>, labels = { train: [] as number[], test: [] as number[] }): EpochSnapshot {
  return {
    epoch,
    learningRate: 0.1,
    imagesPerSecond: 100,
    trainFeatureLabels: Uint8Array.from(labels.train),
    testLabels: Uint8Array.from(labels.test),
    runs: { erm: run(erm), mfw: run(mfw) },
  };
}

/** Features placing each point in the region of the given class, scaled by `reach`. */
const placedAt = (classes: number[], reach = 1): Float32Array => Float32Array.from(classes.flatMap((c) => AT[c].map((v) => v * reach)));

const finding = (kind: Parameters<typeof runFinding>[0], s: EpochSnapshot, history = [s]) => runFinding(kind, { snapshot: s, history, trainCounts: COUNTS, lanes: LANES });

describe('runFinding', () => {
  it('says nothing before the first epoch', () => {
    expect(runFinding('gradient-norm', { snapshot: null, history: [], trainCounts: COUNTS, lanes: LANES })).toBeNull();
  });
  it('compares the ERM and MFW lanes wherever they are, and says nothing without both', () => {
    const s = snapshot(3, { featureGradientNorm: [1, 1, 0.9, 0.9] }, { featureGradientNorm: [1, 1, 0.2, 0.2] });
    const moved: EpochSnapshot = { ...s, runs: { la: s.runs.erm, 'mfw:alpha=1': s.runs.mfw, erm: s.runs.erm } };
    const lanes = [{ id: 'la', method: 'la' }, { id: 'mfw:alpha=1', method: 'mfw' }, { id: 'erm', method: 'erm' }] as const;
    expect(runFinding('gradient-norm', { snapshot: moved, history: [moved], trainCounts: COUNTS, lanes })).toBe(finding('gradient-norm', s));
    for (const only of [[lanes[0], lanes[2]], [lanes[1]]]) {
      for (const kind of ['gradient-norm', 'loss', 'results', 'train-scatter'] as const) {
        expect(runFinding(kind, { snapshot: moved, history: [moved], trainCounts: COUNTS, lanes: only }), kind).toBeNull();
      }
    }
  });

  it('says whether MFW’s minor-class gradient norm is below ERM’s, with both numbers', () => {
    const below = snapshot(3, { featureGradientNorm: [0.1, 0.1, 0.8, 0.6] }, { featureGradientNorm: [0.2, 0.2, 0.3, 0.3] });
    expect(finding('gradient-norm', below)).toBe('At epoch 3, MFW’s minor-class gradient norm is below ERM’s (0.3 vs 0.7).');
    const above = snapshot(1, { featureGradientNorm: [0.1, 0.1, 0.3, 0.3] }, { featureGradientNorm: [0.1, 0.1, 0.5, 0.5] });
    expect(finding('gradient-norm', above)).toBe('At epoch 1, MFW’s minor-class gradient norm is not (yet) below ERM’s (0.5 vs 0.3).');
  });

  it('compares the minor classes’ feature deviation the same way', () => {
    expect(finding('deviation', snapshot(2, { featureDeviation: [0, 0, 0.2, 0.2] }, { featureDeviation: [0, 0, 0.4, 0.4] }))).toContain('is not (yet) below ERM’s (0.4 vs 0.2)');
    expect(finding('deviation', snapshot(2, { featureDeviation: [0, 0, 0.4, 0.4] }, { featureDeviation: [0, 0, 0.2, 0.2] }))).toContain('is below ERM’s');
  });

  it('reports the minor classes’ test accuracy and whether MFW is ahead', () => {
    const ahead = finding('test-accuracy', snapshot(5, { testAccuracy: [0.9, 0.9, 0.2, 0.4] }, { testAccuracy: [0.85, 0.85, 0.5, 0.5] }));
    expect(ahead).toBe('At epoch 5, the minor classes reach 30.0\u00a0% test accuracy under ERM and 50.0\u00a0% under MFW — MFW is 20.0 points ahead; the major classes 90.0\u00a0% and 85.0\u00a0%.');
    const behind = finding('test-accuracy', snapshot(5, { testAccuracy: [0.9, 0.9, 0.5, 0.5] }, { testAccuracy: [0.9, 0.9, 0.4, 0.4] }));
    expect(behind).toContain('MFW is not ahead (10.0 points behind)');
  });

  it('sums the results up for the minor classes and all classes', () => {
    const s = snapshot(4, { testAccuracy: [0.9, 0.9, 0.2, 0.2] }, { testAccuracy: [0.8, 0.8, 0.4, 0.4] });
    expect(finding('results', s)).toBe('At epoch 4, MFW is 20.0 points ahead of ERM on the minor-class average and 5.0 points ahead of it on all classes (balanced).');
  });

  it('measures how evenly the classes progress in training accuracy', () => {
    const even = snapshot(2, { trainAccuracy: [1, 1, 0.2, 0.2] }, { trainAccuracy: [0.9, 0.9, 0.7, 0.7] });
    expect(finding('train-accuracy', even)).toBe(
      'At epoch 2, the gap between major- and minor-class training accuracy is 80.0 points (major ahead) under ERM and 20.0 points (major ahead) under MFW: MFW’s classes progress more evenly.',
    );
    const uneven = snapshot(2, { trainAccuracy: [1, 1, 0.8, 0.8] }, { trainAccuracy: [0.4, 0.4, 1, 1] });
    expect(finding('train-accuracy', uneven)).toContain('20.0 points (major ahead) under ERM and 60.0 points (minor ahead) under MFW: MFW’s classes progress not (yet) more evenly');
  });

  it('judges the classification ratio by its distance from 1', () => {
    expect(finding('ratio', snapshot(1, { classificationRatio: [1.5, 1.5, 0.1, 0.1] }, { classificationRatio: [1.1, 1.1, 0.8, 0.8] }))).toContain('0.1 under ERM and 0.8 under MFW: MFW’s is closer to 1');
    expect(finding('ratio', snapshot(1, { classificationRatio: [1, 1, 0.9, 0.9] }, { classificationRatio: [1, 1, 0.5, 0.5] }))).toContain('not (yet) closer to 1');
  });

  it('counts misclassified minor training points and how far out they were pushed', () => {
    // Majors at distance 1, minors: ERM pushes them out to 3 (all correct), MFW leaves one of four in a major region.
    const train = [0, 0, 1, 1, 2, 2, 3, 3];
    const erm = Float32Array.from([...placedAt([0, 0, 1, 1], 0.25), ...placedAt([2, 2, 3, 3], 0.75)]);
    const mfw = Float32Array.from([...placedAt([0, 0, 1, 1], 0.25), ...placedAt([0], 0.25), ...placedAt([2, 3, 3], 0.25)]);
    const text = finding('train-scatter', snapshot(6, { trainFeatures: erm }, { trainFeatures: mfw }, { train, test: [] }));
    expect(text).toBe(
      'At epoch 6, ERM misclassifies 0 of the 4 minor-class training points shown, MFW 1. The minor classes sit 3× as far from the centre as the major ones under ERM, ' +
        '0.938× under MFW: ERM has pushed them farther out.',
    );
  });

  it('counts minor test points in major regions, in the scatter and the confusion captions', () => {
    const test = [0, 1, 2, 2, 3, 3];
    const erm = placedAt([0, 1, 0, 1, 0, 3]); // three of four minor test points predicted as a major class
    const mfw = placedAt([0, 1, 2, 2, 3, 0]); // one
    const s = snapshot(7, { testFeatures: erm }, { testFeatures: mfw }, { train: [], test });
    expect(finding('test-scatter', s)).toBe('At epoch 7, 75.0\u00a0% of the minor-class test points fall in a major class’s region under ERM, 25.0\u00a0% under MFW: fewer with MFW.');
    expect(finding('confusion', s)).toBe('At epoch 7, 3 of the 4 minor-class test images are predicted as a major class under ERM, 1 under MFW.');
  });

  it('follows the training loss from the first stored epoch', () => {
    const first = snapshot(1, { trainLoss: 1.4 }, { trainLoss: 1.6 });
    const last = snapshot(9, { trainLoss: 0.2 }, { trainLoss: 0.5 });
    expect(finding('loss', last, [first, last])).toBe('From epoch 1 to 9 ERM’s loss went from 1.4 to 0.2, MFW’s from 1.6 to 0.5.');
    expect(finding('loss', first, [first])).toBe('At epoch 1, the training loss is 1.4 for ERM and 1.6 for MFW.');
  });

  it('says so when there are no minor classes', () => {
    const s = snapshot(1, {}, {});
    expect(runFinding('gradient-norm', { snapshot: s, history: [s], trainCounts: [100, 100, 100, 100], lanes: LANES })).toMatch(/no major\/minor contrast/);
  });
});

describe('runTakeaway', () => {
  const takeaway = (kind: Parameters<typeof runTakeaway>[0], s: EpochSnapshot) => runTakeaway(kind, { snapshot: s, history: [s], trainCounts: COUNTS, lanes: LANES });
  it('gives one short verdict per plot, in plain words, and nothing without an epoch or both lanes', () => {
    expect(runTakeaway('results', { snapshot: null, history: [], trainCounts: COUNTS, lanes: LANES })).toBeNull();
    const s = snapshot(3, { testAccuracy: [0.9, 0.9, 0.2, 0.2], featureGradientNorm: [0.1, 0.1, 0.8, 0.8] }, { testAccuracy: [0.9, 0.9, 0.3, 0.3], featureGradientNorm: [0.1, 0.1, 0.2, 0.2] });
    expect(takeaway('test-accuracy', s)).toBe('On the rare classes MFW is 10.0 points ahead of ERM.');
    expect(takeaway('gradient-norm', s)).toBe('MFW pushes the rare classes’ features less hard than ERM.');
    const level = snapshot(1, { testAccuracy: [0.9, 0.9, 0.3, 0.3] }, { testAccuracy: [0.9, 0.9, 0.3, 0.3] });
    expect(takeaway('results', level)).toBe('On the rare classes MFW is not ahead of ERM (yet): level with it.');
    for (const kind of ['train-scatter', 'test-scatter', 'train-accuracy', 'ratio', 'deviation', 'loss', 'confusion'] as const) {
      const line = takeaway(kind, s);
      expect(line, kind).toMatch(/^[A-Z].{10,110}\.$/);
    }
  });
});
