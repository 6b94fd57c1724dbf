/**
 * Runs one experiment (any lanes, ERM beside MFW by default) headless and writes every epoch's measurements to
 * experiments/<name>.json — after every epoch, and on Ctrl-C with the epochs finished so far;
 * with --recording also a recording the app replays. `npm run experiment -- --help` lists every setting.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { EpochSnapshot } from '../src/core/snapshot.ts';
import { recordingFile, type Provenance } from '../src/state/recording.ts';
import { configToSearch } from '../src/state/urlConfig.ts';
import { codeCommit, experimentCommandPrefix, shellQuote } from './lib/bundle.ts';
import { runCommand, UsageError, type CommandSpec } from './lib/cli.ts';
import type { EngineBackendChoice } from '../src/engine/backend.ts';
import { configFromArguments, loadData, methodsHelp, settingsHelp, startNodeBackend } from './lib/engine-cli.ts';
import { isMajorClass } from '../src/core/mfwWeights.ts';
import { appProblems, lanesOf, type ExperimentConfig } from '../src/config/experiment.ts';
import type { Lane } from '../src/core/methods.ts';
import { printTable } from './lib/table.ts';

const EXPERIMENT_COMMAND: CommandSpec = {
  command: 'npm run experiment --',
  synopsis: '[SETTING=VALUE | LINK | FILE.json …] [--backend=auto|webgpu|wasm|cpu] [--name=NAME] [--recording] [--synthetic] [--print-config]',
  summary:
    'Trains the chosen methods (methods=…, by default ERM and MFW) in lockstep, headless in Node, exactly as the app does, and writes every ' +
    'epoch’s measurements per lane (per-class accuracy, clean training loss, gradient norms and their minor/major ratio, feature deviation, ' +
    '2-D features, classifier and its weight norms, class weights, mixing shares) to experiments/NAME.json. ' +
    'Needs the prepared CIFAR-10 data (npm run data) unless --synthetic is given. Ctrl-C stops and keeps the finished epochs. ' +
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
    { name: 'name', kind: 'string', valueName: 'NAME', description: 'File name of the results under experiments/ (default: network, seed and time).' },
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
    'npm run experiment -- ep=2 n=40,40,8,8 imb=custom tpc=50 --synthetic --backend=wasm',
    'npm run experiment -- methods=erm,mfw,drw,ldam-drw,la,remix-drw ep=20 --name=rivals   (six lanes on the same batches)',
    'npm run experiment -- m=erm,la:tau=1.5,mixup:alpha=0.4 ep=20                              (parameters per lane)',
    'npm run experiment -- c=0,1,2,3,4,5,6,7,8,9 imb=long-tailed rho=100 fd=64 sched=ldam depth=5 ep=200 m=erm,ldam-drw,mfw,mfw-drw sn=eq12 beta=2 --backend=webgpu',
    '      (Table 1’s protocol, CIFAR-10 long-tailed ρ = 100: the report shows the published figures beside it)',
  ],
};

/** The run in a few lines: its settings, then each lane's test accuracy at the last epoch (balanced, minor classes, per class). */
function printSummary(config: ExperimentConfig, classNames: readonly string[], lanes: readonly Lane[], last: EpochSnapshot, seconds: number): void {
  const major = isMajorClass(config.trainCounts);
  const percent = (x: number) => (100 * x).toFixed(1);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const protocol = `${config.featureDim === 64 ? ', 64-d feature' : ''}${config.schedule === 'ldam' ? ', LDAM schedule' : ''}`;
  console.log(
    `\nResNet-${6 * config.blocksPerStage + 2} (width ${config.width}${protocol}), ${config.epochs} epochs, batch ${config.batchSize}, seed ${config.seed}; ` +
      `${classNames.map((name, c) => `${name} ${config.trainCounts[c]}`).join(', ')} training images; ${Math.round(seconds)} s.`,
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
  const backend = await startNodeBackend(flags.backend as EngineBackendChoice);
  process.stderr.write(`backend: ${backend.name} on ${backend.adapter} (${backend.reason})\n`);
  const data = await loadData(config, synthetic);
  const { LockstepRunner } = await import('../src/engine/lockstep.ts');
  const name = (flags.name as string | undefined) ?? `${synthetic ? 'synthetic-' : ''}resnet${6 * config.blocksPerStage + 2}-seed${config.seed}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const path = `experiments/${name}.json`;
  const recordingPath = flags.recording ? `experiments/${name}.recording.json` : null;
  const madeBy = provenance(process.argv.slice(2));
  mkdirSync('experiments', { recursive: true });

  const runner = await LockstepRunner.create(data, config);
  const lanes = lanesOf(config);
  const minor = isMajorClass(config.trainCounts).map((isMajor) => !isMajor);
  const epochs: EpochSnapshot[] = [];
  const started = performance.now();
  const save = (interrupted: boolean) => {
    writeFileSync(path, JSON.stringify({ config, backend, classNames: data.classNames, trainCounts: data.trainCounts, interrupted, epochs }, (_, v) =>
      ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v,
    ));
    if (recordingPath && epochs.length > 0) writeFileSync(recordingPath, JSON.stringify(recordingFile(config, epochs, backend.name, new Date(), madeBy)));
  };
  // The file already holds every finished epoch; Ctrl-C marks it interrupted and stops between steps.
  // `on`, not `once`: a terminal's Ctrl-C reaches this process both directly and relayed by tsx, and
  // npm turns it into SIGTERM for its child.
  const stop = (signal: NodeJS.Signals) => {
    save(true);
    process.stderr.write(`\n${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: wrote ${epochs.length} finished epoch${epochs.length === 1 ? '' : 's'} to ${path}\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  while (!runner.finished) {
    for (let s = 0; s < runner.stepsPerEpoch; s++) {
      await runner.trainStep();
      const done = (runner.epoch * runner.stepsPerEpoch + s + 1) / (config.epochs * runner.stepsPerEpoch);
      const elapsed = (performance.now() - started) / 1000;
      progressBar(done, `epoch ${runner.epoch + 1}/${config.epochs} step ${s + 1}/${runner.stepsPerEpoch}, ETA ${Math.round((elapsed / done) * (1 - done))} s`);
      // On the CPU backends a step resolves in microtasks only: let signal handlers (Ctrl-C) run.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const snapshot = await runner.finishEpoch();
    epochs.push(snapshot);
    save(false);
    const mean = (xs: number[]) => (100 * xs.reduce((a, b) => a + b, 0)) / xs.length;
    const accuracies = lanes.map(({ id, label }) => {
      const accuracy = snapshot.runs[id].testAccuracy;
      return `${label} ${mean(accuracy).toFixed(1)} (minor ${mean(accuracy.filter((_, c) => minor[c])).toFixed(1)})`;
    });
    process.stderr.write(`\repoch ${snapshot.epoch}: balanced test acc % ${accuracies.join(', ')}; ${snapshot.imagesPerSecond.toFixed(1)} images/s${' '.repeat(20)}\n`);
  }
  runner.dispose();
  printSummary(config, data.classNames, lanes, epochs.at(-1)!, (performance.now() - started) / 1000);
  process.stderr.write(`wrote ${path}${recordingPath ? ` and ${recordingPath}` : ''}\n`);
});
