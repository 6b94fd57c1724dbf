/** Downloads the official CIFAR-10 binary archive, checking it against its published md5. */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { progressBar } from './progress.ts';

export const CIFAR10_URL = 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz';
export const CIFAR10_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';
/** Give up when the server has not answered within this time (offline machines often just hang). */
const RESPONSE_TIMEOUT_MS = 30_000;

function causeText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** Writes the archive to `destination` (via a `.part` file, so a broken download never looks complete). */
export async function downloadArchive(destination: string, url = CIFAR10_URL, expectedMd5: string | null = CIFAR10_MD5): Promise<void> {
  const fail = (reason: string) =>
    new Error(`could not download ${url} (${reason}). Download cifar-10-binary.tar.gz by hand and set CIFAR10_TAR=path/to/cifar-10-binary.tar.gz (or pass --archive PATH).`);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`no answer within ${RESPONSE_TIMEOUT_MS / 1000} s`)), RESPONSE_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(url, { signal: abort.signal });
  } catch (error) {
    throw fail(causeText(abort.signal.aborted ? abort.signal.reason : error));
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok || !response.body) throw fail(`HTTP ${response.status} ${response.statusText}`.trim());

  const part = `${destination}.part`;
  await mkdir(dirname(destination), { recursive: true });
  const out = createWriteStream(part);
  const md5 = createHash('md5');
  const bar = progressBar('downloading CIFAR-10', Number(response.headers.get('content-length') ?? 0));
  let received = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      md5.update(chunk);
      received += chunk.length;
      bar.update(received);
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    bar.finish();
    const actual = md5.digest('hex');
    if (expectedMd5 && actual !== expectedMd5) throw fail(`the download has md5 ${actual}, expected ${expectedMd5}`);
    await rename(part, destination);
  } catch (error) {
    out.destroy();
    await rm(part, { force: true });
    throw error instanceof Error && error.message.startsWith('could not download') ? error : fail(causeText(error));
  }
}
