import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, PAPER_CONFIG, type ExperimentConfig } from '../config/experiment.ts';
import type { EpochSnapshot, RunSnapshot } from '../core/snapshot.ts';
import { Rng } from '../util/rng.ts';
import { float32ToBase64 } from '../util/base64.ts';
import { dequantiseFeatures, parseRecording, quantiseFeatures, recordingFile, RecordingError, type RecordingFile } from './recording.ts';
import { recordingUrl } from './replay.ts';

const config: ExperimentConfig = { ...DEFAULT_CONFIG, imbalance: 'custom', trainCounts: [16, 16, 4, 4], epochs: 5, trainFeatureSample: 100, testPerClass: 10 };
const trainLabels = Uint8Array.from([0, 0, 1, 1, 2, 3, 3]);
const testLabels = Uint8Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);

function run(rng: Rng, lane: string): RunSnapshot {
  const perClass = () => [0, 1, 2, 3].map(() => rng.next());
  return {
    trainLoss: rng.next(),
    cleanTrainLoss: rng.next(),
    trainAccuracy: perClass(),
    testAccuracy: perClass(),
    classificationRatio: perClass(),
    featureGradientNorm: perClass(),
    gradientNormRatio: rng.next(),
    featureDeviation: [...perClass().slice(0, 3), Number.NaN],
    trainFeatures: Float32Array.from({ length: 2 * trainLabels.length }, () => rng.normal() * 10),
    testFeatures: Float32Array.from({ length: 2 * testLabels.length }, () => rng.normal() * 10),
    classifier: { weight: [0, 1, 2, 3].map(() => [rng.normal(), rng.normal()] as [number, number]), bias: perClass() },
    classifierWeightNorm: perClass(),
    classWeights: perClass(),
    relabelledFraction: lane.startsWith('remix') ? rng.next() : null,
    meanPartnerShare: lane === 'erm' ? null : perClass(),
  };
}

function history(epochs: number, lanes = config.methods): EpochSnapshot[] {
  const rng = new Rng(3);
  return Array.from({ length: epochs }, (_, i) => ({
    epoch: i + 1,
    learningRate: 0.1 / (i + 1),
    imagesPerSecond: 100 + i,
    trainFeatureLabels: trainLabels.slice(),
    testLabels: testLabels.slice(),
    runs: Object.fromEntries(lanes.map((lane) => [lane, run(rng, lane)])),
  }));
}

/** The history with every feature as a 16-bit recording keeps it (quantised and restored). */
function asRecorded(recorded: EpochSnapshot[]): EpochSnapshot[] {
  const restore = (values: Float32Array) => dequantiseFeatures(quantiseFeatures(values));
  return recorded.map((s) => ({
    ...s,
    runs: Object.fromEntries(Object.entries(s.runs).map(([lane, r]) => [lane, { ...r, trainFeatures: restore(r.trainFeatures), testFeatures: restore(r.testFeatures) }])),
  }));
}

/** The same file in version 1, as the app wrote it before 16-bit features: float32 features. */
function asVersion1(file: RecordingFile, recorded: EpochSnapshot[]): RecordingFile {
  const old = JSON.parse(JSON.stringify(file));
  old.version = 1;
  old.epochs.forEach((epoch: { runs: Record<string, Record<string, unknown>> }, i: number) => {
    for (const [lane, r] of Object.entries(epoch.runs)) {
      r.trainFeatures = float32ToBase64(recorded[i].runs[lane].trainFeatures);
      r.testFeatures = float32ToBase64(recorded[i].runs[lane].testFeatures);
    }
  });
  return old;
}

/** A recording as the app wrote it before the method lab: no methods or seedVersion, runs erm and mfw with the old metrics only. */
function legacyFile(drw: boolean): RecordingFile {
  const file = asVersion1(recordingFile(config, history(2), 'webgl'), history(2));
  const { methods: _methods, seedVersion: _seedVersion, subsetSeed: _subsetSeed, ...old } = file.config;
  (file as { config: unknown }).config = { ...old, drw };
  for (const epoch of file.epochs) {
    for (const recorded of Object.values(epoch.runs)) {
      for (const key of ['cleanTrainLoss', 'gradientNormRatio', 'classifierWeightNorm', 'classWeights', 'relabelledFraction', 'meanPartnerShare']) delete (recorded as Record<string, unknown>)[key];
    }
  }
  return file;
}

/** A valid file (through JSON, as saved), changed by `edit`. */
function tampered(edit: (file: RecordingFile) => void): string {
  const file = JSON.parse(JSON.stringify(recordingFile(config, history(3), 'webgl'))) as RecordingFile;
  edit(file);
  return JSON.stringify(file);
}

function problemsOf(text: string): string {
  try {
    parseRecording(text);
  } catch (error) {
    expect(error).toBeInstanceOf(RecordingError);
    return (error as Error).message;
  }
  throw new Error('the file was accepted');
}

describe('recordings', () => {
  it('round-trip a partial run: configuration, every epoch, classifier and metrics exactly (NaN too), features within half a 16-bit step', () => {
    const recorded = history(3);
    const text = JSON.stringify(recordingFile(config, recorded, 'webgl', new Date('2026-11-30T10:00:00Z')));
    const replay = parseRecording(text);
    expect(replay.config).toEqual(config);
    expect(replay.classNames).toEqual(['airplane', 'automobile', 'bird', 'cat']);
    expect(replay.backend).toBe('webgl');
    expect(replay.createdAt).toBe('2026-11-30T10:00:00.000Z');
    expect(replay.history).toEqual(asRecorded(recorded));
    expect(Number.isNaN(replay.history[2].runs.mfw.featureDeviation[3])).toBe(true);
    recorded.forEach((s, i) => {
      for (const [lane, r] of Object.entries(s.runs)) {
        for (const key of ['trainFeatures', 'testFeatures'] as const) {
          const original = r[key];
          const range = [0, 1].map((axis) => {
            const values = original.filter((_, j) => j % 2 === axis);
            return Math.max(...values) - Math.min(...values);
          });
          replay.history[i].runs[lane][key].forEach((v, j) => expect(Math.abs(v - original[j])).toBeLessThanOrEqual(range[j % 2] / 65535 / 2 + 1e-6));
        }
      }
    });
  });

  it('read version 1 files (float32 features) exactly', () => {
    const recorded = history(3);
    const old = asVersion1(recordingFile(config, recorded, 'webgl'), recorded);
    expect(parseRecording(JSON.stringify(old)).history).toEqual(recorded);
  });

  it('quantise a constant axis and an empty sample without dividing by zero', () => {
    const [x0, y0, x1, y1, x2, y2] = dequantiseFeatures(quantiseFeatures(Float32Array.from([3, -1, 3, 2, 3, 0.5])));
    expect([x0, x1, x2, y0, y1]).toEqual([3, 3, 3, -1, 2]);
    expect(Math.abs(y2 - 0.5)).toBeLessThanOrEqual(3 / 65535 / 2);
    expect(dequantiseFeatures(quantiseFeatures(new Float32Array(0)))).toHaveLength(0);
  });

  it('carry the command and commit of a headless run, and refuse a malformed one', () => {
    const madeBy = { command: 'npm run experiment -- ep=40 --recording', commit: '8991e5f0a1b2' };
    const file = recordingFile(config, history(1), 'wasm', new Date(), madeBy);
    expect(parseRecording(JSON.stringify(file)).provenance).toEqual(madeBy);
    expect(parseRecording(JSON.stringify(recordingFile(config, history(1), 'wasm'))).provenance).toBeNull();
    expect(() => parseRecording(JSON.stringify({ ...file, provenance: { command: 3, commit: null } }))).toThrow('provenance must hold the command');
  });

  it('hold every lane, by id in lane order, with the comparable metrics (1 to 6 lanes)', () => {
    for (const methods of [['la:tau=1.5'], ['erm', 'mfw', 'drw', 'ldam-drw', 'remix-drw', 'manifold-mixup']]) {
      const lanes = { ...config, methods };
      const recorded = history(2, methods);
      const file = JSON.parse(JSON.stringify(recordingFile(lanes, recorded, null))) as RecordingFile;
      expect(Object.keys(file.epochs[1].runs)).toEqual(methods);
      const replay = parseRecording(JSON.stringify(file));
      expect(replay.config.methods).toEqual(methods);
      expect(replay.history).toEqual(asRecorded(recorded));
    }
  });

  it('open files from before the method lab: runs erm and mfw as the first two lanes, the new metrics filled in', () => {
    const old = legacyFile(false);
    const replay = parseRecording(JSON.stringify(old));
    expect(replay.config).toEqual({ ...config, seedVersion: 1 });
    expect(Object.keys(replay.history[0].runs)).toEqual(['erm', 'mfw']);
    const run = replay.history[1].runs.mfw;
    const stored = old.epochs[1].runs.mfw;
    expect(run.testAccuracy).toEqual(stored.testAccuracy);
    expect(run.classifierWeightNorm).toEqual(stored.classifier.weight.map(([x, y]) => Math.hypot(x, y)));
    expect(run.classWeights).toEqual([1, 1, 1, 1]);
    // Classes 0 and 1 (16 images) are major, 2 and 3 (4 images) minor.
    const [a, b, c, d] = stored.featureGradientNorm;
    expect(run.gradientNormRatio).toBeCloseTo((c + d) / (a + b), 12);
    expect(run.cleanTrainLoss).toBeNaN();
    expect(run.relabelledFraction).toBeNull();
    expect(run.meanPartnerShare).toBeNull();

    const drw = parseRecording(JSON.stringify(legacyFile(true)));
    expect(drw.config.methods).toEqual(['drw', 'mfw-drw']);
    expect(Object.keys(drw.history[0].runs)).toEqual(['drw', 'mfw-drw']);
    expect(drw.history[0].runs['mfw-drw'].testAccuracy).toEqual(old.epochs[0].runs.mfw.testAccuracy);
  });

  it('open files from before the subset seed with the subset drawn by their seed, and keep a subset seed of its own', () => {
    const file = JSON.parse(JSON.stringify(recordingFile({ ...config, seed: 5, subsetSeed: 5 }, history(2), 'wasm'))) as RecordingFile;
    delete (file.config as Partial<ExperimentConfig>).subsetSeed;
    expect(parseRecording(JSON.stringify(file)).config).toEqual({ ...config, seed: 5, subsetSeed: 5 });
    const split = { ...config, seed: 5, subsetSeed: 9 };
    const saved = recordingFile(split, history(2), 'wasm');
    expect(saved.link).toContain('seed=5&ss=9&');
    expect(parseRecording(JSON.stringify(saved)).config).toEqual(split);
  });

  it('name the runs an old or new file lacks or holds in excess', () => {
    const old = legacyFile(false);
    delete (old.epochs[0].runs as Record<string, unknown>).mfw;
    expect(problemsOf(JSON.stringify(old))).toContain('epochs[0].runs.mfw must be an object');
    expect(problemsOf(tampered((f) => (f.epochs[1].runs.la = f.epochs[1].runs.erm)))).toContain('epochs[1].runs holds la, which the configuration does not train (its lanes: erm, mfw)');
    expect(problemsOf(tampered((f) => (f.epochs[0].runs.erm.classWeights = [1])))).toContain('epochs[0].runs.erm.classWeights must be 4 numbers');
    expect(problemsOf(tampered((f) => (f.epochs[0].runs.erm.relabelledFraction = 2)))).toContain('relabelledFraction must be a fraction');
  });

  it('keep features at 16 bits: a third of base64 float32’s size in bytes, two thirds in text', () => {
    const file = recordingFile(config, history(1), null);
    const features = history(1)[0].runs.erm.testFeatures;
    const stored = file.epochs[0].runs.erm.testFeatures.uint16;
    expect(stored.length).toBe(Math.ceil((features.length * 2) / 3) * 4);
    expect(stored.length).toBeLessThan(float32ToBase64(features).length * 0.55);
  });

  it('stay under 64 MB for six lanes of the Paper preset over 200 epochs (2,000 plotted points, 4,000 test images)', () => {
    const rng = new Rng(5);
    const paper = { ...PAPER_CONFIG, methods: ['erm', 'mfw', 'drw', 'ldam-drw', 'la', 'remix-drw'] };
    const epoch = (n: number): EpochSnapshot => {
      const snapshot = history(1, paper.methods)[0];
      const runs = Object.fromEntries(
        Object.entries(snapshot.runs).map(([lane, r]) => [
          lane,
          { ...r, trainFeatures: Float32Array.from({ length: 4000 }, () => rng.normal() * 50), testFeatures: Float32Array.from({ length: 8000 }, () => rng.normal() * 50) },
        ]),
      );
      return { ...snapshot, epoch: n, trainFeatureLabels: new Uint8Array(2000).map((_, i) => i % 4), testLabels: new Uint8Array(4000).map((_, i) => i % 4), runs };
    };
    // One epoch's share of the file, times 200, plus the part written once.
    const one = JSON.stringify(recordingFile(paper, [epoch(1)], null)).length;
    const two = JSON.stringify(recordingFile(paper, [epoch(1), epoch(2)], null)).length;
    const bytes = one + 199 * (two - one);
    process.stdout.write(`[recording] six lanes × 200 epochs of the Paper preset: ${(bytes / 1e6).toFixed(1)} MB\n`);
    expect(bytes).toBeLessThan(64e6);
  });

  it('may start after epoch 1 (a run continued from loaded weights)', () => {
    const later = history(3).map((snapshot) => ({ ...snapshot, epoch: snapshot.epoch + 1 }));
    expect(parseRecording(JSON.stringify(recordingFile(config, later, null))).history.map((s) => s.epoch)).toEqual([2, 3, 4]);
  });

  it('cannot be made from nothing', () => {
    expect(() => recordingFile(config, [], null)).toThrow('no epoch');
  });

  it('refuse files that are not recordings, naming what they are', () => {
    expect(problemsOf('{"format": "imbalance-playground/rec')).toContain('not JSON');
    expect(problemsOf('[1, 2]')).toContain('not a JSON object');
    expect(problemsOf('{"format": "imbalance-playground/metrics", "version": 1}')).toContain('metrics export');
    expect(problemsOf('{"format": "something-else"}')).toContain('not an Imbalance Playground recording');
    expect(problemsOf(tampered((f) => ((f as { version: number }).version = 3)))).toContain('version 3; this app reads versions 1 and 2');
  });

  it('refuse a configuration that is incomplete, invalid or inconsistent with its counts', () => {
    expect(problemsOf(tampered((f) => delete (f.config as Partial<ExperimentConfig>).seed))).toContain('config: the configuration lacks seed');
    expect(problemsOf(tampered((f) => (f.config.learningRate = 7)))).toContain('Learning rate must be between');
    expect(problemsOf(tampered((f) => Object.assign(f.config, { imbalance: 'paper' })))).toContain('do not match the “paper” imbalance preset');
    expect(problemsOf(tampered((f) => (f.classNames = ['cat', 'dog', 'bird', 'ship'])))).toContain('classNames must be');
  });

  it('refuse epochs out of order, too many epochs, wrong sizes, non-finite features and bad labels', () => {
    expect(problemsOf(tampered((f) => (f.epochs[1].epoch = 7)))).toContain('epochs[1].epoch must be 2');
    expect(problemsOf(tampered((f) => (f.config.epochs = 2)))).toContain('it goes to epoch 3, beyond the configuration’s 2');
    expect(problemsOf(tampered((f) => (f.epochs[0].epoch = -1)))).toContain('epochs[0].epoch must be a whole number ≥ 0');
    expect(problemsOf(tampered((f) => (f.epochs[0].runs.mfw.testFeatures = quantiseFeatures(new Float32Array(4)))))).toContain(
      'epochs[0].runs.mfw.testFeatures must be 16-bit x, y pairs with their range, one per label (2 points for 12 labels)',
    );
    expect(problemsOf(tampered((f) => (f.epochs[0].runs.mfw.testFeatures.step = [0, 1])))).toContain('step: [x, y] above 0');
    expect(problemsOf(tampered((f) => (f.epochs[2].runs.erm.trainFeatures.min = [1e308, 0])))).toContain('not finite');
    const old = asVersion1(recordingFile(config, history(3), 'webgl'), history(3));
    (old.epochs[2].runs.erm as unknown as Record<string, string>).trainFeatures = float32ToBase64(new Float32Array(14).fill(Number.NaN));
    expect(problemsOf(JSON.stringify(old))).toContain('trainFeatures must be base64 float32 x, y pairs, one per label (a value is not finite)');
    expect(problemsOf(tampered((f) => (f.epochs[0].runs.erm.testAccuracy = [1, 2])))).toContain('testAccuracy must be 4 numbers');
    expect(problemsOf(tampered((f) => (f.epochs[0].runs.erm.classifier.bias = [0, 0, 0, 'x' as unknown as number])))).toContain('classifier.bias');
    expect(problemsOf(tampered((f) => (f.testLabels = btoa('\u0009'))))).toContain('testLabels must be base64 bytes of class indices');
    expect(problemsOf(tampered((f) => (f.trainFeatureLabels = '***')))).toContain('trainFeatureLabels');
    expect(problemsOf(tampered((f) => (f.epochs = [])))).toContain('non-empty list');
  });

  it('list at most five problems', () => {
    const message = problemsOf(tampered((f) => f.epochs.forEach((e) => (e.learningRate = -1))));
    expect(message.match(/learningRate/g)).toHaveLength(3);
    const many = problemsOf(tampered((f) => f.epochs.forEach((e) => Object.assign(e, { learningRate: -1, imagesPerSecond: -1 }))));
    expect(many.match(/must be a number/g)).toHaveLength(5);
  });
});

describe('recording links', () => {
  const page = 'https://example.org/class/app/index.html?x=1';
  it('resolve relative .json paths next to the app', () => {
    expect(String(recordingUrl('recordings/paper-seed1.json', page))).toBe('https://example.org/class/app/recordings/paper-seed1.json');
    expect(String(recordingUrl('run.json', page))).toBe('https://example.org/class/app/run.json');
  });
  it('refuse anything else with the reason', () => {
    for (const path of ['https://evil.example/x.json', '//evil.example/x.json', '/etc/x.json', '../up.json', 'a/../../b.json', 'run.txt', 'a//b.json', 'javascript:alert(1)//.json', 'x y.json']) {
      expect(recordingUrl(path, page), path).toMatch(/not a relative path|does not stay/);
    }
  });
});
