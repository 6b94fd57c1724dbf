/** One lane's trained weights as a model.json and its weights file (core/weightsFile.ts, docs/WEIGHTS.md). */
import * as tf from '@tensorflow/tfjs';
import type { ExperimentConfig } from '../config/experiment.ts';
import { FEATURE_DIM, variableSpecs } from '../core/architecture.ts';
import { WEIGHTS_FORMAT, WEIGHTS_VERSION, type WeightsModelJson } from '../core/weightsFile.ts';
import type { ResNet } from './resnet.ts';

/** Trained weights: model.json and the bytes of its weights file. */
export interface WeightsExport {
  modelJson: WeightsModelJson;
  weightData: ArrayBuffer;
}

export async function exportLaneWeights(
  model: ResNet,
  laneId: string,
  binName: string,
  config: ExperimentConfig,
  classIds: readonly number[],
  epoch: number,
  step: number,
): Promise<WeightsExport> {
  const specs = variableSpecs(model.spec);
  const named: tf.NamedTensorMap = {};
  specs.forEach((spec, i) => (named[spec.name] = model.variables[i]));
  const { data, specs: weights } = await tf.io.encodeWeights(named);
  return {
    modelJson: {
      format: WEIGHTS_FORMAT,
      version: WEIGHTS_VERSION,
      generatedBy: `TensorFlow.js v${tf.version_core}`,
      architecture: { ...model.spec, featureDim: model.spec.featureDim ?? FEATURE_DIM, mixingPoint: config.mixingPoint, method: laneId, classIds: [...classIds] },
      experiment: { config, epoch, step },
      weightsManifest: [{ paths: [binName], weights: weights.map(({ name, shape, dtype }) => ({ name, shape, dtype: dtype as 'float32' })) }],
    },
    weightData: data,
  };
}
