import { describe, expect, it } from 'vitest';
import { chunk } from '../../src/core/planned-op.js';

describe('chunk', () => {
  it('splits into consecutive chunks of at most the size, in order, nothing lost', () => {
    const items = Array.from({ length: 7 }, (_, i) => i);
    expect(chunk(items, 3)).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(chunk(items, 7)).toEqual([items]);
  });

  it('items that fit in one chunk are that chunk, not a copy; no items give no chunk', () => {
    const items = [1, 2, 3];
    expect(chunk(items, 3)[0]).toBe(items);
    expect(chunk(items, 100_000)[0]).toBe(items);
    expect(chunk([], 10)).toEqual([]);
  });
});
