import { describe, expect, it } from 'vitest';
import { CLASSROOM_CONFIG, type ExperimentConfig } from '../config/experiment.ts';
import type { EpochSnapshot } from '../core/snapshot.ts';
import type { Recording } from './recording.ts';
import { runSnapshot } from './runFixture.ts';
import { seedLabels, seedSetOf, SeedSetError, sharedSubsetSeed, type NamedRecording } from './seedSet.ts';
import { useAppStore } from './store.ts';

/** Both major classes at 0.9, both minor classes at `minor` (Classroom counts 5000, 5000, 50, 50): balanced = 0.45 + minor / 2. */
const minorAt = (minor: number) => [0.9, 0.9, minor, minor];

/** A recording of `config` whose ERM and MFW minor-class accuracies are these, one per epoch. */
function recording(name: string, config: ExperimentConfig, erm: number[], mfw: number[]): NamedRecording {
  const history: EpochSnapshot[] = erm.map((_, e) => ({
    epoch: e + 1,
    learningRate: 0.1,
    imagesPerSecond: 100,
    trainFeatureLabels: new Uint8Array(),
    testLabels: new Uint8Array(),
    runs: { erm: runSnapshot({ testAccuracy: minorAt(erm[e]) }), mfw: runSnapshot({ testAccuracy: minorAt(mfw[e]) }) },
  }));
  const file: Recording = { config, classNames: ['airplane', 'automobile', 'bird', 'cat'], backend: 'wasm', provenance: null, createdAt: '2026-12-06T20:00:00.000Z', history };
  return { name, recording: file };
}

const seed = (n: number): ExperimentConfig => ({ ...CLASSROOM_CONFIG, seed: n, epochs: 2 });

describe('a seed set', () => {
  it('the lowest seed first, every lane’s mean ± sd over the seeds as computed by hand', () => {
    // Given in another order: seed 2 first. Minor accuracy at epoch 2 over seeds 1, 2: ERM 0.2, 0.4 (mean 0.3, sd 0.1414); MFW 0.5, 0.5.
    const { first, info } = seedSetOf([recording('b.json', seed(2), [0.1, 0.4], [0.3, 0.5]), recording('a.json', seed(1), [0.1, 0.2], [0.2, 0.5])]);
    expect(first.name).toBe('a.json');
    expect(info.seeds).toEqual([1, 2]);
    expect(info.names).toEqual(['a.json', 'b.json']);
    expect(Object.keys(info.bands)).toEqual(['erm', 'mfw']);
    const ermMinor = info.bands.erm.minor;
    expect(ermMinor.map((p) => p.epoch)).toEqual([1, 2]);
    expect(ermMinor[0].spread).toEqual({ mean: 0.1, sd: 0 });
    expect(ermMinor[1].spread!.mean).toBeCloseTo(0.3, 12);
    expect(ermMinor[1].spread!.sd).toBeCloseTo(0.2 / Math.SQRT2, 12);
    // Balanced = 0.45 + minor / 2: ERM at epoch 2, 0.55 and 0.65: mean 0.6, sd 0.0707.
    expect(info.bands.erm.balanced[1].spread!.mean).toBeCloseTo(0.6, 12);
    expect(info.bands.erm.balanced[1].spread!.sd).toBeCloseTo(0.1 / Math.SQRT2, 12);
    expect(info.bands.mfw.minor[1].spread).toEqual({ mean: 0.5, sd: 0 });
  });

  it('the backend a run asked for may differ; any other setting may not, and the message names it with both values', () => {
    expect(() => seedSetOf([recording('a.json', seed(0), [0.1], [0.1]), recording('b.json', { ...seed(1), backend: 'webgpu' }, [0.1], [0.1])])).not.toThrow();
    const refused = () => seedSetOf([recording('a.json', seed(0), [0.1], [0.1]), recording('b.json', { ...seed(1), ratio: 10, learningRate: 0.05 }, [0.1], [0.1])]);
    expect(refused).toThrow(SeedSetError);
    expect(refused).toThrow(
      '“b.json” and “a.json” are different settings: Imbalance ratio ρ (10 in “b.json”, 100 in “a.json”); Learning rate (0.05 in “b.json”, 0.1 in “a.json”). ' +
        'Only recordings of one setting that differ in the seed alone open together',
    );
    const otherClasses = () => seedSetOf([recording('a.json', seed(0), [0.1], [0.1]), recording('b.json', { ...seed(1), classes: [0, 1, 3, 2] }, [0.1], [0.1])]);
    expect(otherClasses).toThrow('Classes (airplane, automobile, cat, bird in “b.json”, airplane, automobile, bird, cat in “a.json”)');
  });

  it('spreads over the subset seed as over the seed, as npm run report does: a sweep’s seeds=0-2 (each its own subset) or subsetSeeds= opens as one set', () => {
    // seeds=0-2 without subsetSeed=: every run's subset seed is its seed.
    const own = (n: number): ExperimentConfig => ({ ...seed(n), subsetSeed: n });
    const sweep = seedSetOf([recording('s2.json', own(2), [0.3], [0.3]), recording('s0.json', own(0), [0.1], [0.1]), recording('s1.json', own(1), [0.2], [0.2])]);
    expect(sweep.first.name).toBe('s0.json');
    expect(sweep.info.seeds).toEqual([0, 1, 2]);
    expect(sweep.info.subsetSeeds).toEqual([0, 1, 2]);
    expect(sweep.info.bands.erm.minor[0].spread!.mean).toBeCloseTo(0.2, 12);
    expect(seedLabels(sweep.info)).toEqual(['seed 0', 'seed 1', 'seed 2']);
    expect(sharedSubsetSeed(sweep.info)).toBeNull();
    // seeds=0-1 × subsetSeeds=5-6: four runs of one setting, ordered by seed, then subset seed.
    const crossed = [0, 1].flatMap((s) => [6, 5].map((ss) => recording(`s${s}-ss${ss}.json`, { ...seed(s), subsetSeed: ss }, [0.1 * (s + 1)], [0.5])));
    const { first, info } = seedSetOf(crossed);
    expect(first.name).toBe('s0-ss5.json');
    expect(info.names).toEqual(['s0-ss5.json', 's0-ss6.json', 's1-ss5.json', 's1-ss6.json']);
    expect(info.seeds).toEqual([0, 0, 1, 1]);
    expect(info.subsetSeeds).toEqual([5, 6, 5, 6]);
    expect(seedLabels(info)).toEqual(['seed 0, subset seed 5', 'seed 0, subset seed 6', 'seed 1, subset seed 5', 'seed 1, subset seed 6']);
    expect(sharedSubsetSeed(info)).toBeNull();
    // seeds=0-2 subsetSeed=7: one subset under every seed, said once; each run named by its seed.
    const oneSubset = seedSetOf([0, 1, 2].map((s) => recording(`s${s}.json`, { ...seed(s), subsetSeed: 7 }, [0.1], [0.5]))).info;
    expect(seedLabels(oneSubset)).toEqual(['seed 0', 'seed 1', 'seed 2']);
    expect(sharedSubsetSeed(oneSubset)).toBe(7);
    // The same seed and subset seed twice is one run opened twice.
    expect(() => seedSetOf([crossed[0], recording('again.json', { ...seed(0), subsetSeed: 6 }, [0.1], [0.5])])).toThrow('“s0-ss6.json” and “again.json” are both seed 0, subset seed 6: open each seed once.');
    // Any other setting still may not differ beside them.
    expect(() => seedSetOf([crossed[0], recording('b.json', { ...seed(1), subsetSeed: 5, epochs: 3 }, [0.1], [0.5])])).toThrow(/different settings: Epochs \(3 in “b\.json”, 2 in “s0-ss6\.json”\)/);
  });

  it('refuses one seed twice, and a single recording', () => {
    expect(() => seedSetOf([recording('a.json', seed(3), [0.1], [0.1]), recording('b.json', seed(3), [0.2], [0.2])])).toThrow('“a.json” and “b.json” are both seed 3');
    expect(() => seedSetOf([recording('a.json', seed(3), [0.1], [0.1])])).toThrow(SeedSetError);
  });

  it('the store replays the first seed’s run with the set beside it; the next recording drops the set', () => {
    const { first, info } = seedSetOf([recording('a.json', seed(0), [0.1, 0.2], [0.2, 0.5]), recording('b.json', seed(1), [0.1, 0.4], [0.3, 0.5])]);
    useAppStore.getState().startReplay(first.recording, 'file', first.name, info);
    expect(useAppStore.getState().replay?.seeds?.seeds).toEqual([0, 1]);
    expect(useAppStore.getState().history).toBe(first.recording.history);
    useAppStore.getState().startReplay(first.recording, 'file', first.name);
    expect(useAppStore.getState().replay?.seeds).toBeNull();
  });
});
