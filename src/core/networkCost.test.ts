import { describe, expect, it } from 'vitest';
import { CLASSROOM_CONFIG, PAPER_CONFIG } from '../config/experiment.ts';
import { forwardMacsPerImage } from './architecture.ts';
import { estimateRun, scaleCalibration, type Calibration } from './networkCost.ts';

describe('network cost', () => {
  it('counts the 3×3 convolutions of a CIFAR ResNet by hand', () => {
    // ResNet-8: stem 1024·9·3·16, stage 1: 2·1024·9·16·16, stage 2: 256·9·16·32 + 256·9·32·32, stage 3: 64·9·32·64 + 64·9·64·64.
    expect(forwardMacsPerImage(1, 1)).toBe(442_368 + 4_718_592 + (1_179_648 + 2_359_296) * 2);
    // ResNet-32: four more blocks of 2 convolutions per stage, each 2,359,296 (the stage's 9·C² per pixel).
    expect(forwardMacsPerImage(5, 1)).toBe(forwardMacsPerImage(1, 1) + 3 * 4 * 2 * 2_359_296);
    // Width 0.5 halves every channel count: a quarter of the products, the stem only half.
    expect(forwardMacsPerImage(1, 0.5)).toBe(442_368 / 2 + (4_718_592 + (1_179_648 + 2_359_296) * 2) / 4);
  });

  const measured: Calibration = {
    backend: 'webgl',
    profile: { blocksPerStage: 1, width: 1, batchSize: 128 },
    secondsPerStep: 0.5,
    evalSecondsPerImage: 0.001,
    source: 'measured',
  };

  it('estimates a run as its training steps plus one evaluation of the training and test sets per epoch, per lane', () => {
    // Classroom: 10,100 training images = 79 steps of 128; 4 × 1000 test images; two lanes (ERM, MFW).
    const estimate = estimateRun(CLASSROOM_CONFIG, measured);
    expect(estimate.epochs).toBe(40);
    expect(estimate.trainSeconds).toBeCloseTo(2 * 40 * 79 * 0.5);
    expect(estimate.evalSeconds).toBeCloseTo(2 * 40 * 14_100 * 0.001);
    // Six lanes take three times as long.
    const six = { ...CLASSROOM_CONFIG, methods: ['erm', 'mfw', 'drw', 'ldam-drw', 'la', 'remix-drw'] };
    expect(estimateRun(six, measured).seconds).toBeCloseTo(3 * estimate.seconds);
    expect(estimate.seconds).toBeCloseTo(estimate.trainSeconds + estimate.evalSeconds);
    // After 30 epochs, 10 are left.
    expect(estimateRun(CLASSROOM_CONFIG, measured, 30).seconds).toBeCloseTo(estimate.seconds / 4);
    expect(estimateRun(CLASSROOM_CONFIG, measured, 40).seconds).toBe(0);
  });

  it('scales a timing to another network in proportion to its arithmetic per batch', () => {
    const paper = scaleCalibration(measured, { blocksPerStage: 5, width: 1, batchSize: 64 });
    const ratio = forwardMacsPerImage(5, 1) / forwardMacsPerImage(1, 1);
    expect(paper.source).toBe('scaled');
    expect(paper.secondsPerStep).toBeCloseTo(0.5 * ratio * 0.5);
    expect(paper.evalSecondsPerImage).toBeCloseTo(0.001 * ratio);
    expect(estimateRun(PAPER_CONFIG, scaleCalibration(measured, { blocksPerStage: 5, width: 1, batchSize: 128 })).seconds).toBeGreaterThan(
      estimateRun(CLASSROOM_CONFIG, measured).seconds * 5 * ratio * 0.99,
    );
  });
});
