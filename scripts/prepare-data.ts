/**
 * `npm run data [-- --archive PATH] [--out DIR]`: turns the official cifar-10-binary.tar.gz
 * (from --archive, CIFAR10_TAR, an earlier download, or a new download) into the per-class
 * assets under public/data/cifar10/. Does nothing when they are up to date with the archive.
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR } from '../src/data/node.ts';
import { findArchive, prepareData } from './lib/prepare.ts';

try {
  const { values } = parseArgs({ options: { archive: { type: 'string' }, out: { type: 'string' } } });
  const archive = (await findArchive(values.archive, true))!;
  const outDir = values.out ?? DEFAULT_DATA_DIR;
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
} catch (error) {
  console.error(`npm run data: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
