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
import { runCommand, UsageError, type CommandSpec } from './lib/cli.ts';

/**
 * What the app ships, by name: each made by `npm run experiment -- ARGS --recording`. A run of several
 * parts trains its lanes in that many processes at once (one per core; each lane is the same as in one
 * process, bit for bit), each part as NAME-a, NAME-b, …, and is packed as one recording of every lane.
 */
const SHIPPED_RUNS: { name: string; parts: string[][]; what: string }[] = [
  { name: 'classroom-erm-mfw-seed1', parts: [[]], what: 'the Classroom preset, ERM beside MFW (ResNet-8, 40 epochs, all the §4 data)' },
  {
    name: 'quick-fifth-rivals-seed1',
    parts: [
      ['ep=20', 'n=1000,1000,10,10', 'imb=custom', 'm=erm,mfw,drw'],
      ['ep=20', 'n=1000,1000,10,10', 'imb=custom', 'm=ldam-drw,la,remix-drw'],
    ],
    what: 'the “all rivals” lanes on the Quick preset’s network and length with a fifth of its data (six networks, three in each of two processes)',
  },
];

type ShippedRun = (typeof SHIPPED_RUNS)[number];

/** The experiment names of a run's parts: the run's own name for a run of one part. */
const partNames = (run: ShippedRun) => (run.parts.length === 1 ? [run.name] : run.parts.map((_, i) => `${run.name}-${String.fromCharCode(97 + i)}`));

const RECORDINGS_COMMAND: CommandSpec = {
  command: 'npm run recordings --',
  synopsis: '[FILE.recording.json …] [--train] [--backend=auto|webgpu|wasm|cpu] [--out=DIR]',
  summary:
    'Packs finished runs into the built app: each recording is checked, rewritten in the current format and listed in DIR/index.json, ' +
    'which the first screen reads to offer “Watch a finished run (instant)”. Without files, packs the runs the app ships ' +
    `(${SHIPPED_RUNS.flatMap((run) => partNames(run).map((name) => `experiments/${name}.recording.json`)).join(', ')}); with --train, first trains those that are missing, ` +
    'the parts of one run at the same time (hours on a CPU; minutes on a GPU). The parts of a run are packed as one recording of all their lanes. ' +
    'Partial runs are packed as partial (a run in parts up to the epoch every part reached). The set must stay under 30 MB.',
  positionals: { valueName: 'FILE.recording.json', description: 'Recordings made by npm run experiment -- … --recording, packed instead of the shipped list.' },
  flags: [
    { name: 'train', kind: 'boolean', description: 'Train the shipped runs whose recording is missing (npm run experiment -- … --recording) before packing.' },
    { name: 'backend', kind: 'string', choices: ['auto', 'webgpu', 'wasm', 'cpu'], default: 'auto', description: 'The backend that trains with --train.' },
    { name: 'out', kind: 'string', valueName: 'DIR', default: 'public/recordings', description: 'Where the packed files and index.json go (replacing the .json files there).' },
  ],
  examples: ['npm run recordings                 (pack what experiments/ holds of the shipped runs)', 'npm run recordings -- --train --backend=webgpu', 'npm run recordings -- experiments/mine.recording.json --out=/tmp/shipped'],
};

const experimentArgs = (args: string[], name: string, backend: string) => [...args, `--backend=${backend}`, '--recording', `--name=${name}`];

/** Trains the given parts of a run at the same time, each in its own process. */
async function trainParts(parts: { args: string[]; name: string }[], backend: string): Promise<void> {
  const statuses = await Promise.all(
    parts.map(
      ({ args, name }) =>
        new Promise<{ name: string; status: number | null }>((resolve) => {
          const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/experiment.ts', ...experimentArgs(args, name, backend)], { stdio: 'inherit' });
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
  const sources: { name: string; files: string[] }[] = positionals.map((file) => ({ name: basename(file).replace(/\.recording\.json$/, ''), files: [file] }));
  if (sources.length === 0) {
    for (const run of SHIPPED_RUNS) {
      const parts = partNames(run).map((name, i) => ({ name, args: run.parts[i], file: `experiments/${name}.recording.json` }));
      const missing = parts.filter(({ file }) => !existsSync(file));
      if (missing.length && flags.train) {
        process.stderr.write(`training ${run.what}…\n`);
        await trainParts(missing, backend);
      }
      if (parts.every(({ file }) => existsSync(file))) sources.push({ name: run.name, files: parts.map(({ file }) => file) });
      else {
        const commands = missing.map(({ args, name }) => `npm run experiment -- ${experimentArgs(args, name, backend).join(' ')}`);
        process.stderr.write(`missing ${missing.map(({ file }) => file).join(' and ')} (${run.what}): make ${missing.length === 1 ? 'it' : 'them'} with ${commands.join(' & ')}\n`);
      }
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
