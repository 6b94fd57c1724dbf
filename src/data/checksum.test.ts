import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { sha256Hex, sha256HexPortable } from './checksum.ts';

describe('sha256', () => {
  it('the portable digest (for pages without Web Crypto) equals Web Crypto on sizes around block boundaries', async () => {
    const rng = new Rng(7);
    for (const size of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 61440, 153600]) {
      const bytes = Uint8Array.from({ length: size }, () => rng.int(256));
      expect(sha256HexPortable(bytes), `${size} bytes`).toBe(await sha256Hex(bytes));
    }
  });

  it('matches the published test vectors', () => {
    expect(sha256HexPortable(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256HexPortable(new Uint8Array(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
