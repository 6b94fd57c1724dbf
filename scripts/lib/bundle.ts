/**
 * Whether a script runs from the GPU bundle (scripts/gpu-bundle.ts bundles it with esbuild, defining
 * IMBALANCE_GPU_BUNDLE) or from a checkout under tsx, and what follows from that: the command that
 * runs one experiment (for a sweep's runs, its emitted lines and a recording's provenance) and the
 * commit the code came from.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What scripts/gpu-bundle.ts writes into the bundled scripts. */
export interface GpuBundleInfo {
  /** The checkout's commit when the bundle was built (`+changes` when files differed from it), or null. */
  commit: string | null;
}

declare const IMBALANCE_GPU_BUNDLE: GpuBundleInfo | undefined;

/** Set in the bundled scripts only; null under tsx in a checkout. */
export const gpuBundle: GpuBundleInfo | null = typeof IMBALANCE_GPU_BUNDLE === 'undefined' ? null : IMBALANCE_GPU_BUNDLE;

/**
 * The environment variable that gives the shell prefix running one experiment, for the lines a sweep
 * emits and the command a recording names. The bundle's run.sh sets it to `'…/run.sh' experiment`,
 * so emitted lines run through the bundle on any node that has it at the same path.
 */
export const EXPERIMENT_COMMAND_ENV = 'IMBALANCE_EXPERIMENT_COMMAND';

/** Quotes a command-line argument for sh where needed. */
export function shellQuote(arg: string): string {
  return /^[\w.,:=+/@%-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A bundled script (e.g. experiment.mjs), beside the bundled script that asks (all bundled scripts share one folder). */
function bundledScript(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

/**
 * How to start one of the scripts as a process (no shell): the bundle's `bundled`, or in a checkout
 * `source` (a path from the repository root) through tsx.
 */
function scriptProcess(bundled: string, source: string): { command: string; args: string[] } {
  if (gpuBundle) return { command: process.execPath, args: [bundledScript(bundled)] };
  return { command: process.execPath, args: ['--import', 'tsx', fileURLToPath(new URL(`../../${source}`, import.meta.url))] };
}

/** The shell prefix that runs one experiment, its arguments following: `npm run experiment --` in a checkout. */
export function experimentCommandPrefix(): string {
  const fromEnvironment = process.env[EXPERIMENT_COMMAND_ENV]?.trim();
  if (fromEnvironment) return fromEnvironment;
  // Bundled but started without run.sh: the unpacked node and script (the environment run.sh sets up is then the caller's).
  if (gpuBundle) return `${shellQuote(process.execPath)} ${shellQuote(bundledScript('experiment.mjs'))}`;
  return 'npm run experiment --';
}

/** How a sweep starts one experiment process itself. */
export function experimentProcess(): { command: string; args: string[] } {
  return scriptProcess('experiment.mjs', 'scripts/experiment.ts');
}

/** How the experiment starts a worker process for a group of its lanes (laneWorkers.ts). */
export function laneGroupProcess(): { command: string; args: string[] } {
  return scriptProcess('lane-group.mjs', 'scripts/lib/laneGroupProcess.ts');
}

/** The commit the running code came from: the bundle's, or the checkout's (marked `+changes` when files differ from it); null outside git. */
export function codeCommit(): string | null {
  if (gpuBundle) return gpuBundle.commit;
  return checkoutCommit();
}

/** The current checkout's commit, `+changes` when tracked files differ from it; null outside git. */
export function checkoutCommit(cwd?: string): string | null {
  const git = (...gitArgs: string[]) => execFileSync('git', gitArgs, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const commit = git('rev-parse', '--short=12', 'HEAD');
    return git('status', '--porcelain', '--untracked-files=no') === '' ? commit : `${commit}+changes`;
  } catch {
    return null;
  }
}
