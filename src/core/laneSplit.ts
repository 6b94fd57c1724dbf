/**
 * How a configuration's lanes split over parallel workers on the CPU backends (engine/laneGroups.ts
 * trains them so): pure, so the page's estimates know how many lanes share a core.
 */
import { lanesOf, type ExperimentConfig } from '../config/experiment.ts';
import type { Lane } from './methods.ts';

/** The backends whose lanes train in parallel workers: one CPU core per lane beats one shared. */
export const PARALLEL_BACKENDS: readonly string[] = ['wasm', 'cpu'];

/** In seed version 1 every mixing lane draws from one shared stream in lane order: those lanes must train together. */
export function sharesDrawStream(config: ExperimentConfig, lane: Lane): boolean {
  return config.seedVersion === 1 && lane.spec.mixing.kind !== 'none';
}

/**
 * The lanes split into at most `workers` groups of nearly equal size, in the configuration's order;
 * in seed version 1 the mixing lanes, which draw from one shared stream, stay in one group.
 */
export function laneGroups(config: ExperimentConfig, workers: number): string[][] {
  const lanes = lanesOf(config);
  const sharing = lanes.filter((lane) => sharesDrawStream(config, lane)).map((lane) => lane.id);
  // Units that cannot be split: one lane, or the lanes sharing a draw stream.
  const units: string[][] = [...(sharing.length > 0 ? [sharing] : []), ...lanes.filter((lane) => !sharesDrawStream(config, lane)).map((lane) => [lane.id])];
  const groups: string[][] = Array.from({ length: Math.max(1, Math.min(Math.floor(workers), units.length)) }, () => []);
  for (const unit of units) {
    const smallest = groups.reduce((best, group) => (group.length < best.length ? group : best));
    smallest.push(...unit);
  }
  const order = lanes.map((lane) => lane.id);
  return groups.map((group) => group.sort((a, b) => order.indexOf(a) - order.indexOf(b)));
}

/**
 * Lanes trained one after another in the busiest worker: the run's time in lanes. All of them on a
 * GPU backend (one device queue), the largest group's on the CPU backends with `cores` workers.
 */
export function lanesInSeries(config: ExperimentConfig, backend: string, cores: number): number {
  if (!PARALLEL_BACKENDS.includes(backend)) return config.methods.length;
  return Math.max(...laneGroups(config, cores).map((group) => group.length));
}
