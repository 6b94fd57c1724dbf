/**
 * `npm run data`: turns the official cifar-10-binary.tar.gz (from --archive, CIFAR10_TAR, an earlier
 * download, or a new download) into the per-class assets under public/data/cifar10/. Does nothing
 * when they are up to date with the archive. `npm run data -- --help` prints the usage.
 */
import { relative } from 'node:path';
import { DEFAULT_DATA_DIR } from '../src/data/node.ts';
import { runCommand, type CommandSpec } from './lib/cli.ts';
import { DOWNLOADED_ARCHIVE, findArchive, prepareData } from './lib/prepare.ts';

const DATA_COMMAND: CommandSpec = {
  command: 'npm run data --',
  synopsis: '[--archive=PATH] [--out=DIR]',
  summary:
    'Prepares CIFAR-10 for the app: validates the official binary archive (cifar-10-binary.tar.gz, about 162 MB) and writes ' +
    'per-class image chunks with their checksums and a manifest, which the app fetches lazily. Writes aside and renames, so a ' +
    'broken archive leaves nothing behind; a second run with the same archive does nothing.',
  flags: [
    { name: 'archive', kind: 'string', valueName: 'PATH', description: `The archive to read. Without it: CIFAR10_TAR, else an earlier download (${relative(process.cwd(), DOWNLOADED_ARCHIVE)}), else a download from https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz (md5-checked).` },
    { name: 'out', kind: 'string', valueName: 'DIR', default: relative(process.cwd(), DEFAULT_DATA_DIR), description: 'Where to write the assets (the app serves the default folder).' },
  ],
  sections: [{ title: 'Environment', lines: ['  CIFAR10_TAR=PATH           The archive to read when --archive is not given (e.g. an offline copy).'] }],
  examples: ['npm run data', 'CIFAR10_TAR=../shared/data/cifar-10-binary.tar.gz npm run data', 'npm run data -- --archive ~/Downloads/cifar-10-binary.tar.gz'],
};

await runCommand(DATA_COMMAND, process.argv.slice(2), async ({ flags }) => {
  const archive = (await findArchive(flags.archive as string | undefined, true))!;
  const outDir = flags.out as string;
  const { status, manifest, seconds } = await prepareData({ archive, outDir, showProgress: true });
  const where = relative(process.cwd(), outDir) || '.';
  if (status === 'up to date') {
    console.log(`${where} is up to date with ${archive} (checked in ${seconds.toFixed(1)} s).`);
  } else {
    const chunks = [...manifest.chunks.train.flat(), ...manifest.chunks.test.flat()];
    const megabytes = chunks.reduce((total, chunk) => total + chunk.bytes, 0) / 1024 / 1024;
    const total = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
    console.log(
      `Prepared ${total(manifest.counts.train)} training and ${total(manifest.counts.test)} test images of ` +
        `${manifest.classNames.length} classes into ${where}: ${chunks.length} chunks, ${megabytes.toFixed(1)} MB, in ${seconds.toFixed(1)} s.`,
    );
  }
});
