/**
 * Makes sure the prepared CIFAR-10 assets exist before the app is served or built.
 * `ensureData` is used by scripts/start.ts. Run directly, `npm run build` never downloads (without an
 * archive it only warns that the built app will ask for one); `npm run test:e2e` passes
 * `--required --download`, since the browser tests need real images: on a laptop they are fetched,
 * on an offline machine the message says to set CIFAR10_TAR.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR } from '../src/data/node.ts';
import { findArchive, prepareData, readPreparedManifest } from './lib/prepare.ts';

export interface EnsureDataOptions {
  /** Missing data is an error (rejects) instead of 'missing'. */
  required: boolean;
  /** Try the official download when there is neither data nor an archive (default true). */
  download?: boolean;
  /** Archive path; defaults to CIFAR10_TAR. */
  archive?: string;
  outDir?: string;
}

/**
 * 'ready' when the assets exist (prepared now from the archive if needed, or already there);
 * 'missing' when there is no data and no archive. A given archive that is broken always rejects.
 */
export async function ensureData(options: EnsureDataOptions): Promise<'ready' | 'missing'> {
  const outDir = options.outDir ?? DEFAULT_DATA_DIR;
  const prepare = async (archive: string) => {
    const result = await prepareData({ archive, outDir, showProgress: true });
    if (result.status === 'prepared') console.log(`Prepared CIFAR-10 assets from ${archive} in ${result.seconds.toFixed(1)} s.`);
    return 'ready' as const;
  };
  const archive = await findArchive(options.archive, false);
  if (archive) return prepare(archive);
  if (await readPreparedManifest(outDir)) return 'ready';
  if (options.download ?? true) {
    try {
      return await prepare((await findArchive(undefined, true))!);
    } catch (error) {
      if (options.required) throw error;
      console.warn(error instanceof Error ? error.message : String(error));
      return 'missing';
    }
  }
  if (options.required) {
    throw new Error(`No prepared CIFAR-10 data in ${outDir}: set CIFAR10_TAR=path/to/cifar-10-binary.tar.gz or run npm run data.`);
  }
  return 'missing';
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { values } = parseArgs({
      options: { archive: { type: 'string' }, required: { type: 'boolean', default: false }, download: { type: 'boolean', default: false } },
    });
    const status = await ensureData({ required: values.required, download: values.download, archive: values.archive });
    if (status === 'missing') {
      console.warn(
        'No CIFAR-10 data prepared and no archive given (CIFAR10_TAR=path/to/cifar-10-binary.tar.gz or --archive PATH): ' +
          'the built app will ask for the archive to be dropped onto the page.',
      );
    }
  } catch (error) {
    console.error(`ensure-data: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
