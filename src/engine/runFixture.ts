/** Test fixtures for the engine's tests: synthetic data and a configuration small enough for the cpu backend to train in seconds. */
import { validateConfig, type ExperimentConfig } from '../config/experiment.ts';
import { syntheticExperimentData } from './syntheticData.ts';

// Tiny on purpose: the CPU backend trains a width-0.25 ResNet-8 at a few images per second.
export const TINY_COUNTS = [12, 12, 4, 4];
export const tinyData = syntheticExperimentData(TINY_COUNTS, 4, 5);

/** ResNet-8 at width 0.25, batch 8 (4 steps per epoch of the tiny data), 4 epochs, seed 11, with `overrides`. */
export function tinyConfig(overrides: Partial<ExperimentConfig> = {}): ExperimentConfig {
  const { config, problems } = validateConfig({
    imbalance: 'custom', trainCounts: TINY_COUNTS, width: 0.25, blocksPerStage: 1, batchSize: 8, epochs: 4,
    trainFeatureSample: 100, seed: 11, ...overrides,
  });
  if (problems.length > 0) throw new Error(`tinyConfig: ${problems.join('; ')}`);
  return config;
}
