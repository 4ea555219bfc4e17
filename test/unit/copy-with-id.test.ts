/** The compiled copy an insert's document goes through: the same result as `{ _id, ...doc }`. */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { BSON, ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { idCopier } from '../../src/plan/copy-with-id.js';

const spread = (doc: Record<string, unknown>, id: unknown): Record<string, unknown> => ({ _id: id, ...doc });

describe('idCopier', () => {
  it('copies each document with its _id first and leaves the caller object untouched', () => {
    const copy = idCopier();
    const docs = [
      { a: 1, b: 'x', c: { d: [1, 2] } },
      { a: 2, b: 'y', c: { d: [] } },
    ];
    const before = structuredClone(docs);
    for (const doc of docs) {
      const id = new ObjectId();
      const copied = copy(doc, id);
      expect(Object.keys(copied)).toEqual(['_id', 'a', 'b', 'c']);
      expect(copied).toEqual({ _id: id, ...doc });
      expect(copied).not.toBe(doc);
      expect(copied.c).toBe(doc.c);
    }
    expect(docs).toEqual(before);
  });

  it('a document of another shape than the first gets exactly what the spread gives', () => {
    const key = fc.oneof(
      fc.constantFrom('a', 'b', 'c', '0', '7', '__proto__', '_id', 'constructor'),
      fc.string(),
    );
    const doc = fc.dictionary(key, fc.oneof(fc.integer(), fc.string(), fc.constant(undefined)), {
      maxKeys: 8,
    });
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 6 }), (docs) => {
        const copy = idCopier();
        // The first document's shape again, other values: the compiled literal, not the spread.
        const again = Object.fromEntries(Object.entries(docs[0]!).map(([k, v]) => [k, `${String(v)}!`]));
        for (const d of [...docs, again]) {
          const a = copy(d, 1);
          const b = spread(d, 1);
          expect(Reflect.ownKeys(a)).toEqual(Reflect.ownKeys(b));
          expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
          for (const k of Reflect.ownKeys(b)) expect(a[k as string]).toBe(b[k as string]);
        }
      }),
    );
  });

  it('an own __proto__ field stays a field and never becomes the prototype', () => {
    const doc = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const copy = idCopier();
    for (const d of [doc, doc]) {
      const copied = copy(d, 1);
      expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
      expect(Object.hasOwn(copied, '__proto__')).toBe(true);
      expect((copied as { polluted?: unknown }).polluted).toBeUndefined();
    }
  });

  it('a key that looks like code is copied as a field, never run', () => {
    const nasty = '"]: 0, x: process.exit(1), ["';
    const copy = idCopier();
    const doc = { [nasty]: 1, 'a\u2028b': 2, "it's": 3 };
    expect(copy(doc, 1)).toEqual({ _id: 1, ...doc });
    expect(copy({ ...doc }, 2)).toEqual({ _id: 2, ...doc });
  });

  it('shapes are told apart by their keys exactly, across calls', () => {
    expect(idCopier()({ a: 1, b: 2 }, 1)).toEqual({ _id: 1, a: 1, b: 2 });
    const joined = { 'a\0b': 3 };
    expect(idCopier()(joined, 2)).toEqual({ _id: 2, 'a\0b': 3 });
  });

  it('writes the same BSON as the spread, symbol keys included (BSON skips them)', () => {
    const copy = idCopier();
    const id = new ObjectId();
    const first = { a: 1, b: 2 };
    const symbolled = { a: 3, b: 4, [Symbol('s')]: 5 };
    expect(BSON.serialize(copy(first, id))).toEqual(BSON.serialize(spread(first, id)));
    expect(BSON.serialize(copy(symbolled, id))).toEqual(BSON.serialize(spread(symbolled, id)));
  });

  it('where code cannot be compiled, documents are still copied (by the spread)', () => {
    const script = [
      "const { idCopier } = await import('./src/plan/copy-with-id.ts');",
      "try { new Function(''); console.log('compiles'); } catch { console.log('refused'); }",
      'const copy = idCopier();',
      'const out = [copy({ a: 1 }, 1), copy({ a: 2 }, 2)];',
      'console.log(JSON.stringify(out));',
    ].join('\n');
    const out = execFileSync(
      process.execPath,
      ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    );
    const [generation, copies] = out.trim().split('\n');
    expect(generation).toBe('refused');
    expect(JSON.parse(copies!)).toEqual([
      { _id: 1, a: 1 },
      { _id: 2, a: 2 },
    ]);
  });
});
