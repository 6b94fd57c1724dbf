/**
 * sha256 through Web Crypto, which Node (≥ 20), pages and workers all provide, so the script that
 * writes the checksums and the browser that checks them share one implementation.
 */
import { DataLoadError } from './errors.ts';
import type { ChunkInfo } from './format.ts';

/** Web Crypto exists only in secure contexts (https, localhost); plain-http pages lack it. */
export function checksumsAvailable(): boolean {
  return typeof globalThis.crypto?.subtle?.digest === 'function';
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/**
 * Throws a DataLoadError naming `where` when the bytes are not the chunk the manifest describes.
 * Without Web Crypto (plain-http pages) only the length can be checked.
 */
export async function verifyChunk(bytes: Uint8Array, chunk: ChunkInfo, where: string): Promise<void> {
  if (bytes.length !== chunk.bytes) {
    throw new DataLoadError(`${where}: truncated or wrong size (${bytes.length} bytes, expected ${chunk.bytes})`);
  }
  if (!checksumsAvailable()) return;
  const actual = await sha256Hex(bytes);
  if (actual !== chunk.sha256) throw new DataLoadError(`${where}: checksum mismatch (sha256 ${actual}, expected ${chunk.sha256})`);
}
