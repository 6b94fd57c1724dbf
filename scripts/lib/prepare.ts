/**
 * Prepares the per-class CIFAR-10 assets on disk from the official archive: streams the file
 * through zlib into the shared converter (src/data/cifarArchive.ts), writes chunks into a temp
 * folder beside the output and renames it into place only when everything validated.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { convertArchive, type ConvertedArchive } from '../../src/data/cifarArchive.ts';
import { ArchiveError } from '../../src/data/errors.ts';
import { MANIFEST_FILE, parseManifest, type DataManifest } from '../../src/data/format.ts';
import { gunzipErrorsExplained } from '../../src/data/streams.ts';
import { downloadArchive } from './download.ts';
import { progressBar } from './progress.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where a download is kept (git-ignored), so it happens once. */
export const DOWNLOADED_ARCHIVE = join(REPO_ROOT, '.cache', 'cifar-10-binary.tar.gz');

export interface PrepareOptions {
  archive: string;
  outDir: string;
  /** 10000 for the official archive; tests use small archives of the same format. */
  recordsPerBatch?: number;
  /** Draw a progress bar on stderr. */
  showProgress?: boolean;
}

export interface PrepareResult {
  status: 'prepared' | 'up to date';
  manifest: DataManifest;
  seconds: number;
}

/** The archive to use: `--archive`, else CIFAR10_TAR, else an earlier download, else a new download (if allowed). */
export async function findArchive(flag: string | undefined, allowDownload: boolean): Promise<string | null> {
  const explicit = flag ?? process.env.CIFAR10_TAR;
  if (explicit) return resolve(explicit);
  if (existsSync(DOWNLOADED_ARCHIVE)) return DOWNLOADED_ARCHIVE;
  if (!allowDownload) return null;
  await downloadArchive(DOWNLOADED_ARCHIVE);
  return DOWNLOADED_ARCHIVE;
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The manifest already in `outDir`, or null when there is none or it is from an older format. */
export async function readPreparedManifest(outDir: string): Promise<DataManifest | null> {
  const path = join(outDir, MANIFEST_FILE);
  try {
    return parseManifest(JSON.parse(await readFile(path, 'utf8')), path);
  } catch {
    return null;
  }
}

/** Same archive (size and time, else size and sha256) and every chunk still on disk at its size. */
async function isUpToDate(manifest: DataManifest, archive: string, archiveStat: { size: number; mtimeMs: number }, outDir: string): Promise<boolean> {
  const source = manifest.source;
  if (source.bytes !== archiveStat.size) return false;
  if (source.modifiedMs !== archiveStat.mtimeMs && source.sha256 !== (await hashFile(archive))) return false;
  const chunks = [...manifest.chunks.train.flat(), ...manifest.chunks.test.flat()];
  const sizes = await Promise.all(chunks.map((chunk) => stat(join(outDir, chunk.file)).then((s) => s.size, () => -1)));
  return sizes.every((size, i) => size === chunks[i].bytes);
}

/** Temp folders of runs that died (their process is gone) would otherwise pile up beside the output. */
async function removeStaleTempDirs(outDir: string): Promise<void> {
  const parent = dirname(outDir);
  const pattern = new RegExp(`^\\.${basename(outDir)}\\.(partial|old)-(\\d+)$`);
  const entries = await readdir(parent).catch(() => [] as string[]);
  for (const entry of entries) {
    const match = pattern.exec(entry);
    if (!match) continue;
    const pid = Number(match[2]);
    let alive = pid === process.pid;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      // no such process: the folder is stale
    }
    if (!alive) await rm(join(parent, entry), { recursive: true, force: true });
  }
}

async function convertFile(archive: string, size: number, outDir: string, options: PrepareOptions): Promise<{ converted: ConvertedArchive; sha256: string }> {
  const hash = createHash('sha256');
  const input = createReadStream(archive);
  const gunzip = createGunzip();
  const bar = options.showProgress ? progressBar('preparing CIFAR-10', size) : null;
  let read = 0;
  input.on('data', (chunk) => {
    hash.update(chunk as Buffer);
    read += chunk.length;
    bar?.update(read);
  });
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  const folders = new Set<string>();
  try {
    const converted = await convertArchive(gunzipErrorsExplained(gunzip), {
      recordsPerBatch: options.recordsPerBatch,
      onChunk: async ({ info, bytes }) => {
        const path = join(outDir, info.file);
        const folder = dirname(path);
        if (!folders.has(folder)) {
          await mkdir(folder, { recursive: true });
          folders.add(folder);
        }
        await writeFile(path, bytes);
      },
    });
    await finished(input);
    bar?.finish();
    return { converted, sha256: hash.digest('hex') };
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}

/**
 * Prepares `outDir` from `archive` unless it already holds the assets of that same archive.
 * Rejects with a message naming the archive, the file inside it and the problem; then nothing
 * new is left on disk and an earlier `outDir` is untouched.
 */
export async function prepareData(options: PrepareOptions): Promise<PrepareResult> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const archive = resolve(options.archive);
  const outDir = resolve(options.outDir);
  const archiveStat = await stat(archive).catch(() => {
    throw new ArchiveError(`${archive}: no such file`);
  });
  const existing = await readPreparedManifest(outDir);
  if (existing && (await isUpToDate(existing, archive, archiveStat, outDir))) {
    return { status: 'up to date', manifest: existing, seconds: seconds() };
  }

  await mkdir(dirname(outDir), { recursive: true });
  await removeStaleTempDirs(outDir);
  const temp = join(dirname(outDir), `.${basename(outDir)}.partial-${process.pid}`);
  const old = join(dirname(outDir), `.${basename(outDir)}.old-${process.pid}`);
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp);
  try {
    const { converted, sha256 } = await convertFile(archive, archiveStat.size, temp, options);
    const manifest: DataManifest = {
      ...converted,
      source: { name: basename(archive), bytes: archiveStat.size, sha256, modifiedMs: archiveStat.mtimeMs },
      preparedAt: new Date().toISOString(),
    };
    await writeFile(join(temp, MANIFEST_FILE), JSON.stringify(manifest));
    const hadOutput = existsSync(outDir);
    if (hadOutput) await rename(outDir, old);
    await rename(temp, outDir);
    if (hadOutput) await rm(old, { recursive: true, force: true });
    return { status: 'prepared', manifest, seconds: seconds() };
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    if (error instanceof Error) error.message = `${archive}: ${error.message}`;
    throw error;
  }
}
