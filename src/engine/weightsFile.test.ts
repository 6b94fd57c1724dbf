import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../config/experiment.ts';
import { syntheticExperimentData } from './syntheticData.ts';
import { LockstepRunner } from './lockstep.ts';
import { readWeightsFiles, WeightsFileError, type ChosenFile, type WeightsModelJson } from '../core/weightsFile.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Tiny on purpose: the CPU backend trains a width-0.25 ResNet-8 at a few images per second.
const COUNTS = [8, 8, 4, 4];
const data = syntheticExperimentData(COUNTS, 3, 5);
const { config } = validateConfig({ imbalance: 'custom', trainCounts: COUNTS, width: 0.25, blocksPerStage: 1, batchSize: 8, epochs: 3, trainFeatureSample: 100, testPerClass: 10, seed: 4 });

/** A twin trained for one epoch, its snapshot, and both runs' weights as the files a user would choose. */
async function trainedFiles(): Promise<{ twin: LockstepRunner; files: ChosenFile[]; epochOne: Awaited<ReturnType<LockstepRunner['finishEpoch']>> }> {
  const twin = await LockstepRunner.create(data, config);
  while (twin.step < twin.stepsPerEpoch) await twin.trainStep();
  const epochOne = await twin.finishEpoch();
  const files: ChosenFile[] = [];
  for (const method of ['erm', 'mfw'] as const) {
    const { modelJson, weightData } = await twin.exportWeights(method, `run-epoch1-${method}.weights.bin`);
    files.push({ name: `run-epoch1-${method}.model.json`, text: JSON.stringify(modelJson) }, { name: `run-epoch1-${method}.weights.bin`, bytes: weightData });
  }
  return { twin, files, epochOne };
}

function problem(files: ChosenFile[]): string {
  try {
    readWeightsFiles(files);
  } catch (error) {
    expect(error).toBeInstanceOf(WeightsFileError);
    return (error as Error).message;
  }
  throw new Error('the files were accepted');
}

function editJson(files: ChosenFile[], index: number, edit: (model: WeightsModelJson) => void): ChosenFile[] {
  const model = JSON.parse(files[index].text!) as WeightsModelJson;
  edit(model);
  return files.map((file, i) => (i === index ? { ...file, text: JSON.stringify(model) } : file));
}

describe('weights files', () => {
  // One trained twin for all: training on the CPU backend is the slow part.
  let trained: Awaited<ReturnType<typeof trainedFiles>>;
  beforeAll(async () => {
    trained = await trainedFiles();
  });
  afterAll(() => trained.twin.dispose());

  it('load back into a twin that shows exactly the exported run, and continues its schedule', async () => {
    const { twin, files, epochOne } = trained;
    const loaded = readWeightsFiles(files);
    expect(loaded.config).toEqual(config);
    expect(loaded.epoch).toBe(1);
    const copy = await LockstepRunner.fromWeights(data, loaded.config, loaded.runs as Required<typeof loaded.runs>, loaded.epoch);
    const inspected = await copy.evaluate();
    expect(inspected.epoch).toBe(1);
    expect(inspected.learningRate).toBe(epochOne.learningRate);
    for (const method of ['erm', 'mfw'] as const) {
      expect(Array.from(inspected.runs[method].testFeatures)).toEqual(Array.from(epochOne.runs[method].testFeatures));
      expect(inspected.runs[method].testAccuracy).toEqual(epochOne.runs[method].testAccuracy);
      expect(inspected.runs[method].classifier).toEqual(epochOne.runs[method].classifier);
      // Only training steps measure these.
      expect(inspected.runs[method].trainLoss).toBeNaN();
      expect(inspected.runs[method].featureGradientNorm.every(Number.isNaN)).toBe(true);
    }
    expect(copy.epoch).toBe(1);
    expect(copy.learningRate).toBe(twin.learningRate);
    await copy.trainStep();
    expect(copy.step).toBe(1);
    copy.dispose();
  });

  it('load one run alone, its .bin matched even when renamed on download', async () => {
    const { files } = trained;
    const renamed = [files[0], { ...files[1], name: 'run-epoch1-erm.weights (1).bin' }];
    expect(Object.keys(readWeightsFiles(renamed).runs)).toEqual(['erm']);
  });

  it('open a file from before the method lab (no lanes in its experiment, runs named erm/mfw, DRW on both) as its lanes', async () => {
    const { files } = trained;
    const legacy = (index: number, drw: boolean) =>
      editJson(files, index, (m) => {
        const config = m.experiment.config as unknown as Record<string, unknown>;
        delete config.methods;
        delete config.seedVersion;
        config.drw = drw;
      });
    const plain = readWeightsFiles([legacy(0, false)[0], files[1], legacy(2, false)[2], files[3]]);
    expect(plain.config.methods).toEqual(['erm', 'mfw']);
    expect(plain.config.seedVersion).toBe(1);
    expect(Object.keys(plain.runs)).toEqual(['erm', 'mfw']);
    const withDrw = readWeightsFiles([legacy(0, true)[0], files[1], legacy(2, true)[2], files[3]]);
    expect(withDrw.config.methods).toEqual(['drw', 'mfw-drw']);
    expect(Object.keys(withDrw.runs)).toEqual(['drw', 'mfw-drw']);
  });

  it('refuse files that do not fit, saying which and why', async () => {
    const { files } = trained;
    expect(problem([{ name: 'notes.json', text: '{"format":"something"}' }])).toContain('not an Imbalance Playground weights file');
    expect(problem(editJson(files, 0, (m) => delete (m as Partial<WeightsModelJson>).experiment))).toContain('without the experiment it belongs to');
    expect(problem(editJson(files, 0, (m) => (m.experiment.config.learningRate = 9)))).toContain('Learning rate must be between');
    expect(problem(editJson(files, 0, (m) => (m.architecture.width = 0.5)))).toContain('architecture.width is 0.5, but its experiment has 0.25');
    expect(problem(editJson(files, 0, (m) => (m.weightsManifest[0].weights[0].shape = [3, 3, 3, 5])))).toContain('weight 1 must be stem/conv, float32 of shape [3, 3, 3, 4]');
    expect(problem(editJson(files, 2, (m) => (m.architecture.method = 'erm')))).toContain('two model.json files are the erm lane’s');
    expect(problem(editJson(files, 0, (m) => (m.architecture.method = 'la')))).toContain('architecture.method must be one of the experiment\'s methods, erm, mfw (got "la")');
    expect(problem(editJson(files, 2, (m) => (m.experiment.epoch = 2)))).toContain('come from different runs');
    expect(problem([files[0], files[2], files[3]])).toContain('names its weights file run-epoch1-erm.weights.bin: choose it too');
    expect(problem([files[0], { ...files[1], bytes: files[1].bytes!.slice(4) }])).toContain('describes');
    const broken = new Float32Array(files[1].bytes!.slice(0));
    broken[7] = Number.POSITIVE_INFINITY;
    expect(problem([files[0], { ...files[1], bytes: broken.buffer }])).toContain('not finite (Infinity, value 8)');
    expect(problem([files[1]])).toContain('choose one model.json');
  });
});
