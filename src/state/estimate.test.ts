import { describe, expect, it } from 'vitest';
import { CLASSROOM_CONFIG, PAPER_CONFIG, QUICK_CONFIG, timePresetOf, withTimePreset } from '../config/experiment.ts';
import { estimateRun, profileKey, profileOf, scaleCalibration, type Calibration } from '../core/networkCost.ts';
import { estimateFor, formatEstimate, withFewerLanes } from './estimate.ts';
import { scrubTarget } from './store.ts';

const classroom: Calibration = { backend: 'webgpu', profile: profileOf(CLASSROOM_CONFIG), secondsPerStep: 0.2, evalSecondsPerImage: 2e-4, source: 'measured' };
const calibrations = { [profileKey('webgpu', classroom.profile)]: classroom };

describe('estimates before Play', () => {
  it('uses the timing of the configuration’s own network, and counts the epochs left', () => {
    expect(estimateFor(CLASSROOM_CONFIG, 'webgpu', calibrations)).toEqual({ ...estimateRun(CLASSROOM_CONFIG, classroom), source: 'measured' });
    // Quick has Classroom's network and batch: the same timing, half the epochs.
    expect(estimateFor(QUICK_CONFIG, 'webgpu', calibrations)!.seconds).toBeCloseTo(estimateRun(CLASSROOM_CONFIG, classroom).seconds / 2);
    expect(estimateFor(CLASSROOM_CONFIG, 'webgpu', calibrations, 30)!.epochs).toBe(10);
  });

  it('scales from another network timed on the same backend, and has nothing to say for another backend', () => {
    const paper = estimateFor(PAPER_CONFIG, 'webgpu', calibrations)!;
    expect(paper.source).toBe('scaled');
    expect(paper.seconds).toBeCloseTo(estimateRun(PAPER_CONFIG, scaleCalibration(classroom, profileOf(PAPER_CONFIG))).seconds);
    expect(estimateFor(CLASSROOM_CONFIG, 'webgl', calibrations)).toBeNull();
    expect(estimateFor(CLASSROOM_CONFIG, null, calibrations)).toBeNull();
  });

  it('does not scale across more than a factor of 8 in arithmetic, and scales from the nearest network', () => {
    const tiny: Calibration = { ...classroom, profile: { blocksPerStage: 1, width: 0.25, batchSize: 16 }, secondsPerStep: 0.01 };
    const onlyTiny = { [profileKey('webgpu', tiny.profile)]: tiny };
    expect(estimateFor(CLASSROOM_CONFIG, 'webgpu', onlyTiny)).toBeNull();
    const both = { ...onlyTiny, ...calibrations };
    expect(estimateFor(PAPER_CONFIG, 'webgpu', both)!.seconds).toBeCloseTo(estimateRun(PAPER_CONFIG, scaleCalibration(classroom, profileOf(PAPER_CONFIG))).seconds);
  });

  it('offers the default pair as the fewer lanes of a longer run, each lane costing the same', () => {
    const four = { ...CLASSROOM_CONFIG, methods: ['erm', 'ldam-drw', 'la', 'mfw'] };
    const pair = withFewerLanes(four)!;
    expect(pair.methods).toEqual(['erm', 'mfw']);
    expect(estimateFor(pair, 'webgpu', calibrations)!.seconds).toBeCloseTo(estimateFor(four, 'webgpu', calibrations)!.seconds / 2);
    expect(withFewerLanes(CLASSROOM_CONFIG)).toBeNull();
    expect(withFewerLanes({ ...CLASSROOM_CONFIG, methods: ['erm'] })).toBeNull();
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
