import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type ExperimentConfig } from '../../src/config/experiment.ts';
import type { EpochSnapshot } from '../../src/core/snapshot.ts';
import { LOCKSTEP_STATE_VERSION, type LockstepState } from '../../src/engine/checkpoint.ts';
import { UsageError } from './cli.ts';
import { decodeState, encodeState, epochsFromResults, experimentFiles, planResume, resultsJson, writeFileAtomic, type ResultsFile } from './resume.ts';

const CONFIG: ExperimentConfig = { ...DEFAULT_CONFIG, imbalance: 'custom', trainCounts: [4, 4, 2, 2], epochs: 3 };

/** A runner state of the checkpoint's shape, with buffers of odd lengths. */
function state(epoch: number): LockstepState {
  const floats = (n: number, offset: number) => Float32Array.from({ length: n }, (_, i) => Math.fround(i * 0.37 - offset)).buffer;
  const lane = (offset: number) => ({
    variables: [floats(5, offset), floats(3, offset + 1), new ArrayBuffer(0)],
    momentum: [floats(5, offset + 2)],
    gradientNormSums: [0.5, 0.25, 0, 1e-30],
    lossSum: 0,
    partnerShareSums: [0, 0, 0, 0],
    relabelled: 0,
    draws: offset ? { words: [1, 2, 3, 4] as [number, number, number, number], spareNormal: null } : null,
  });
  return {
    version: LOCKSTEP_STATE_VERSION,
    shape: { blocksPerStage: 1, width: 0.25, numClasses: 4, trainSize: 12, batchSize: 4, seedVersion: 2, lanes: ['erm', 'mfw'] },
    epoch,
    step: 0,
    order: Int32Array.from([3, 1, 2, 0, 11, 5]).buffer,
    rng: { order: { words: [5, 6, 7, 8], spareNormal: 0.125 }, augmentation: { words: [9, 10, 11, 12], spareNormal: null }, sharedDraws: { words: [0, 0, 0, 1], spareNormal: null } },
    runs: { erm: lane(0), mfw: lane(3) },
    gradientCounts: [0, 0, 0, 0],
    trainSeconds: 0,
  } as LockstepState;
}

/** An epoch as the engine reports it, NaN and null where they occur. */
function snapshot(epoch: number): EpochSnapshot {
  const run = (lane: string) => ({
    trainLoss: 1 / (epoch + 1),
    cleanTrainLoss: Number.NaN,
    trainAccuracy: [1, 0.5, 0.25, 0],
    testAccuracy: [0.9, 0.8, 0.1, Math.fround(1 / 3)],
    classificationRatio: [1, 1, 0.5, 0.5],
    featureGradientNorm: [0.1, 0.2, Number.NaN, 0.4],
    gradientNormRatio: 2.5,
    featureDeviation: [0.1, 0.2, 0.3, Number.NaN],
    trainFeatures: Float32Array.from([0.1, -2.5, Math.fround(Math.PI), 1e-7]),
    testFeatures: Float32Array.from([3, 4]),
    classifier: { weight: [[1, 2], [3, Number.NaN], [5, 6], [7, 8]] as [number, number][], bias: [0, 0, 0, 0] },
    classifierWeightNorm: [1, 2, 3, 4],
    classWeights: [1, 1, 1, 1],
    relabelledFraction: null,
    meanPartnerShare: lane === 'mfw' ? [0.25, 0.25, 0, 0] : null,
  });
  return { epoch, learningRate: 0.1, imagesPerSecond: 12.5, trainFeatureLabels: Uint8Array.from([0, 1]), testLabels: Uint8Array.from([2]), runs: { erm: run('erm'), mfw: run('mfw') } };
}

const floatsOf = (s: LockstepState) => JSON.stringify(s, (_, v: unknown) => (v instanceof ArrayBuffer ? Array.from(new Uint8Array(v)) : v));

describe('the state file', () => {
  it('holds the runner’s state exactly, buffers and streams, with the run it belongs to', () => {
    const saved = state(2);
    const bytes = encodeState(saved, { config: CONFIG, synthetic: true });
    const read = decodeState(bytes);
    expect(read.config).toEqual(CONFIG);
    expect(read.synthetic).toBe(true);
    expect(floatsOf(read.state)).toBe(floatsOf(saved));
    expect(read.state.runs.mfw.variables[0]).toBeInstanceOf(ArrayBuffer);
    expect(Array.from(new Float32Array(read.state.runs.mfw.variables[1]))).toEqual(Array.from(new Float32Array(saved.runs.mfw.variables[1])));
    // Small: the buffers' bytes and a header, no snapshots.
    const bufferBytes = (5 + 3 + 5) * 4 * 2 + 6 * 4;
    expect(bytes.length).toBeGreaterThan(bufferBytes);
    expect(bytes.length).toBeLessThan(bufferBytes + 4000);
  });

  it('keeps a 64-d, LDAM-schedule run’s state with its shape (the feature named) and its settings', () => {
    const table1: ExperimentConfig = { ...CONFIG, classes: [0, 1, 2, 3, 4, 5], trainCounts: [4, 4, 2, 2, 2, 2], featureDim: 64, schedule: 'ldam', seed: 3, subsetSeed: 0 };
    const saved: LockstepState = { ...state(1), shape: { ...state(1).shape, numClasses: 6, featureDim: 64 } };
    const read = decodeState(encodeState(saved, { config: table1, synthetic: true }));
    expect(read.state.shape).toEqual({ ...saved.shape, featureDim: 64 });
    expect(read.config).toEqual(table1);
    expect(floatsOf(read.state)).toBe(floatsOf(saved));
  });

  it('refuses bytes that are not a whole state file, saying why', () => {
    const bytes = encodeState(state(1), { config: CONFIG, synthetic: false });
    expect(() => decodeState(new TextEncoder().encode('{"config": 1}'))).toThrow(/not a state file of npm run experiment: it does not start as one/);
    expect(() => decodeState(bytes.subarray(0, bytes.length - 3))).toThrow(/cut short/);
    expect(() => decodeState(Uint8Array.from([...bytes, 0]))).toThrow(/1 bytes follow its last buffer/);
  });
});

describe('results and resuming', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const results = (epochs: number, config = CONFIG, interrupted = true): ResultsFile => ({
    config,
    backend: { name: 'cpu' },
    classNames: ['a', 'b', 'c', 'd'],
    trainCounts: config.trainCounts,
    interrupted,
    synthetic: true,
    epochs: Array.from({ length: epochs }, (_, i) => snapshot(i + 1)),
  });

  it('reads a results file’s epochs back as the engine made them: typed arrays, NaN; written again, the same text', () => {
    const text = resultsJson(results(2));
    const epochs = epochsFromResults((JSON.parse(text) as ResultsFile).epochs);
    expect(epochs).toEqual(results(2).epochs);
    expect(epochs[0].runs.erm.trainFeatures).toBeInstanceOf(Float32Array);
    expect(epochs[0].trainFeatureLabels).toBeInstanceOf(Uint8Array);
    expect(epochs[1].runs.erm.cleanTrainLoss).toBeNaN();
    expect(epochs[1].runs.erm.classifier.weight[1][1]).toBeNaN();
    expect(epochs[1].runs.erm.meanPartnerShare).toBeNull();
    expect(resultsJson({ ...results(2), epochs })).toBe(text);
  });

  it('writes a file whole or not at all: a temporary file renamed over it', () => {
    dir = mkdtempSync(join(tmpdir(), 'resume-test-'));
    const path = join(dir, 'run.json');
    writeFileAtomic(path, 'first');
    writeFileAtomic(path, new TextEncoder().encode('second'));
    expect(readFileSync(path, 'utf8')).toBe('second');
    expect(readdirSync(dir)).toEqual(['run.json']);
  });

  it('plans: nothing there → from epoch 1; a state → go on after its epoch; all epochs → finished; other settings → refused', () => {
    dir = mkdtempSync(join(tmpdir(), 'resume-test-'));
    const files = experimentFiles(dir, 'run');
    expect(planResume(dir, 'run', CONFIG, true)).toEqual({ kind: 'fresh', note: null });

    // Stopped after epoch 2, its results written, its state not yet: epoch 2 is trained again.
    writeFileSync(files.results, resultsJson(results(2)));
    writeFileSync(files.state, encodeState(state(1), { config: CONFIG, synthetic: true }));
    const plan = planResume(dir, 'run', CONFIG, true);
    expect(plan.kind).toBe('resume');
    if (plan.kind !== 'resume') return;
    expect(plan.state.epoch).toBe(1);
    expect(plan.epochs).toEqual(results(1).epochs);

    writeFileSync(files.state, encodeState(state(2), { config: CONFIG, synthetic: true }));
    expect(planResume(dir, 'run', CONFIG, true)).toMatchObject({ kind: 'resume', epochs: results(2).epochs });
    // A state ahead of the results, of other data or settings, or damaged: not continued, and said why.
    writeFileSync(files.state, encodeState(state(3), { config: CONFIG, synthetic: true }));
    expect(planResume(dir, 'run', CONFIG, true)).toEqual({ kind: 'fresh', note: expect.stringContaining('is at epoch 3 but') });
    writeFileSync(files.state, encodeState(state(1), { config: CONFIG, synthetic: false }));
    expect(planResume(dir, 'run', CONFIG, true)).toEqual({ kind: 'fresh', note: expect.stringContaining('belongs to other settings or data') });
    writeFileSync(files.state, 'garbage');
    expect(planResume(dir, 'run', CONFIG, true)).toEqual({ kind: 'fresh', note: expect.stringContaining('is not a state file') });
    rmSync(files.state);
    expect(planResume(dir, 'run', CONFIG, true)).toEqual({ kind: 'fresh', note: expect.stringContaining('no state to continue from') });

    // Other settings under the name, or the other data: refused, nothing overwritten.
    expect(() => planResume(dir, 'run', { ...CONFIG, seed: 2, subsetSeed: 2 }, true)).toThrow(UsageError);
    expect(() => planResume(dir, 'run', { ...CONFIG, seed: 2, subsetSeed: 2 }, true)).toThrow(/holds a run of other settings \(seed 1 there, 2 here; subsetSeed 1 there, 2 here\)/);
    expect(() => planResume(dir, 'run', CONFIG, false)).toThrow(/trained on synthetic data: add --synthetic/);
    expect(existsSync(files.results)).toBe(true);

    // Every epoch there (even marked interrupted by a late signal): finished.
    writeFileSync(files.results, resultsJson(results(3)));
    expect(planResume(dir, 'run', CONFIG, true)).toMatchObject({ kind: 'finished', epochs: results(3).epochs });
  });

  it('plans a 64-d, LDAM-schedule run as any other, and refuses its name to the 2-D feature, the cosine schedule or another subset', () => {
    dir = mkdtempSync(join(tmpdir(), 'resume-test-'));
    const files = experimentFiles(dir, 'table1');
    const table1: ExperimentConfig = { ...CONFIG, featureDim: 64, schedule: 'ldam', subsetSeed: 0 };
    writeFileSync(files.results, resultsJson(results(2, table1)));
    writeFileSync(files.state, encodeState({ ...state(2), shape: { ...state(2).shape, featureDim: 64 } }, { config: table1, synthetic: true }));
    const plan = planResume(dir, 'table1', table1, true);
    expect(plan).toMatchObject({ kind: 'resume', epochs: results(2).epochs });
    if (plan.kind === 'resume') expect(plan.state.shape.featureDim).toBe(64);
    expect(() => planResume(dir, 'table1', { ...table1, featureDim: 2 }, true)).toThrow(/holds a run of other settings \(featureDim 64 there, 2 here\)/);
    expect(() => planResume(dir, 'table1', { ...table1, schedule: 'cosine' }, true)).toThrow(/holds a run of other settings \(schedule "ldam" there, "cosine" here\)/);
    expect(() => planResume(dir, 'table1', { ...table1, subsetSeed: 1 }, true)).toThrow(/holds a run of other settings \(subsetSeed 0 there, 1 here\)/);
  });
});
