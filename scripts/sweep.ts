/**
 * Runs a sweep: the product of the listed setting values, one `npm run experiment` process per run,
 * N at a time, each writing its results (and its recording, where the app can show the run) into
 * DIR/runs/ itself, every run's state kept in DIR/manifest.json; or, with --emit=commands, only prints the runs' command lines for a scheduler.
 * `npm run sweep -- --help` lists the settings; docs/SCALE.md shows GNU parallel, Slurm and Kubernetes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { experimentCommandPrefix, experimentProcess, gpuBundle } from './lib/bundle.ts';
import { runCommand, UsageError, type CommandSpec } from './lib/cli.ts';
import { methodsHelp, settingsHelp } from './lib/engine-cli.ts';
import {
  expandSweep,
  experimentArguments,
  planSweep,
  resumeManifest,
  runCommandLine,
  runFiles,
  writeManifest,
  type Manifest,
  type RunFlags,
  type SweepRun,
} from './lib/sweep.ts';

const SWEEP_COMMAND: CommandSpec = {
  command: 'npm run sweep --',
  synopsis: 'SETTING=VALUE[,VALUE…] … [seeds=A-B] [subsetSeeds=A-B] --out=DIR [--parallel=N] [--emit=commands] [--backend=auto|webgpu|wasm|cpu] [--synthetic]',
  summary:
    'Trains every combination of the listed setting values, each run one `npm run experiment` process with its lanes (methods=…) side by side, ' +
    'and keeps each run’s results and recording (where the app can show the run: not for Table 1’s 10 classes, 64-d feature or LDAM schedule) in DIR/runs/ and every run’s settings, command line and state (pending, running, done, failed ' +
    'with its exit code) in DIR/manifest.json. Every run’s configuration is checked before anything starts. Started again with the same ' +
    'settings and DIR, it skips the finished runs and resumes each unfinished one from its last finished epoch (npm run experiment --resume), ' +
    'exactly as if it had not stopped. `npm run report -- DIR` summarises the results over seeds.',
  positionals: {
    valueName: 'SETTING=VALUE[,VALUE…]',
    description:
      'The settings of `npm run experiment` (long or short names, links, JSON files). A setting with a single value (epochs, ratio, imbalance, …) ' +
      'may list several, comma-separated, to sweep over them; seeds=0-4 (or seed=0,1,2) is the seed axis (initial weights, batches, draws), ' +
      'subsetSeeds=0-2 (or subsetSeed=0,1,2) the subset seed’s (which images are drawn; without it each run’s subset seed is its seed, ' +
      'and subsetSeed=0 keeps one subset under every seed). methods= (the lanes of each run), ' +
      'classes= and trainCounts= are lists within one run and are not swept.',
  },
  flags: [
    {
      name: 'out',
      kind: 'string',
      valueName: 'DIR',
      description:
        'The sweep’s folder: manifest.json, runs/NAME.json, runs/NAME.recording.json (runs the app can show), runs/NAME.log, and runs/NAME.state.bin while a run is unfinished. Required.',
    },
    {
      name: 'parallel',
      kind: 'number',
      default: availableParallelism(),
      min: 1,
      max: 256,
      integer: true,
      description: 'How many runs train at once (each a process; the default is this machine’s cores). On the CPU backends each run trains its lanes in cores ÷ this many worker processes (at least one).',
    },
    {
      name: 'emit',
      kind: 'string',
      choices: ['commands'],
      description:
        'Print one shell line per run (run from the repository root, writing into DIR/runs/; run again, it resumes the run or does nothing when it is done) ' +
        'and nothing else, for GNU parallel, Slurm or Kubernetes (docs/SCALE.md); runs nothing. A line starts with `npm run experiment --`, or with ' +
        '$IMBALANCE_EXPERIMENT_COMMAND where set (the GPU bundle’s run.sh sets it to itself: its lines run from any folder).',
    },
    { name: 'backend', kind: 'string', choices: ['auto', 'webgpu', 'wasm', 'cpu'], default: 'auto', description: 'The tfjs backend of every run (see npm run experiment -- --help).' },
    { name: 'synthetic', kind: 'boolean', description: 'Train on synthetic colour classes instead of CIFAR-10 (no data needed).' },
  ],
  sections: [
    { title: 'Settings (long name, short link name, what it accepts, default)', lines: settingsHelp() },
    { title: 'Methods for methods= (comma-separated, the lanes of every run)', lines: methodsHelp() },
  ],
  examples: [
    'npm run sweep -- methods=erm,mfw seeds=0-4 imbalance=paper,long-tailed ratio=10,100 --out=sweeps/rho',
    'npm run sweep -- ep=20 methods=erm,mfw,drw,la seeds=0-2 --out=sweeps/quick --parallel=2',
    'npm run sweep -- ep=20 methods=erm,mfw seeds=0-4 subsetSeed=0 --out=sweeps/one-subset      (five initialisations, one subset)',
    'npm run sweep -- methods=erm,mfw seeds=0-4 --out=sweeps/s --emit=commands > commands.txt   (then: parallel -j 4 < commands.txt)',
    'npm run sweep -- methods=erm,mfw seeds=0,1 ep=2 n=40,40,8,8 imb=custom tpc=20 --synthetic --backend=wasm --parallel=2 --out=/tmp/tiny',
  ],
};

/**
 * Runs one experiment process (it writes its files into DIR/runs/ itself), its output appended to its
 * log, so a resumed run's log keeps what came before; resolves with its exit code.
 */
function runExperiment(outDir: string, run: SweepRun, flags: RunFlags, laneWorkers: number, children: Set<ChildProcess>): Promise<number | null> {
  const files = runFiles(outDir, run.name);
  const log = openSync(files.log, 'a');
  const { command, args } = experimentProcess();
  const child = spawn(command, [...args, ...experimentArguments(outDir, run, flags), `--workers=${laneWorkers}`], { stdio: ['ignore', log, log] });
  children.add(child);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      children.delete(child);
      closeSync(log);
      resolve(code ?? (signal ? 128 + (signal === 'SIGINT' ? 2 : 15) : null));
    });
  });
}

await runCommand(SWEEP_COMMAND, process.argv.slice(2), async ({ flags, positionals }) => {
  const outDir = flags.out as string | undefined;
  if (!outDir) throw new UsageError('--out=DIR is required: the folder that holds the runs and the manifest.');
  const runs = expandSweep(planSweep(positionals));
  const runFlags: RunFlags = { backend: flags.backend as string, synthetic: flags.synthetic as boolean };
  const experimentCommand = experimentCommandPrefix();
  const commands = runs.map((run) => runCommandLine(outDir, run, runFlags, experimentCommand));
  if (flags.emit === 'commands') {
    console.log(commands.join('\n'));
    return;
  }

  mkdirSync(join(outDir, 'runs'), { recursive: true });
  const manifest: Manifest = resumeManifest(outDir, process.argv.slice(2), runs.map((run, i) => ({ name: run.name, settings: run.settings, command: commands[i] })));
  writeManifest(outDir, manifest);
  const todo = runs.filter((_, i) => manifest.runs[i].state !== 'done');
  // Runs with a state file go on from it (their command has --resume).
  const resumable = (list: readonly SweepRun[]) => list.filter((run) => existsSync(runFiles(outDir, run.name).state)).length;
  const parallel = Math.min(flags.parallel as number, Math.max(todo.length, 1));
  process.stderr.write(
    `${runs.length} run${runs.length === 1 ? '' : 's'} in ${outDir}: ${runs.length - todo.length} already done, ${todo.length} to run` +
      `${resumable(todo) > 0 ? ` (${resumable(todo)} resumed from their last finished epoch)` : ''}, ${parallel} at a time.\n`,
  );

  // Ctrl-C (or a scheduler's SIGTERM): start nothing more, pass the signal on, and record how the runs ended.
  const children = new Set<ChildProcess>();
  let stopped: NodeJS.Signals | null = null;
  const stop = (signal: NodeJS.Signals) => {
    stopped = signal;
    for (const child of children) child.kill(signal);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  // The cores shared out: runs at once × lane workers per run never exceed them (at least one each).
  const laneWorkers = Math.max(1, Math.floor(availableParallelism() / parallel));
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < todo.length && !stopped) {
      const run = todo[next++];
      const entry = manifest.runs.find((r) => r.name === run.name)!;
      Object.assign(entry, { state: 'running', exitCode: undefined, startedAt: new Date().toISOString(), finishedAt: undefined });
      writeManifest(outDir, manifest);
      process.stderr.write(`${resumable([run]) > 0 ? 'resumed' : 'started'} ${run.name}\n`);
      const code = await runExperiment(outDir, run, runFlags, laneWorkers, children);
      Object.assign(entry, { state: code === 0 ? 'done' : 'failed', exitCode: code, finishedAt: new Date().toISOString() });
      writeManifest(outDir, manifest);
      finished++;
      const outcome = code === 0 ? 'done' : `failed (exit ${code}), see ${runFiles(outDir, run.name).log}`;
      process.stderr.write(`[${finished}/${todo.length}] ${run.name} ${outcome}\n`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));

  if (stopped) {
    process.stderr.write(`${stopped === 'SIGINT' ? 'interrupted' : 'terminated'}: the same command resumes the unfinished runs from their last finished epoch.\n`);
    process.exit(stopped === 'SIGINT' ? 130 : 143);
  }
  const failed = manifest.runs.filter((run) => run.state === 'failed');
  if (failed.length > 0) throw new Error(`${failed.length} run${failed.length === 1 ? '' : 's'} failed: ${failed.map((run) => run.name).join(', ')}. The same command runs them again.`);
  process.stderr.write(`all ${runs.length} runs done: ${gpuBundle ? 'run.sh report' : 'npm run report --'} ${outDir}\n`);
});
