/**
 * Several recordings of one setting that differ only in seed (a sweep's runs/*.recording.json),
 * opened together: the page replays the first seed's run as usual and, beside it, each lane's
 * balanced and minor-class test accuracy over the seeds (core/seedBands.ts). Recordings of different
 * settings are refused, naming the settings that differ.
 *
 * "Seed" means the pair of the seed and the subset seed, as in `npm run report`, which spreads over
 * both: a sweep without subsetSeed= gives each run the subset of its seed (seeds=0-4 draws five
 * subsets), and one with subsetSeeds= crosses them, and either is one setting over several runs.
 */
import { CIFAR10_CLASS_NAMES, differingSettings, FIELDS, type ExperimentConfig } from '../config/experiment.ts';
import { accuracyBands, type LaneBands } from '../core/seedBands.ts';
import type { Recording } from './recording.ts';

/**
 * The settings that may differ within one seed set: the seed and the subset seed (the report's
 * spread is over both), and the backend the run asked for (where it trained, not what it trained).
 */
const FREE_SETTINGS: ReadonlySet<keyof ExperimentConfig> = new Set(['seed', 'subsetSeed', 'backend']);

/** The seeds on screen together: shown beside the first seed's run. */
export interface SeedSetInfo {
  /** Ascending; the page replays the first one's run. */
  seeds: number[];
  /** Each run's subset seed, in the order of `seeds` (ascending within one seed). */
  subsetSeeds: number[];
  /** The files, in the order of `seeds`. */
  names: string[];
  /** Each lane's accuracy over the seeds, by lane id, at the epochs every recording holds. */
  bands: Record<string, LaneBands>;
}

export interface NamedRecording {
  name: string;
  recording: Recording;
}

/** Why recordings cannot be shown together. */
export class SeedSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SeedSetError';
  }
}

function settingLabel(key: keyof ExperimentConfig): string {
  if (key === 'classes') return 'Classes';
  if (key === 'trainCounts') return 'Training images per class';
  if (key === 'methods') return 'Methods';
  return FIELDS[key].label;
}

function settingValue(config: ExperimentConfig, key: keyof ExperimentConfig): string {
  if (key === 'classes') return config.classes.map((id) => CIFAR10_CLASS_NAMES[id]).join(', ');
  const value = config[key];
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** Each setting in which two recordings differ, the seeds and backend aside: "Epochs (3 in “b.json”, 2 in “a.json”)". */
export function settingDifferences(a: NamedRecording, b: NamedRecording): string[] {
  const [configA, configB] = [a.recording.config, b.recording.config];
  return differingSettings(configA, configB, FREE_SETTINGS).map((key) => `${settingLabel(key)} (${settingValue(configB, key)} in “${b.name}”, ${settingValue(configA, key)} in “${a.name}”)`);
}

/** A run's seeds for the page: "seed 3", or "seed 3, subset seed 0" where its subset seed is another. */
function seedLabel(seed: number, subsetSeed: number): string {
  return seed === subsetSeed ? `seed ${seed}` : `seed ${seed}, subset seed ${subsetSeed}`;
}

/**
 * How the page names each run of a seed set, in the order of `seeds`: by its seed where that tells
 * the runs apart (every run drew its seed's subset, or all drew one subset), by both seeds where the
 * set spreads over subset seeds apart from the seeds ("seed 0, subset seed 6").
 */
export function seedLabels(info: Pick<SeedSetInfo, 'seeds' | 'subsetSeeds'>): string[] {
  const ownSubsets = info.seeds.every((seed, i) => info.subsetSeeds[i] === seed);
  const oneSubset = info.subsetSeeds.every((subsetSeed) => subsetSeed === info.subsetSeeds[0]);
  return info.seeds.map((seed, i) => (ownSubsets || oneSubset ? `seed ${seed}` : `seed ${seed}, subset seed ${info.subsetSeeds[i]}`));
}

/** The subset seed every run of a seed set drew its images with, where it is one and not each run's seed; else null. */
export function sharedSubsetSeed(info: Pick<SeedSetInfo, 'seeds' | 'subsetSeeds'>): number | null {
  const [first] = info.subsetSeeds;
  const oneSubset = info.subsetSeeds.every((subsetSeed) => subsetSeed === first);
  return oneSubset && info.seeds.some((seed) => seed !== first) ? first : null;
}

/**
 * The recordings as one seed set, the lowest seed first (then the lowest subset seed); throws
 * SeedSetError when they are not the same setting (naming each setting that differs) or hold one
 * run twice (the same seed and subset seed).
 */
export function seedSetOf(entries: readonly NamedRecording[]): { first: NamedRecording; info: SeedSetInfo } {
  if (entries.length < 2) throw new SeedSetError('A seed set needs two recordings or more.');
  const sorted = [...entries].sort((a, b) => a.recording.config.seed - b.recording.config.seed || a.recording.config.subsetSeed - b.recording.config.subsetSeed);
  const [first] = sorted;
  for (const entry of sorted.slice(1)) {
    const differences = settingDifferences(first, entry);
    if (differences.length > 0) {
      throw new SeedSetError(
        `“${entry.name}” and “${first.name}” are different settings: ${differences.join('; ')}. ` +
          'Only recordings of one setting that differ in the seed alone open together (a sweep’s runs of one setting; the subset seed counts as the seed, as in npm run report).',
      );
    }
  }
  sorted.forEach((entry, i) => {
    const previous = sorted[i - 1];
    const { seed, subsetSeed } = entry.recording.config;
    if (previous && previous.recording.config.seed === seed && previous.recording.config.subsetSeed === subsetSeed) {
      throw new SeedSetError(`“${previous.name}” and “${entry.name}” are both ${seedLabel(seed, subsetSeed)}: open each seed once.`);
    }
  });
  const { config } = first.recording;
  return {
    first,
    info: {
      seeds: sorted.map((entry) => entry.recording.config.seed),
      subsetSeeds: sorted.map((entry) => entry.recording.config.subsetSeed),
      names: sorted.map((entry) => entry.name),
      bands: accuracyBands(
        sorted.map((entry) => entry.recording.history),
        config.methods,
        config.trainCounts,
      ),
    },
  };
}
