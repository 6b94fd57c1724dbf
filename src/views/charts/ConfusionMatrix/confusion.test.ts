import { describe, expect, it } from 'vitest';
import { confusionMatrix } from './confusion.ts';

describe('confusionMatrix', () => {
  it('counts each (true, predicted) pair in its row and column', () => {
    const labels = [0, 0, 0, 1, 1, 2];
    const predictions = [0, 0, 1, 1, 0, 0];
    expect(confusionMatrix(labels, predictions, 3)).toEqual([
      [2, 1, 0],
      [1, 1, 0],
      [1, 0, 0],
    ]);
  });
  it('row sums are the class sizes, the diagonal the correct predictions', () => {
    const labels = Uint8Array.from([3, 3, 2, 1, 0, 3]);
    const matrix = confusionMatrix(labels, Uint8Array.from([3, 0, 2, 1, 0, 3]), 4);
    expect(matrix.map((row) => row.reduce((a, b) => a + b, 0))).toEqual([1, 1, 1, 3]);
    expect(matrix.map((row, c) => row[c])).toEqual([1, 1, 1, 2]);
  });
});
