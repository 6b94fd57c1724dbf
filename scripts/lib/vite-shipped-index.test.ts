import { describe, expect, it } from 'vitest';
import { parseShippedIndex } from '../../src/state/shippedRecordings.ts';
import { EMPTY_SHIPPED_INDEX } from './vite-shipped-index.ts';

describe('the index a build without finished runs carries', () => {
  it('is a valid index listing none', () => {
    expect(parseShippedIndex(EMPTY_SHIPPED_INDEX)).toEqual([]);
  });
});
