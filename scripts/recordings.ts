/**
 * Packs finished runs for the built app: each recording made by `npm run experiment -- … --recording`
 * is checked, written in the current (16-bit) format to public/recordings/, and listed in
 * public/recordings/index.json, which the first screen reads to offer "Watch a finished run". The
 * files are derived from CIFAR-10, so they are built, never committed (public/recordings is ignored).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { mergeRecordings, parseRecording, recordingFile } from '../src/state/recording.ts';
import { SHIPPED_INDEX_FORMAT, SHIPPED_MAX_BYTES, shippedEntry, type ShippedIndex, type ShippedRecording } from '../src/state/shippedRecordings.ts';
import { experimentCommandPrefix, experimentProcess, shellQuote } from './lib/bundle.ts';
import { runCommand, UsageError, type CommandSpec } from './lib/cli.ts';

/** What the app ships, by experiment name: each made by `npm run experiment -- ARGS --recording --name=NAME`. */
const SHIPPED_RUNS: { name: string; args: string[]; what: string }[] = [
  { name: 'classroom-erm-mfw-seed1', args: [], what: 'the Classroom preset, ERM beside MFW (ResNet-8, 40 epochs, all the §4 data)' },
  {
    name: 'quick-fifth-lab-seed1',
    args: ['n=1000,1000,10,10', 'methods=erm,mfw,drw,la', 'epochs=20', 'imbalance=custom', 'seed=1'],
    what: 'ERM, MFW, DRW and LA on the Quick preset’s network and length with a fifth of its data (seed 1 of the sweep in docs/SCALE.md)',
  },
];

const RECORDINGS_COMMAND: CommandSpec = {
  command: 'npm run recordings --',
  synopsis: '[FILE.recording.json …] [--train] [--backend=auto|webgpu|wasm|cpu] [--out=DIR]',
  summary:
    'Packs finished runs into the built app: each recording is checked, rewritten in the current format and listed in DIR/index.json, ' +
    'which the first screen reads to offer “Watch a finished run (instant)”. Without files, packs the runs the app ships ' +
    `(${SHIPPED_RUNS.map((run) => `experiments/${run.name}.recording.json`).join(', ')}); with --train, first trains those that are missing, ` +
    'all at once, one process each (hours on a CPU; minutes on a GPU). Partial runs are packed as partial (parts of one run up to the epoch ' +
    'every part reached). The set must stay under 30 MB.',
  positionals: {
    valueName: 'FILE.recording.json[+FILE…]',
    description:
      'Recordings made by npm run experiment -- … --recording, packed instead of the shipped list; files joined by + are parts of one run ' +
      '(the same settings, other lanes, e.g. trained on two machines) and are packed as one recording named after the first.',
  },
  flags: [
    { name: 'train', kind: 'boolean', description: 'Train the shipped runs whose recording is missing (npm run experiment -- … --recording) before packing.' },
    { name: 'backend', kind: 'string', choices: ['auto', 'webgpu', 'wasm', 'cpu'], default: 'auto', description: 'The backend that trains with --train.' },
    { name: 'out', kind: 'string', valueName: 'DIR', default: 'public/recordings', description: 'Where the packed files and index.json go (replacing the .json files there).' },
  ],
  examples: [
    'npm run recordings                 (pack what experiments/ holds of the shipped runs)',
    'npm run recordings -- --train --backend=webgpu',
    'npm run recordings -- experiments/mine.recording.json --out=/tmp/shipped',
    'npm run recordings -- experiments/run-a.recording.json+experiments/run-b.recording.json --out=/tmp/shipped    (two parts of one run)',
  ],
};

const experimentArgs = (args: string[], name: string, backend: string) => [...args, `--backend=${backend}`, '--recording', `--name=${name}`];

/** Trains the given runs at the same time, each in its own process (one thread each on the CPU). */
async function trainRuns(runs: { args: string[]; name: string }[], backend: string): Promise<void> {
  const statuses = await Promise.all(
    runs.map(
      ({ args, name }) =>
        new Promise<{ name: string; status: number | null }>((resolve) => {
          const { command, args: scriptArgs } = experimentProcess();
          const child = spawn(command, [...scriptArgs, ...experimentArgs(args, name, backend)], { stdio: 'inherit' });
          child.on('exit', (status) => resolve({ name, status }));
        }),
    ),
  );
  const failed = statuses.filter(({ status }) => status !== 0);
  if (failed.length) throw new Error(failed.map(({ name, status }) => `npm run experiment for ${name} stopped with status ${status}.`).join(' '));
}

await runCommand(RECORDINGS_COMMAND, process.argv.slice(2), async ({ flags, positionals }) => {
  const out = flags.out as string;
  const backend = flags.backend as string;
  // Each packed recording and the files it is made of (several for a run trained in parts).
  const sources: { name: string; files: string[] }[] = positionals.map((argument) => {
    const files = argument.split('+');
    return { name: basename(files[0]).replace(/\.recording\.json$/, ''), files };
  });
  if (sources.length === 0) {
    const missing = SHIPPED_RUNS.filter((run) => !existsSync(`experiments/${run.name}.recording.json`));
    if (missing.length && flags.train) {
      process.stderr.write(`training ${missing.map((run) => run.what).join(' and ')}…\n`);
      await trainRuns(missing, backend);
    }
    for (const run of SHIPPED_RUNS) {
      const file = `experiments/${run.name}.recording.json`;
      if (existsSync(file)) sources.push({ name: run.name, files: [file] });
      else process.stderr.write(`missing ${file} (${run.what}): make it with ${experimentCommandPrefix()} ${experimentArgs(run.args, run.name, backend).map(shellQuote).join(' ')}\n`);
    }
  }
  for (const { files } of sources) for (const file of files) if (!existsSync(file)) throw new UsageError(`${file} does not exist.`);

  const packed: { entry: ShippedRecording; text: string }[] = sources.map(({ name, files }) => {
    const recording = mergeRecordings(files.map((file) => parseRecording(readFileSync(file, 'utf8'))));
    const file = recordingFile(recording.config, recording.history, recording.backend, new Date(recording.createdAt), recording.provenance ?? undefined);
    const text = JSON.stringify(file);
    return { entry: shippedEntry(recording, `recordings/${name}.json`, Buffer.byteLength(text)), text };
  });
  const total = packed.reduce((sum, { entry }) => sum + entry.bytes, 0);
  if (total > SHIPPED_MAX_BYTES) throw new Error(`the recordings come to ${(total / 1e6).toFixed(1)} MB, more than the ${SHIPPED_MAX_BYTES / 1e6} MB the app ships; pack fewer.`);

  mkdirSync(out, { recursive: true });
  for (const stale of readdirSync(out).filter((file) => file.endsWith('.json'))) rmSync(join(out, stale));
  for (const { entry, text } of packed) writeFileSync(join(out, basename(entry.path)), text);
  const index: ShippedIndex = { format: SHIPPED_INDEX_FORMAT, version: 1, recordings: packed.map(({ entry }) => entry) };
  writeFileSync(join(out, 'index.json'), JSON.stringify(index, null, 2));
  for (const { entry } of packed) {
    process.stdout.write(`${entry.path}: ${entry.methods.join(', ')}, ${entry.epochs} of ${entry.ofEpochs} epochs, ${(entry.bytes / 1e6).toFixed(1)} MB — ${entry.command} (commit ${entry.commit ?? 'unknown'})\n`);
  }
  process.stdout.write(`${packed.length} recording${packed.length === 1 ? '' : 's'}, ${(total / 1e6).toFixed(1)} MB, listed in ${join(out, 'index.json')}\n`);
});
