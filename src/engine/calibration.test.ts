import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../config/experiment.ts';
import { calibrateLane } from './calibration.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Tiny on purpose: the CPU backend trains a width-0.25 ResNet-8 at a few images per second.
const { config } = validateConfig({ imbalance: 'custom', trainCounts: [300, 300, 3, 3], width: 0.25, blocksPerStage: 1, batchSize: 4, epochs: 5 });

describe('calibrateLane', () => {
  it('times training steps and the evaluation on a throwaway twin, reporting progress and leaving no tensor behind', async () => {
    const tensors = tf.memory().numTensors;
    const progress: [number, number][] = [];
    const calibration = await calibrateLane(config, 'cpu', { steps: 2, testPerClass: 2, onProgress: (done, total) => progress.push([done, total]) });
    expect(calibration).not.toBeNull();
    expect(calibration!.backend).toBe('cpu');
    expect(calibration!.source).toBe('measured');
    expect(calibration!.profile).toEqual({ blocksPerStage: 1, width: 0.25, batchSize: 4 });
    expect(calibration!.secondsPerStep).toBeGreaterThan(0);
    expect(calibration!.evalSecondsPerImage).toBeGreaterThan(0);
    // 2 warm-up steps, 2 timed steps, 1 untimed and 1 timed evaluation.
    expect(progress).toEqual([1, 2, 3, 4, 5, 6].map((done) => [done, 6]));
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('stops timing steps once they took the time allowed, after at least one', async () => {
    const progress: number[] = [];
    const calibration = await calibrateLane(config, 'cpu', { steps: 3, maxTimedSeconds: 0, testPerClass: 2, onProgress: (done) => progress.push(done) });
    expect(calibration!.secondsPerStep).toBeGreaterThan(0);
    // Warm-up 1, 2, one timed step 3, then the evaluations count as parts 6 and 7 of 7.
    expect(progress).toEqual([1, 2, 3, 6, 7]);
  });

  it('gives up at once when cancelled, without a result', async () => {
    const tensors = tf.memory().numTensors;
    let checks = 0;
    const calibration = await calibrateLane(config, 'cpu', { testPerClass: 2, cancelled: () => ++checks > 1 });
    expect(calibration).toBeNull();
    expect(checks).toBe(2);
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
