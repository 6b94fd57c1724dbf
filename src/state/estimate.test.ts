import { describe, expect, it } from 'vitest';
import { CLASSROOM_CONFIG, PAPER_CONFIG, QUICK_CONFIG, timePresetOf, withTimePreset } from '../config/experiment.ts';
import { estimateRun, profileKey, profileOf, scaleCalibration, type Calibration } from '../core/networkCost.ts';
import { estimateFor, formatEstimate, withFewerLanes } from './estimate.ts';
import { scrubTarget } from './store.ts';

const classroom: Calibration = { backend: 'webgpu', profile: profileOf(CLASSROOM_CONFIG), secondsPerStep: 0.2, evalSecondsPerImage: 2e-4, source: 'measured' };
const calibrations = { [profileKey('webgpu', classroom.profile)]: classroom };
const GPU = { name: 'webgpu', parallelLanes: 1 };

describe('estimates before Play', () => {
  it('uses the timing of the configuration’s own network, and counts the epochs left', () => {
    expect(estimateFor(CLASSROOM_CONFIG, GPU, calibrations)).toEqual({ ...estimateRun(CLASSROOM_CONFIG, classroom), source: 'measured' });
    // Quick has Classroom's network and batch: the same timing, half the epochs.
    expect(estimateFor(QUICK_CONFIG, GPU, calibrations)!.seconds).toBeCloseTo(estimateRun(CLASSROOM_CONFIG, classroom).seconds / 2);
    expect(estimateFor(CLASSROOM_CONFIG, GPU, calibrations, 30)!.epochs).toBe(10);
  });

  it('scales from another network timed on the same backend, and has nothing to say for another backend', () => {
    const paper = estimateFor(PAPER_CONFIG, GPU, calibrations)!;
    expect(paper.source).toBe('scaled');
    expect(paper.seconds).toBeCloseTo(estimateRun(PAPER_CONFIG, scaleCalibration(classroom, profileOf(PAPER_CONFIG))).seconds);
    expect(estimateFor(CLASSROOM_CONFIG, { name: 'webgl', parallelLanes: 1 }, calibrations)).toBeNull();
    expect(estimateFor(CLASSROOM_CONFIG, null, calibrations)).toBeNull();
  });

  it('does not scale across more than a factor of 8 in arithmetic, and scales from the nearest network', () => {
    const tiny: Calibration = { ...classroom, profile: { blocksPerStage: 1, width: 0.25, batchSize: 16 }, secondsPerStep: 0.01 };
    const onlyTiny = { [profileKey('webgpu', tiny.profile)]: tiny };
    expect(estimateFor(CLASSROOM_CONFIG, GPU, onlyTiny)).toBeNull();
    const both = { ...onlyTiny, ...calibrations };
    expect(estimateFor(PAPER_CONFIG, GPU, both)!.seconds).toBeCloseTo(estimateRun(PAPER_CONFIG, scaleCalibration(classroom, profileOf(PAPER_CONFIG))).seconds);
  });

  it('offers the default pair as the fewer lanes of a longer run, each lane costing the same', () => {
    const four = { ...CLASSROOM_CONFIG, methods: ['erm', 'ldam-drw', 'la', 'mfw'] };
    const pair = withFewerLanes(four)!;
    expect(pair.methods).toEqual(['erm', 'mfw']);
    expect(estimateFor(pair, GPU, calibrations)!.seconds).toBeCloseTo(estimateFor(four, GPU, calibrations)!.seconds / 2);
    expect(withFewerLanes(CLASSROOM_CONFIG)).toBeNull();
    expect(withFewerLanes({ ...CLASSROOM_CONFIG, methods: ['erm'] })).toBeNull();
  });

  it('on the CPU backends counts the lanes the busiest lane worker trains one after another, on a GPU every lane', () => {
    const onWasm: Calibration = { ...classroom, backend: 'wasm' };
    const wasmCalibrations = { [profileKey('wasm', onWasm.profile)]: onWasm };
    const four = { ...CLASSROOM_CONFIG, methods: ['erm', 'ldam-drw', 'la', 'mfw'] };
    const oneLane = estimateRun(CLASSROOM_CONFIG, onWasm, 0, 1).seconds;
    const on = (parallelLanes: number, config = four) => estimateFor(config, { name: 'wasm', parallelLanes }, wasmCalibrations)!.seconds;
    expect(on(1)).toBeCloseTo(4 * oneLane);
    expect(on(2)).toBeCloseTo(2 * oneLane);
    expect(on(3)).toBeCloseTo(2 * oneLane); // groups of 2, 1, 1
    expect(on(8)).toBeCloseTo(oneLane);
    expect(on(2, CLASSROOM_CONFIG)).toBeCloseTo(oneLane);
    // A GPU trains every lane on one queue, whatever the cores.
    const gpu = estimateFor(four, { name: 'webgpu', parallelLanes: 1 }, calibrations)!.seconds;
    expect(gpu).toBeCloseTo(estimateRun(four, classroom).seconds);
    expect(gpu).toBeCloseTo(4 * estimateRun(CLASSROOM_CONFIG, classroom, 0, 1).seconds);
  });

  it('says durations as people do: rounded, in the unit that fits', () => {
    expect(formatEstimate(42)).toBe('under a minute');
    expect(formatEstimate(4.4 * 60)).toBe('about 4 min');
    expect(formatEstimate(89 * 60)).toBe('about 89 min');
    expect(formatEstimate(2 * 3600 + 14 * 60)).toBe('about 2 h 10 min');
    expect(formatEstimate(5 * 3600 + 58 * 60)).toBe('about 6 h');
    expect(formatEstimate(30 * 3600)).toBe('about 1 day');
    expect(formatEstimate(125 * 3600)).toBe('about 5 days');
    expect(formatEstimate(Number.NaN)).toBe('an unknown time');
  });
});

describe('time presets', () => {
  it('keep the user’s classes, seed and backend, and are recognised whatever they are', () => {
    const mine = { ...CLASSROOM_CONFIG, classes: [8, 1, 2, 6], seed: 7, backend: 'webgl' as const };
    const quick = withTimePreset(mine, QUICK_CONFIG);
    expect(quick).toEqual({ ...QUICK_CONFIG, classes: [8, 1, 2, 6], seed: 7, backend: 'webgl' });
    expect(timePresetOf(quick)).toBe('quick');
    expect(timePresetOf(mine)).toBe('classroom');
    expect(timePresetOf(withTimePreset(mine, PAPER_CONFIG))).toBe('paper');
    expect(timePresetOf({ ...mine, epochs: 41 })).toBeNull();
  });
});

describe('keyboard scrubbing', () => {
  const epochs = [1, 2, 3, 4];
  it('steps through the stored epochs and back to following the newest', () => {
    expect(scrubTarget(epochs, null, -1)).toBe(3);
    expect(scrubTarget(epochs, 3, -1)).toBe(2);
    expect(scrubTarget(epochs, 1, -1)).toBeUndefined();
    expect(scrubTarget(epochs, 2, 1)).toBe(3);
    expect(scrubTarget(epochs, 3, 1)).toBeNull();
    // At the newest there is nothing further to show (→ then trains one epoch, when paused).
    expect(scrubTarget(epochs, null, 1)).toBeUndefined();
    expect(scrubTarget([], null, -1)).toBeUndefined();
  });
});
