/** The pure parts of migrate and throttling: change → op, what an op touches, state fingerprints, pacing. */
import { describe, expect, it, vi } from 'vitest';
import { createPacer } from '../../src/execute/pacer.js';
import { changeToOp } from '../../src/migrate/change.js';
import { stateHash, touchedFields } from '../../src/migrate/state-hash.js';

describe('changeToOp', () => {
  it('turns operators, { replace }, { delete: true } and nothing into ops by _id', () => {
    expect(changeToOp({ $set: { a: 1 } }, 7, 0)).toEqual({
      ok: true,
      value: { updateOne: { filter: { _id: 7 }, update: { $set: { a: 1 } } } },
    });
    expect(changeToOp({ replace: { a: 1 } }, 7, 0)).toEqual({
      ok: true,
      value: { replaceOne: { filter: { _id: 7 }, replacement: { a: 1, _id: 7 } } },
    });
    expect(changeToOp({ delete: true }, 7, 0)).toEqual({
      ok: true,
      value: { deleteOne: { filter: { _id: 7 } } },
    });
    expect(changeToOp(undefined, 7, 0)).toBeUndefined();
    expect(changeToOp(null, 7, 0)).toBeUndefined();
  });

  it('fails a malformed change or a replacement with another _id at the document’s index', () => {
    for (const bad of [
      { a: 1 },
      { delete: 'yes' },
      { $set: {}, a: 1 },
      'x',
      { replace: 3 },
      { replace: { _id: 8 } },
    ]) {
      const checked = changeToOp(bad, 7, 4);
      expect(checked?.ok).toBe(false);
      if (checked && !checked.ok)
        expect([checked.failure.index, checked.failure.kind]).toEqual([4, 'validation']);
    }
  });
});

describe('touchedFields', () => {
  it('lists the top-level fields of every operator, both names of a $rename, null for whole-document ops', () => {
    const update = { $set: { 'a.b': 1, c: 2 }, $inc: { d: 1 }, $unset: { e: '' }, $rename: { f: 'g.h' } };
    expect(touchedFields({ updateOne: { filter: {}, update } })).toEqual(['a', 'c', 'd', 'e', 'f', 'g']);
    expect(touchedFields({ updateOne: { filter: {}, update: [{ $set: { a: 1 } }] } })).toBeNull();
    expect(touchedFields({ replaceOne: { filter: {}, replacement: {} } })).toBeNull();
    expect(touchedFields({ deleteOne: { filter: {} } })).toBeNull();
  });
});

describe('stateHash', () => {
  it('ignores key order inside objects, tells absent from null, and differs on any value', () => {
    const doc = { _id: 1, a: { x: 1, y: 2 }, b: null };
    expect(stateHash(doc, ['a'])).toBe(stateHash({ a: { y: 2, x: 1 }, z: 9 }, ['a']));
    expect(stateHash(doc, ['b'])).not.toBe(stateHash({}, ['b']));
    expect(stateHash(doc, ['a'])).not.toBe(stateHash({ a: { x: 1, y: 3 } }, ['a']));
    expect(stateHash(undefined, null)).toBe('absent');
    expect(stateHash(doc, null)).not.toBe(stateHash({ ...doc, c: 1 }, null));
  });
});

describe('createPacer', () => {
  it('is undefined when nothing is throttled, and rejects a rate that is not > 0', () => {
    expect(createPacer({})).toBeUndefined();
    expect(() => createPacer({ maxOpsPerSecond: 0 })).toThrow(
      'Expected `maxOpsPerSecond` to be a finite number > 0',
    );
    expect(() => createPacer({ pauseMs: -1 })).toThrow('Expected `pauseMs` to be a finite number >= 0');
  });

  it('starts each batch no earlier than its ops allow at the rate since the first', async () => {
    vi.useFakeTimers();
    try {
      const pacer = createPacer({ maxOpsPerSecond: 100 })!;
      const t0 = performance.now();
      const starts: number[] = [];
      for (let i = 0; i < 4; i++) {
        const turn = pacer.take(10).then(() => starts.push(performance.now() - t0));
        await vi.advanceTimersByTimeAsync(500);
        await turn;
      }
      // 10 ops at 100/s: 100 ms apart, the first at once.
      expect(starts.map((s) => Math.round(s / 100) * 100)).toEqual([0, 500, 1000, 1500]);
      const fresh = createPacer({ maxOpsPerSecond: 100 })!;
      const at: number[] = [];
      const t1 = performance.now();
      const all = Promise.all(
        [0, 1, 2, 3].map(() => fresh.take(10).then(() => at.push(performance.now() - t1))),
      );
      await vi.advanceTimersByTimeAsync(1000);
      await all;
      expect(at.map((s) => Math.round(s))).toEqual([0, 100, 200, 300]);
    } finally {
      vi.useRealTimers();
    }
  });
});
