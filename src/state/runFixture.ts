/** Test fixtures for the tests of state and views: a lane's report with every field neutral; a short recording. */
import { CLASSROOM_CONFIG } from '../config/experiment.ts';
import type { EpochSnapshot, RunSnapshot } from '../core/snapshot.ts';
import type { Recording } from './recording.ts';

export function runSnapshot(fields: Partial<RunSnapshot> = {}): RunSnapshot {
  return {
    trainLoss: 0,
    cleanTrainLoss: 0,
    trainAccuracy: [],
    testAccuracy: [],
    classificationRatio: [],
    featureGradientNorm: [],
    gradientNormRatio: Number.NaN,
    featureDeviation: [],
    trainFeatures: new Float32Array(),
    testFeatures: new Float32Array(),
    classifier: { weight: [], bias: [] },
    classifierWeightNorm: [],
    classWeights: [],
    relabelledFraction: null,
    meanPartnerShare: null,
    ...fields,
  };
}

/** A Classroom recording made by npm run experiment and stopped after epoch 2 of 40: ERM's and MFW's test accuracies only. */
export function classroomRecording(): Recording {
  const epoch = (n: number, erm: number[], mfw: number[]): EpochSnapshot => ({
    epoch: n,
    learningRate: 0.1,
    imagesPerSecond: 100,
    trainFeatureLabels: new Uint8Array(),
    testLabels: new Uint8Array(),
    runs: { erm: runSnapshot({ testAccuracy: erm }), mfw: runSnapshot({ testAccuracy: mfw }) },
  });
  return {
    config: CLASSROOM_CONFIG,
    classNames: ['airplane', 'automobile', 'bird', 'cat'],
    backend: 'wasm',
    provenance: { command: 'npm run experiment -- --recording --name=classroom', commit: '7443469abcde' },
    createdAt: '2026-12-06T20:00:00.000Z',
    history: [epoch(1, [0.9, 0.9, 0, 0], [0.9, 0.9, 0, 0]), epoch(2, [0.96, 0.94, 0.02, 0.0], [0.9, 0.88, 0.3, 0.5])],
  };
}
