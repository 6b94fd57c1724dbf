/**
 * Packs finished runs for the built app: each recording made by `npm run experiment -- … --recording`
 * is checked, written in the current (16-bit) format to public/recordings/, and listed in
 * public/recordings/index.json, which the first screen reads to offer "Watch a finished run". The
 * files are derived from CIFAR-10, so they are built, never committed (public/recordings is ignored).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseRecording, recordingFile } from '../src/state/recording.ts';
import { SHIPPED_INDEX_FORMAT, SHIPPED_MAX_BYTES, shippedEntry, type ShippedIndex, type ShippedRecording } from '../src/state/shippedRecordings.ts';
import { runCommand, UsageError, type CommandSpec } from './lib/cli.ts';

/** What the app ships, by experiment name: each made by `npm run experiment -- ARGS --recording --name=NAME`. */
const SHIPPED_RUNS: { name: string; args: string[]; what: string }[] = [
  { name: 'classroom-erm-mfw-seed1', args: [], what: 'the Classroom preset, ERM beside MFW (ResNet-8, 40 epochs, all the §4 data)' },
  { name: 'quick-rivals-seed1', args: ['ep=20', 'm=erm,mfw,drw,ldam-drw,la,remix-drw'], what: 'the Quick preset with the “all rivals” lanes (six networks)' },
];

const RECORDINGS_COMMAND: CommandSpec = {
  command: 'npm run recordings --',
  synopsis: '[FILE.recording.json …] [--train] [--backend=auto|webgpu|wasm|cpu] [--out=DIR]',
  summary:
    'Packs finished runs into the built app: each recording is checked, rewritten in the current format and listed in DIR/index.json, ' +
    'which the first screen reads to offer “Watch a finished run (instant)”. Without files, packs the runs the app ships ' +
    `(${SHIPPED_RUNS.map((run) => `experiments/${run.name}.recording.json`).join(', ')}); with --train, first trains those that are missing ` +
    '(hours on a CPU; minutes on a GPU). Partial runs are packed as partial. The set must stay under 30 MB.',
  positionals: { valueName: 'FILE.recording.json', description: 'Recordings made by npm run experiment -- … --recording, packed instead of the shipped list.' },
  flags: [
    { name: 'train', kind: 'boolean', description: 'Train the shipped runs whose recording is missing (npm run experiment -- … --recording) before packing.' },
    { name: 'backend', kind: 'string', choices: ['auto', 'webgpu', 'wasm', 'cpu'], default: 'auto', description: 'The backend that trains with --train.' },
    { name: 'out', kind: 'string', valueName: 'DIR', default: 'public/recordings', description: 'Where the packed files and index.json go (replacing the .json files there).' },
  ],
  examples: ['npm run recordings                 (pack what experiments/ holds of the shipped runs)', 'npm run recordings -- --train --backend=webgpu', 'npm run recordings -- experiments/mine.recording.json --out=/tmp/shipped'],
};

const experimentCommand = (run: (typeof SHIPPED_RUNS)[number], backend: string) => [...run.args, `--backend=${backend}`, '--recording', `--name=${run.name}`];

await runCommand(RECORDINGS_COMMAND, process.argv.slice(2), async ({ flags, positionals }) => {
  const out = flags.out as string;
  const backend = flags.backend as string;
  const sources = [...positionals];
  if (sources.length === 0) {
    for (const run of SHIPPED_RUNS) {
      const source = `experiments/${run.name}.recording.json`;
      if (!existsSync(source) && flags.train) {
        process.stderr.write(`training ${run.what}…\n`);
        const trained = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/experiment.ts', ...experimentCommand(run, backend)], { stdio: 'inherit' });
        if (trained.status !== 0) throw new Error(`npm run experiment for ${run.name} stopped with status ${trained.status}.`);
      }
      if (existsSync(source)) sources.push(source);
      else process.stderr.write(`missing ${source} (${run.what}): make it with npm run experiment -- ${experimentCommand(run, backend).join(' ')}\n`);
    }
  }
  for (const source of sources) if (!existsSync(source)) throw new UsageError(`${source} does not exist.`);

  const packed: { entry: ShippedRecording; text: string }[] = sources.map((source) => {
    const recording = parseRecording(readFileSync(source, 'utf8'));
    const file = recordingFile(recording.config, recording.history, recording.backend, new Date(recording.createdAt), recording.provenance ?? undefined);
    const text = JSON.stringify(file);
    const name = basename(source).replace(/\.recording\.json$/, '.json');
    return { entry: shippedEntry(recording, `recordings/${name}`, Buffer.byteLength(text)), text };
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
