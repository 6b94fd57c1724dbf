/** Small stream adapters shared by the Node script and the browser worker. */
import { ArchiveError } from './errors.ts';

/**
 * Passes decompressed chunks through, rewriting the decompressor's own failures (zlib in Node,
 * DecompressionStream in the browser) as ArchiveErrors that say what is wrong with the file.
 */
export async function* gunzipErrorsExplained(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of source) yield chunk;
  } catch (error) {
    if (error instanceof ArchiveError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new ArchiveError(
      /unexpected end|truncat|premature/i.test(detail)
        ? `the archive is truncated (gzip: ${detail})`
        : `the archive is not a valid gzip file or is corrupt (gzip: ${detail})`,
    );
  }
}

/** A ReadableStream as an async iterable (not every browser makes streams iterable yet). */
export async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (let next = await reader.read(); !next.done; next = await reader.read()) yield next.value;
  } finally {
    reader.releaseLock();
  }
}
