import { expect, it } from 'vitest';
import { isOutOfMemoryError } from './deviceWatch.ts';
import { NonFiniteLossError } from './lockstep.ts';

it('tells errors of exhausted memory or device limits from other failures', () => {
  const outOfMemory = [
    new Error('Requested texture size [1916x1916] greater than WebGL maximum on this browser / GPU [1024x1024].'),
    new RangeError('Array buffer allocation failed'),
    new RangeError('Invalid typed array length: 4294967296'),
    new Error('Aborted(OOM). Build with -sASSERTIONS for more info.'),
    new Error('Cannot enlarge memory, requested 4294967296 bytes'),
    Object.assign(new Error('Out of memory while allocating a buffer'), { name: 'GPUOutOfMemoryError' }),
  ];
  for (const error of outOfMemory) expect(isOutOfMemoryError(error), error.message).toBe(true);
  const others = [new NonFiniteLossError('mfw', 0, 3, Number.NaN), new Error('Failed to fetch'), new TypeError("Cannot read properties of undefined (reading 'shape')")];
  for (const error of others) expect(isOutOfMemoryError(error), error.message).toBe(false);
});
