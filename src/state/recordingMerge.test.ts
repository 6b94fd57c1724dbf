import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateConfig, type ExperimentConfig } from '../config/experiment.ts';
import type { EpochSnapshot } from '../core/snapshot.ts';
import { LockstepRunner } from '../engine/lockstep.ts';
import { syntheticExperimentData } from '../engine/syntheticData.ts';
import { mergeRecordings, parseRecording, recordingFile, type Recording } from './recording.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const COUNTS = [12, 12, 4, 4];
const data = syntheticExperimentData(COUNTS, 4, 5);

function tinyConfig(methods: string[], overrides: Partial<ExperimentConfig> = {}): ExperimentConfig {
  const { config, problems } = validateConfig({
    imbalance: 'custom', trainCounts: COUNTS, width: 0.25, blocksPerStage: 1, batchSize: 8, epochs: 2, trainFeatureSample: 100, seed: 5, methods, ...overrides,
  });
  expect(problems).toEqual([]);
  return config;
}

/** A recording as `npm run experiment -- … --recording` writes it, read back as the app reads it. */
async function trainedRecording(config: ExperimentConfig, command: string): Promise<Recording> {
  const runner = await LockstepRunner.create(data, config);
  const history: EpochSnapshot[] = [];
  while (!runner.finished) {
    for (let s = 0; s < runner.stepsPerEpoch; s++) await runner.trainStep();
    history.push(await runner.finishEpoch());
  }
  runner.dispose();
  return parseRecording(JSON.stringify(recordingFile(config, history, 'cpu', new Date(), { command, commit: 'abc' })));
}

describe('merging recordings trained in parts', () => {
  it('gives, lane for lane, the recording of the whole run', async () => {
    const whole = await trainedRecording(tinyConfig(['erm', 'mfw', 'la', 'remix-drw']), 'all');
    const first = await trainedRecording(tinyConfig(['erm', 'mfw']), 'part a');
    const second = await trainedRecording(tinyConfig(['la', 'remix-drw']), 'part b');
    const merged = mergeRecordings([first, second]);
    expect(merged.config).toEqual(whole.config);
    expect(merged.provenance).toEqual({ command: 'part a & part b', commit: 'abc' });
    expect(merged.history).toHaveLength(2);
    merged.history.forEach((snapshot, e) => {
      expect(Object.keys(snapshot.runs)).toEqual(['erm', 'mfw', 'la', 'remix-drw']);
      expect(snapshot.runs).toEqual(whole.history[e].runs);
      expect(snapshot.imagesPerSecond).toBe(Math.min(first.history[e].imagesPerSecond, second.history[e].imagesPerSecond));
    });
  }, 120_000);

  it('ends at the epoch every part reached, and refuses parts of different runs, naming the difference', async () => {
    const first = await trainedRecording(tinyConfig(['erm']), 'a');
    const second = await trainedRecording(tinyConfig(['mfw']), 'b');
    const shorter = { ...second, history: second.history.slice(0, 1) };
    expect(mergeRecordings([first, shorter]).history.map((s) => s.epoch)).toEqual([1]);

    expect(() => mergeRecordings([first, { ...second, config: { ...second.config, seed: 6 } }])).toThrow('Part 2 is another experiment than part 1: its seed differs.');
    expect(() => mergeRecordings([first, { ...second, backend: 'wasm' }])).toThrow('Part 2 was trained on wasm, part 1 on cpu.');
    expect(() => mergeRecordings([first, { ...second, provenance: { command: 'b', commit: 'def' } }])).toThrow('from commit def, part 1 from abc');
    expect(() => mergeRecordings([first, first])).toThrow('The lane erm is in more than one part.');
    const otherImages = { ...second, history: second.history.map((s) => ({ ...s, testLabels: s.testLabels.map((label) => 3 - label) })) };
    expect(() => mergeRecordings([first, otherImages])).toThrow('At epoch 1 the parts differ');
    const seven = ['erm', 'mfw', 'la', 'rw', 'drw', 'mixup', 'remix-drw'];
    expect(() => mergeRecordings(seven.map((lane) => ({ ...first, config: { ...first.config, methods: [lane] } })))).toThrow('Together the parts are no experiment the app shows');
    expect(() => mergeRecordings([])).toThrow('no recordings');
  }, 120_000);
});
