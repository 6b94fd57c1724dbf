/**
 * A sweep: the settings of `npm run experiment` where any scalar setting may list several values
 * (ratio=10,100, seeds=0-4), expanded into the cartesian product of runs, each one experiment
 * process. Also the manifest that records every run's state, so a sweep started again skips what
 * finished. Pure apart from reading and writing the manifest; scripts/sweep.ts runs the processes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appProblems, type ExperimentConfig } from '../../src/config/experiment.ts';
import { settingKeyOf } from '../../src/state/urlConfig.ts';
import { UsageError } from './cli.ts';
import { shellQuote } from './bundle.ts';
import { configFromArguments } from './engine-cli.ts';
import { experimentFiles, writeFileAtomic } from './resume.ts';

/** One swept setting: its long name and the values (as written) in the order given. */
export interface SweepAxis {
  key: keyof ExperimentConfig;
  values: string[];
}

export interface SweepPlan {
  /** Arguments passed unchanged to every run (single values, lists such as methods= and n=, links, JSON files). */
  fixed: string[];
  axes: SweepAxis[];
}

export interface SweepRun {
  /** Safe for a file name, deterministic from the swept values, e.g. `seed1-ratio100`. */
  name: string;
  /** The swept values of this run by long setting name. */
  settings: Record<string, string>;
  /** The run's `npm run experiment` arguments, settings only (no flags). */
  args: string[];
  config: ExperimentConfig;
}

/** Settings that are lists of one run (the lanes, the classes, the counts): commas never mean a sweep there. */
const LIST_SETTINGS = new Set<keyof ExperimentConfig>(['methods', 'classes', 'trainCounts']);

/** The seed axes: ranges are read in their lists, and `seeds=` / `subsetSeeds=` name them too. */
const SEED_AXES: Readonly<Record<string, keyof ExperimentConfig>> = { seeds: 'seed', subsetSeeds: 'subsetSeed' };

/** `0-4` → 0,1,2,3,4; whole numbers and ranges may be mixed: `0,2,5-7`. Only for the seeds. */
function seedValues(text: string): string[] {
  return text.split(',').flatMap((part) => {
    const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
    if (!range) return [part.trim()];
    const [from, to] = [Number(range[1]), Number(range[2])];
    if (to < from) throw new UsageError(`Seed range "${part}" runs backwards.`);
    if (to - from >= 10_000) throw new UsageError(`Seed range "${part}" holds more than 10,000 seeds.`);
    return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
  });
}

/**
 * Splits the sweep's settings into the swept axes (settings given several values, and the seed) and
 * the arguments every run shares. `seeds=` is the seed axis, `subsetSeeds=` the subset seed's (without
 * it each run's subset seed is its seed, as in `npm run experiment`); a later value of the same setting
 * replaces an earlier one, as in `npm run experiment`.
 */
export function planSweep(args: readonly string[]): SweepPlan {
  const fixed: string[] = [];
  const axes = new Map<keyof ExperimentConfig, string[]>();
  for (const arg of args) {
    const pair = /^([A-Za-z]\w*)=(.*)$/s.exec(arg);
    // Links, query strings and JSON files are single values of many settings: passed on whole.
    if (!pair || arg.includes('&')) {
      fixed.push(arg);
      continue;
    }
    const [, name, text] = pair;
    const key = SEED_AXES[name] ?? settingKeyOf(name);
    if (key === null || LIST_SETTINGS.has(key)) {
      fixed.push(arg);
      continue;
    }
    const isSeed = key === 'seed' || key === 'subsetSeed';
    const values = [...new Set(isSeed ? seedValues(text) : text.split(',').map((value) => value.trim()))];
    axes.delete(key);
    axes.set(key, values);
  }
  // A single value sweeps nothing: it joins the shared arguments, except the seed, which names every run.
  for (const [key, values] of axes) {
    if (values.length === 1 && key !== 'seed') {
      fixed.push(`${key}=${values[0]}`);
      axes.delete(key);
    }
  }
  return { fixed, axes: [...axes].map(([key, values]) => ({ key, values })) };
}

/** A run's name from its swept values: `seed1-ratio100-imbalance_long-tailed`; `run` when nothing is swept. */
export function runName(settings: Record<string, string>): string {
  const parts = Object.entries(settings).map(([key, value]) => {
    const safe = value.replace(/[^\w.-]/g, '_');
    return /^\d/.test(safe) ? `${key}${safe}` : `${key}_${safe}`;
  });
  return parts.length > 0 ? parts.join('-') : 'run';
}

/**
 * Every run of the sweep, in the order of the axes (the first varies slowest), each configuration
 * validated as `npm run experiment` would. Throws a UsageError naming every bad combination.
 */
export function expandSweep(plan: SweepPlan): SweepRun[] {
  let combinations: Record<string, string>[] = [{}];
  for (const { key, values } of plan.axes) combinations = combinations.flatMap((settings) => values.map((value) => ({ ...settings, [key]: value })));
  const problems: string[] = [];
  const runs = combinations.flatMap((settings) => {
    const args = [...plan.fixed, ...Object.entries(settings).map(([key, value]) => `${key}=${value}`)];
    const name = runName(settings);
    try {
      return [{ name, settings, args, config: configFromArguments(args) }];
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      const described = Object.keys(settings).length > 0 ? `${name} (${Object.entries(settings).map(([k, v]) => `${k}=${v}`).join(' ')})` : 'the run';
      problems.push(`${described}: ${error.message.replaceAll('\n', ' ')}`);
      return [];
    }
  });
  if (problems.length > 0) throw new UsageError(`Nothing was run: ${problems.length} of ${combinations.length} runs are invalid.\n${problems.join('\n')}`);
  return runs;
}

/**
 * A run's files in the sweep's folder, written there by the experiment itself (--out): its results and
 * recording after every epoch, its state while it is unfinished (what --resume continues from), and
 * the log `npm run sweep` keeps of its output.
 */
export function runFiles(outDir: string, name: string): { results: string; recording: string; state: string; log: string } {
  return { ...experimentFiles(join(outDir, 'runs'), name), log: join(outDir, 'runs', `${name}.log`) };
}

/** The flags every run gets from the sweep (the backend, synthetic data). */
export interface RunFlags {
  backend: string;
  synthetic: boolean;
}

/**
 * Whether a run also writes a recording: only what the app can show (four classes, the 2-D feature,
 * the cosine schedule); a Table 1 run (10 classes, 64-d, LDAM schedule) has its results file only.
 */
export function recordsRun(run: Pick<SweepRun, 'config'>): boolean {
  return appProblems(run.config).length === 0;
}

/**
 * The experiment's own arguments for a run: its settings, then the flags, its folder and name,
 * --recording where the app can show the run, and --resume: run again, it continues from its last
 * finished epoch (or does nothing when it is done), so starting a sweep again never trains an epoch twice.
 */
export function experimentArguments(outDir: string, run: SweepRun, flags: RunFlags): string[] {
  return [
    ...run.args,
    `--backend=${flags.backend}`,
    ...(flags.synthetic ? ['--synthetic'] : []),
    `--out=${join(outDir, 'runs')}`,
    `--name=${run.name}`,
    ...(recordsRun(run) ? ['--recording'] : []),
    '--resume',
  ];
}

/**
 * One shell line that runs the run, as `npm run sweep` itself does: what --emit=commands prints, one
 * per run. `experimentCommand` runs one experiment (scripts/lib/bundle.ts): `npm run experiment --`,
 * run from the repository root, or the GPU bundle's `run.sh experiment`, run from any folder. Run
 * again after an interruption, a line goes on from the run's last finished epoch; run again after the
 * run is done, it does nothing.
 */
export function runCommandLine(outDir: string, run: SweepRun, flags: RunFlags, experimentCommand = 'npm run experiment --'): string {
  return `${experimentCommand} ${experimentArguments(outDir, run, flags).map(shellQuote).join(' ')}`;
}

export type RunState = 'pending' | 'running' | 'done' | 'failed';

export interface ManifestRun {
  name: string;
  settings: Record<string, string>;
  command: string;
  state: RunState;
  exitCode?: number | null;
  startedAt?: string;
  finishedAt?: string;
}

export interface Manifest {
  /** The sweep's arguments, as given (for the record; runs are compared by name and command). */
  sweep: string[];
  runs: ManifestRun[];
}

export function manifestPath(outDir: string): string {
  return join(outDir, 'manifest.json');
}

/** Written whole to a temporary file and renamed, so an interrupted write never leaves half a manifest. */
export function writeManifest(outDir: string, manifest: Manifest): void {
  writeFileAtomic(manifestPath(outDir), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * The manifest for this sweep in `outDir`: the existing one's states where it is the same sweep (the
 * same runs with the same command lines), a run counting as done only while its results file is
 * there; everything else pending (an unfinished run goes on from its last finished epoch: its command
 * has --resume). Refuses a folder holding a different sweep, whose results would mix with these in one report.
 */
export function resumeManifest(outDir: string, sweep: readonly string[], runs: readonly Omit<ManifestRun, 'state'>[]): Manifest {
  const fresh: Manifest = { sweep: [...sweep], runs: runs.map((run) => ({ ...run, state: 'pending' })) };
  if (!existsSync(manifestPath(outDir))) return fresh;
  const previous = JSON.parse(readFileSync(manifestPath(outDir), 'utf8')) as Manifest;
  const signature = (list: readonly Pick<ManifestRun, 'name' | 'command'>[]) => JSON.stringify(list.map(({ name, command }) => [name, command]));
  if (signature(previous.runs) !== signature(runs)) {
    throw new UsageError(`${outDir} holds a different sweep (${manifestPath(outDir)} lists other runs or commands): choose another --out.`);
  }
  return {
    sweep: [...sweep],
    runs: previous.runs.map((run) => (run.state === 'done' && existsSync(runFiles(outDir, run.name).results) ? run : { ...run, state: 'pending', exitCode: undefined })),
  };
}
