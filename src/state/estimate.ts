/**
 * How long a configuration will take on this device, from the worker's timings (calibrations):
 * the configuration's own network when it was timed, else scaled from a network that was.
 */
import type { ExperimentConfig } from '../config/experiment.ts';
import { DEFAULT_LANES } from '../core/methods.ts';
import { lanesInSeries } from '../core/laneSplit.ts';
import type { BackendReport } from '../worker/protocol.ts';
import { arithmeticPerStep, estimateRun, profileKey, profileOf, scaleCalibration, type Calibration, type RunEstimate } from '../core/networkCost.ts';

/** Longer than this, a run does not fit in a lesson: the page says so and points to the Quick preset. */
export const LESSON_SECONDS = 20 * 60;

export interface ShownEstimate extends RunEstimate {
  /** 'measured': this network was timed here; 'scaled': predicted from another network's timing. */
  source: Calibration['source'];
}

/**
 * Scaling a timing by the arithmetic is fair only between networks of similar size (×8 included): a tiny network
 * spends its time on per-kernel overheads, so scaled up by ×100 it would predict days for minutes.
 */
export const MAX_SCALING = 8;

/** `report`: the worker's report of the backend that trains and how many lanes it trains at once. */
export function estimateFor(
  config: ExperimentConfig,
  report: Pick<BackendReport, 'name' | 'parallelLanes'> | null,
  calibrations: Readonly<Record<string, Calibration>>,
  completedEpochs = 0,
): ShownEstimate | null {
  if (!report) return null;
  const backend = report.name;
  const profile = profileOf(config);
  const lanes = lanesInSeries(config, backend, report.parallelLanes);
  const own = calibrations[profileKey(backend, profile)];
  if (own) return { ...estimateRun(config, own, completedEpochs, lanes), source: own.source };
  const distance = (c: Calibration) => Math.abs(Math.log(arithmeticPerStep(c.profile) / arithmeticPerStep(profile)));
  const nearest = Object.values(calibrations)
    .filter((c) => c.backend === backend && c.source === 'measured' && distance(c) <= Math.log(MAX_SCALING) + 1e-9)
    .sort((a, b) => distance(a) - distance(b))[0];
  if (!nearest) return null;
  return { ...estimateRun(config, scaleCalibration(nearest, profile), completedEpochs, lanes), source: 'scaled' };
}

/** A duration as people say it before a run: rounded, never falsely precise. */
export function formatEstimate(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'an unknown time';
  if (seconds < 60) return 'under a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} min`;
  const hours = seconds / 3600;
  if (hours < 24) {
    const tenMinutes = Math.round(seconds / 600) * 10;
    const rest = tenMinutes % 60;
    return `about ${Math.floor(tenMinutes / 60)} h${rest ? ` ${rest} min` : ''}`;
  }
  const days = Math.round(hours / 24);
  return `about ${days} day${days === 1 ? '' : 's'}`;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The same run with fewer lanes, for the advice on a run longer than a lesson: the default pair
 * (ERM beside MFW), each lane costing as much as another. Null when the run has two lanes or fewer.
 */
export function withFewerLanes(config: ExperimentConfig): ExperimentConfig | null {
  if (config.methods.length <= DEFAULT_LANES.length) return null;
  return { ...config, methods: [...DEFAULT_LANES] };
}
