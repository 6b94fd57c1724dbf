/** Test fixtures: a lane's report with every field neutral, for the tests of state and views. */
import type { RunSnapshot } from '../core/snapshot.ts';

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
