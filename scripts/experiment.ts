/**
 * Runs one experiment (any lanes, ERM beside MFW by default) headless and writes every epoch's measurements to
 * experiments/<name>.json — after every epoch, and on Ctrl-C with the epochs finished so far;
 * with --recording also a recording the app replays. After every epoch it also keeps the runner's
 * state (<name>.state.bin, removed once the run is finished), so --resume continues an interrupted
 * run exactly. `npm run experiment -- --help` lists every setting.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import type { EpochSnapshot } from '../src/core/snapshot.ts';
// Only the type: the engine (tfjs) is imported once the backend is installed.
import type { TrainingRunner } from '../src/engine/lockstep.ts';
import { IncompatibleStateError, type LockstepState } from '../src/engine/checkpoint.ts';
import { defaultLaneWorkers, nodeLaneWorker } from './lib/laneWorkers.ts';
import { recordingFile, type Provenance } from '../src/state/recording.ts';
import { configToSearch } from '../src/state/urlConfig.ts';
import { codeCommit, experimentCommandPrefix, shellQuote } from './lib/bundle.ts';
import { runCommand, UsageError, type CommandSpec } from './lib/cli.ts';
import { encodeState, experimentFiles, planResume, resultsJson, writeFileAtomic, type ResultsFile, type ResumePlan } from './lib/resume.ts';
import type { EngineBackendChoice } from '../src/engine/backend.ts';
import { configFromArguments, loadData, methodsHelp, settingsHelp, startNodeBackend } from './lib/engine-cli.ts';
import { isMajorClass } from '../src/core/mfwWeights.ts';
import { appProblems, lanesOf, type ExperimentConfig } from '../src/config/experiment.ts';
import type { Lane } from '../src/core/methods.ts';
import { printTable } from './lib/table.ts';

const EXPERIMENT_COMMAND: CommandSpec = {
  command: 'npm run experiment --',
  synopsis: '[SETTING=VALUE | LINK | FILE.json …] [--backend=auto|webgpu|wasm|cpu] [--workers=N] [--name=NAME] [--out=DIR] [--recording] [--resume] [--stop-after=N] [--synthetic] [--print-config]',
  summary:
    'Trains the chosen methods (methods=…, by default ERM and MFW) in lockstep, headless in Node, exactly as the app does, and writes every ' +
    'epoch’s measurements per lane (per-class accuracy, clean training loss, gradient norms and their minor/major ratio, feature deviation, ' +
    '2-D features, classifier and its weight norms, class weights, mixing shares) to experiments/NAME.json. ' +
    'Needs the prepared CIFAR-10 data (npm run data) unless --synthetic is given. Ctrl-C stops and keeps the finished epochs; ' +
    'the state of the last one (NAME.state.bin, removed when the run is done) lets --resume continue exactly where it stopped. ' +
    'Beside the app’s four classes it trains 2 to 10 (classes=…), the 64-d feature without the 2-D projection (featureDim=64) and the LDAM-DRW ' +
    'authors’ schedule (schedule=ldam): the paper’s Table 1 protocol (docs/SCALE.md); those runs keep no 2-D features and make no recording.',
  positionals: {
    valueName: 'SETTING=VALUE | LINK | FILE.json',
    description:
      'Settings over the defaults (the Classroom preset), by long name (epochs=70) or by the short name of the app’s links (ep=70); ' +
      'a whole link copied from the app, or its query string, reproduces that experiment; a JSON file holds settings by long name. Later arguments win.',
  },
  flags: [
    {
      name: 'backend',
      kind: 'string',
      choices: ['auto', 'webgpu', 'wasm', 'cpu'],
      default: 'auto',
      description: 'Which tfjs backend trains: auto takes a hardware WebGPU adapter (Dawn), else WebAssembly on the CPU; a software adapter (SwiftShader) and the slow JavaScript cpu backend only last.',
    },
    {
      name: 'workers',
      kind: 'number',
      default: 0,
      min: 0,
      max: 64,
      integer: true,
      description:
        'On the CPU backends (wasm, cpu), train the lanes in up to this many worker processes, one per lane at most, with exactly the numbers of one process (tested); ' +
        '0: one per core; 1: all lanes in this process. GPU backends always train in one.',
    },
    { name: 'name', kind: 'string', valueName: 'NAME', description: 'File name of the results under experiments/ (default: network, seed and time).' },
    { name: 'out', kind: 'string', valueName: 'DIR', default: 'experiments', description: 'The folder of the results, the recording and the state (made if missing).' },
    {
      name: 'resume',
      kind: 'boolean',
      description:
        'Continue the run of this --name from the state of its last finished epoch, appending to its results and recording, exactly as if it had not stopped; ' +
        'nothing to do when it is finished, and from epoch 1 when nothing of it is there. Refused when the name holds a run of other settings.',
    },
    {
      name: 'stop-after',
      kind: 'number',
      default: 0,
      min: 0,
      max: 400,
      integer: true,
      description: 'Stop once this many epochs of the run are done, keeping the state for --resume (for jobs with a time limit); 0 trains to the end.',
    },
    {
      name: 'recording',
      kind: 'boolean',
      description:
        'Also write experiments/NAME.recording.json after every epoch: a recording the app replays at once (Recording → Open a recording…, or a ?rec= link ' +
        'to the file placed next to the app), so a long run trained here overnight can be shown in class (docs/RECORDING.md). ' +
        'Only for what the app shows: four classes, the 2-D feature, the cosine schedule; refused otherwise.',
    },
    { name: 'synthetic', kind: 'boolean', description: 'Train on synthetic colour classes with the same counts instead of CIFAR-10 (no data needed).' },
    { name: 'print-config', kind: 'boolean', description: 'Print the resolved configuration and the equivalent app link query, then exit without training.' },
  ],
  sections: [
    { title: 'Settings (long name, short link name, what it accepts, default)', lines: settingsHelp() },
    { title: 'Methods for methods= (comma-separated, up to 6; each optionally NAME:param=value:…), with their parameters and defaults', lines: methodsHelp() },
  ],
  examples: [
    'npm run experiment -- epochs=70 seed=2 --name=resnet8-seed2',
    'npm run experiment -- "c=0,1,2,3&n=5000,5000,50,50&imb=paper&depth=5&ep=200"    (a shared link’s query)',
    'npm run experiment -- blocksPerStage=5 epochs=200 --backend=webgpu             (the Paper preset)',
    'npm run experiment -- ep=20 --recording --name=quick    (the Quick preset, as a recording for the app)',
    'npm run experiment -- ep=20 --recording --name=quick --resume    (the same run, continued after Ctrl-C or a crash)',
    'npm run experiment -- seed=2 subsetSeed=1 --name=init2    (other initial weights and batches, the images of seed 1)',
    'npm run experiment -- ep=2 n=40,40,8,8 imb=custom tpc=50 --synthetic --backend=wasm',
    'npm run experiment -- methods=erm,mfw,drw,ldam-drw,la,remix-drw ep=20 --name=rivals   (six lanes on the same batches)',
    'npm run experiment -- m=erm,la:tau=1.5,mixup:alpha=0.4 ep=20                              (parameters per lane)',
    'npm run experiment -- c=0,1,2,3,4,5,6,7,8,9 imb=long-tailed rho=100 fd=64 sched=ldam depth=5 ep=200 m=erm,ldam-drw,mfw,mfw-drw sn=eq12 beta=2 --backend=webgpu',
    '      (Table 1’s protocol, CIFAR-10 long-tailed ρ = 100: the report shows the published figures beside it)',
  ],
};

/** The run in a few lines: its settings, then each lane's test accuracy at the last epoch (balanced, minor classes, per class). */
function printSummary(config: ExperimentConfig, classNames: readonly string[], lanes: readonly Lane[], last: EpochSnapshot, seconds: number, resumedAfter: number): void {
  const major = isMajorClass(config.trainCounts);
  const percent = (x: number) => (100 * x).toFixed(1);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const protocol = `${config.featureDim === 64 ? ', 64-d feature' : ''}${config.schedule === 'ldam' ? ', LDAM schedule' : ''}`;
  const seeds = `seed ${config.seed}${config.subsetSeed === config.seed ? '' : `, subset seed ${config.subsetSeed}`}`;
  console.log(
    `\nResNet-${6 * config.blocksPerStage + 2} (width ${config.width}${protocol}), ${config.epochs} epochs, batch ${config.batchSize}, ${seeds}; ` +
      `${classNames.map((name, c) => `${name} ${config.trainCounts[c]}`).join(', ')} training images; ${Math.round(seconds)} s${resumedAfter > 0 ? ` since resuming after epoch ${resumedAfter}` : ''}.`,
  );
  console.log(`Test accuracy (%) after epoch ${last.epoch}:`);
  printTable(
    [
      ['lane', 'balanced', 'minor classes', ...classNames],
      ...lanes.map(({ id, label }) => {
        const accuracy = last.runs[id].testAccuracy;
        return [label, percent(mean(accuracy)), percent(mean(accuracy.filter((_, c) => !major[c]))), ...accuracy.map(percent)];
      }),
    ],
    { leftColumns: [0] },
  );
}

function progressBar(fraction: number, text: string): void {
  const width = 30;
  const filled = Math.round(width * fraction);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}   `);
}

/** This run's command line and the code's commit (the checkout's, marked `+changes` when files differ from it, or the GPU bundle's), or null outside git. */
function provenance(args: readonly string[]): Provenance {
  return { command: [experimentCommandPrefix(), ...args.map(shellQuote)].join(' '), commit: codeCommit() };
}

await runCommand(EXPERIMENT_COMMAND, process.argv.slice(2), async ({ flags, positionals }) => {
  const config = configFromArguments(positionals);
  const notForApp = appProblems(config);
  if (flags['print-config']) {
    console.log(JSON.stringify(config, null, 2));
    if (notForApp.length === 0) console.log(`link query: ?${configToSearch(config)}`);
    else console.log(`settings query (for npm run experiment and sweep; the app does not open it: ${notForApp.join('; ')}): ?${configToSearch(config)}`);
    return;
  }
  if (flags.recording && notForApp.length > 0) {
    throw new UsageError(`--recording makes a file for the app, which cannot show this run: ${notForApp.join('; ')}. Leave out --recording: the results file holds every epoch's measurements.`);
  }
  const synthetic = flags.synthetic as boolean;
  const dir = flags.out as string;
  if (flags.resume && flags.name === undefined) throw new UsageError('--resume continues a run by its name: give the --name it was started with.');
  const subset = config.subsetSeed === config.seed ? '' : `-subset${config.subsetSeed}`;
  const name = (flags.name as string | undefined) ?? `${synthetic ? 'synthetic-' : ''}resnet${6 * config.blocksPerStage + 2}-seed${config.seed}${subset}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const files = experimentFiles(dir, name);
  const recordingPath = flags.recording ? files.recording : null;
  const stopAfter = flags['stop-after'] as number;
  // Decided before the backend starts, so a name holding another run is refused at once.
  const plan: ResumePlan = flags.resume ? planResume(dir, name, config, synthetic) : { kind: 'fresh', note: null };
  if (plan.kind === 'finished') {
    // A signal after the last epoch may have marked the file interrupted: it is whole.
    if (plan.results.interrupted) writeFileAtomic(files.results, resultsJson({ ...plan.results, interrupted: false }));
    rmSync(files.state, { force: true });
    process.stderr.write(`${files.results} already holds all ${config.epochs} epochs: nothing to train.\n`);
    return;
  }
  if (plan.kind === 'fresh') {
    if (plan.note) process.stderr.write(`cannot resume: ${plan.note}; training from epoch 1.\n`);
    if (!flags.resume && existsSync(files.state)) process.stderr.write(`note: starting ${name} again from epoch 1 over its unfinished run (--resume would continue it).\n`);
    // An earlier run's state under this name must never be continued with this run's results.
    rmSync(files.state, { force: true });
  }
  const backend = await startNodeBackend(flags.backend as EngineBackendChoice);
  process.stderr.write(`backend: ${backend.name} on ${backend.adapter} (${backend.reason})\n`);
  const data = await loadData(config, synthetic);
  const { startRunner, workersOf } = await import('../src/engine/laneGroups.ts');
  const workers = (flags.workers as number) || defaultLaneWorkers();
  const start = (state: LockstepState | null) => startRunner({ data, config, state, backend: backend.name, workers, spawn: nodeLaneWorker });
  const madeBy = provenance(process.argv.slice(2));
  mkdirSync(dir, { recursive: true });

  let runner: TrainingRunner;
  let epochs: EpochSnapshot[] = [];
  let resumes: NonNullable<ResultsFile['resumes']> = [];
  if (plan.kind === 'resume') {
    try {
      runner = await start(plan.state);
      epochs = plan.epochs;
      resumes = [...(plan.results.resumes ?? []), { afterEpoch: runner.epoch, backend: backend.name, at: new Date().toISOString() }];
      const before = (plan.results.backend as { name?: unknown } | null)?.name;
      process.stderr.write(`resuming ${name} after epoch ${runner.epoch} of ${config.epochs}\n`);
      if (before !== backend.name) {
        process.stderr.write(`note: it trained on ${String(before)} before and goes on on ${backend.name}: a faithful continuation, but not bit for bit the run one backend would make.\n`);
      }
    } catch (error) {
      if (!(error instanceof IncompatibleStateError)) throw error;
      process.stderr.write(`cannot resume: ${error.message}\n`);
      rmSync(files.state, { force: true });
      runner = await start(null);
    }
  } else {
    runner = await start(null);
  }
  const resumedAfter = runner.epoch;
  const laneWorkers = workersOf(runner);
  if (laneWorkers > 1) process.stderr.write(`lanes in ${laneWorkers} worker processes\n`);
  const lanes = lanesOf(config);
  const minor = isMajorClass(config.trainCounts).map((isMajor) => !isMajor);
  const started = performance.now();
  const save = (interrupted: boolean) => {
    const results: ResultsFile = { config, backend, laneWorkers, classNames: data.classNames, trainCounts: data.trainCounts, interrupted: interrupted && epochs.length < config.epochs, synthetic, ...(resumes.length > 0 ? { resumes } : {}), epochs };
    writeFileAtomic(files.results, resultsJson(results));
    if (recordingPath && epochs.length > 0) writeFileAtomic(recordingPath, JSON.stringify(recordingFile(config, epochs, backend.name, new Date(), madeBy)));
  };
  // The file already holds every finished epoch, and the state file the last one's state; Ctrl-C marks
  // the file interrupted and stops between steps (--resume goes on from the state).
  // `on`, not `once`: a terminal's Ctrl-C reaches this process both directly and relayed by tsx, and
  // npm turns it into SIGTERM for its child.
  const stop = (signal: NodeJS.Signals) => {
    save(true);
    process.stderr.write(`\n${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: wrote ${epochs.length} finished epoch${epochs.length === 1 ? '' : 's'} to ${files.results}\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const totalSteps = config.epochs * runner.stepsPerEpoch;
  const firstStep = runner.epoch * runner.stepsPerEpoch;
  while (!runner.finished && !(stopAfter > 0 && runner.epoch >= stopAfter)) {
    for (let s = 0; s < runner.stepsPerEpoch; s++) {
      await runner.trainStep();
      const done = runner.epoch * runner.stepsPerEpoch + s + 1;
      const secondsPerStep = (performance.now() - started) / 1000 / (done - firstStep);
      progressBar(done / totalSteps, `epoch ${runner.epoch + 1}/${config.epochs} step ${s + 1}/${runner.stepsPerEpoch}, ETA ${Math.round(secondsPerStep * (totalSteps - done))} s`);
      // On the CPU backends a step resolves in microtasks only: let signal handlers (Ctrl-C) run.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const snapshot = await runner.finishEpoch();
    epochs.push(snapshot);
    // The results first, then the state: a run stopped between the two trains that epoch again, identically.
    save(false);
    if (runner.finished) rmSync(files.state, { force: true });
    else writeFileAtomic(files.state, encodeState(await runner.saveState(), { config, synthetic }));
    const mean = (xs: number[]) => (100 * xs.reduce((a, b) => a + b, 0)) / xs.length;
    const accuracies = lanes.map(({ id, label }) => {
      const accuracy = snapshot.runs[id].testAccuracy;
      return `${label} ${mean(accuracy).toFixed(1)} (minor ${mean(accuracy.filter((_, c) => minor[c])).toFixed(1)})`;
    });
    process.stderr.write(`\repoch ${snapshot.epoch}: balanced test acc % ${accuracies.join(', ')}; ${snapshot.imagesPerSecond.toFixed(1)} images/s${' '.repeat(20)}\n`);
  }
  runner.dispose();
  if (!runner.finished) {
    save(true);
    process.stderr.write(`stopped after epoch ${runner.epoch} of ${config.epochs} (--stop-after): the same command with --resume goes on from ${files.state}\n`);
  }
  if (epochs.length > 0) printSummary(config, data.classNames, lanes, epochs.at(-1)!, (performance.now() - started) / 1000, resumedAfter);
  process.stderr.write(`wrote ${files.results}${recordingPath ? ` and ${recordingPath}` : ''}\n`);
});
