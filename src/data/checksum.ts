/**
 * sha256 of data chunks, in every context: Web Crypto where it exists (Node ≥ 20, https pages,
 * localhost), else @noble/hashes (audited, dependency-free) — a classroom serving the build over
 * plain http on its LAN has no Web Crypto but must still reject damaged chunks. The script that
 * writes the checksums and the browser that checks them agree on the digest, whichever computes it.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { DataLoadError } from './errors.ts';
import type { ChunkInfo } from './format.ts';

/** Web Crypto exists only in secure contexts (https, localhost); plain-http pages lack it. */
export function webCryptoAvailable(): boolean {
  return typeof globalThis.crypto?.subtle?.digest === 'function';
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  if (!webCryptoAvailable()) return sha256HexPortable(bytes);
  return bytesToHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
}

/** The digest without Web Crypto (exported so tests can hold it against Web Crypto's). */
export function sha256HexPortable(bytes: Uint8Array): string {
  return bytesToHex(nobleSha256(bytes));
}

/** Throws a DataLoadError naming `where` when the bytes are not the chunk the manifest describes. */
export async function verifyChunk(bytes: Uint8Array, chunk: ChunkInfo, where: string): Promise<void> {
  if (bytes.length !== chunk.bytes) {
    throw new DataLoadError(`${where}: truncated or wrong size (${bytes.length} bytes, expected ${chunk.bytes})`);
  }
  const actual = await sha256Hex(bytes);
  if (actual !== chunk.sha256) throw new DataLoadError(`${where}: checksum mismatch (sha256 ${actual}, expected ${chunk.sha256})`);
}
