/**
 * A minimal streaming tar reader (ustar, with GNU long names and pax paths), enough for the
 * CIFAR-10 archive in Node and in the browser. It reads 512-byte blocks from any async stream
 * of byte chunks, so the 160 MB archive never needs to sit in memory decompressed as a whole.
 */
import { ArchiveError } from './errors.ts';

const BLOCK = 512;

export interface TarEntry {
  name: string;
  /** '0' regular file, '5' directory, … (the ustar type flag). */
  type: string;
  size: number;
  /** The file's bytes; only read for regular files that `wanted` accepts. */
  data: Uint8Array | null;
}

/** Pulls exact byte counts out of a stream of arbitrarily sized chunks. */
class ByteReader {
  private current: Uint8Array = new Uint8Array(0);
  private position = 0;
  private readonly source: AsyncIterator<Uint8Array>;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.source = source[Symbol.asyncIterator]();
  }

  /** Fills `target` (or skips `target` bytes when a number); returns how many bytes were available. */
  async read(target: Uint8Array | number): Promise<number> {
    const wanted = typeof target === 'number' ? target : target.length;
    let filled = 0;
    while (filled < wanted) {
      if (this.position === this.current.length) {
        const next = await this.source.next();
        if (next.done) return filled;
        this.current = next.value;
        this.position = 0;
        continue;
      }
      const take = Math.min(wanted - filled, this.current.length - this.position);
      if (typeof target !== 'number') target.set(this.current.subarray(this.position, this.position + take), filled);
      this.position += take;
      filled += take;
    }
    return filled;
  }

  /** Consumes the rest, so a decompressor still checks its trailer (CRC, length) after the tar ends. */
  async drain(): Promise<void> {
    for (let next = await this.source.next(); !next.done; next = await this.source.next());
  }
}

const decoder = new TextDecoder();

function text(header: Uint8Array, start: number, length: number): string {
  const field = header.subarray(start, start + length);
  const end = field.indexOf(0);
  return decoder.decode(end < 0 ? field : field.subarray(0, end));
}

function octal(header: Uint8Array, start: number, length: number): number {
  const value = text(header, start, length).trim();
  return value === '' ? 0 : parseInt(value, 8);
}

function checksumMatches(header: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
  return sum === octal(header, 148, 8);
}

/** Pax extended headers: "<length> key=value\n" records; only `path` matters here. */
function paxPath(data: Uint8Array): string | null {
  for (const line of decoder.decode(data).split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(line);
    if (match) return match[1];
  }
  return null;
}

/**
 * Yields the archive's entries in order. `wanted(name)` decides which regular files are read into
 * memory; the others are skipped. Rejects with an ArchiveError when a header is corrupt or the
 * stream ends inside an entry.
 */
export async function* readTar(source: AsyncIterable<Uint8Array>, wanted: (name: string) => boolean): AsyncGenerator<TarEntry> {
  const reader = new ByteReader(source);
  const header = new Uint8Array(BLOCK);
  let offset = 0;
  let longName: string | null = null;
  for (;;) {
    const got = await reader.read(header);
    if (got === 0) break; // some writers omit the two zero blocks that end an archive
    if (got < BLOCK) throw new ArchiveError(`the tar stream is truncated inside a header at byte ${offset}`);
    if (header.every((b) => b === 0)) break;
    if (!checksumMatches(header)) throw new ArchiveError(`corrupt tar header at byte ${offset} (checksum mismatch)`);

    const type = String.fromCharCode(header[156] || 48); // NUL means a regular file
    const size = octal(header, 124, 12);
    const prefix = text(header, 345, 155);
    const name: string = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100)).replace(/^\.\//, '');
    offset += BLOCK;

    const isMeta = type === 'L' || type === 'x';
    const keep: boolean = isMeta || (type === '0' && wanted(name));
    const data: Uint8Array | null = keep ? new Uint8Array(size) : null;
    const read = await reader.read(data ?? size);
    if (read < size) throw new ArchiveError(`the archive ends inside ${name} (read ${read} of ${size} bytes)`, name);
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if ((await reader.read(padding)) < padding) throw new ArchiveError(`the archive ends inside the padding after ${name}`, name);
    offset += size + padding;

    if (type === 'L' && data) longName = text(data, 0, data.length);
    else if (type === 'x' && data) longName = paxPath(data) ?? longName;
    else {
      longName = null;
      yield { name, type, size, data };
    }
  }
  await reader.drain();
}
