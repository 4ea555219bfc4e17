/**
 * The loose model (the CLI's without --model): its schema is built on first read, from the
 * CommonJS copy of Zod, and everything that walks schemas reads it like any other, since schemas
 * are told apart by their definition type, not by class.
 */
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { defineModel, isLooseModel, looseModel } from '../../src/model/define-model.js';
import { schemaAtPath } from '../../src/plan/schema-at-path.js';

const cjsZod = (createRequire(import.meta.url)('zod') as typeof import('zod')).z;

it('a loose model and its bound copies are known as loose; a defined model is not', () => {
  const loose = looseModel('things');
  expect(isLooseModel(loose)).toBe(true);
  expect(isLooseModel(loose.bind({ collection: () => undefined } as never, 'other'))).toBe(true);
  expect(isLooseModel(defineModel({ collection: 'things', schema: z.object({ a: z.number() }) }))).toBe(
    false,
  );
});

it('the loose schema accepts any object unchanged', () => {
  const doc = { a: 1, nested: { b: [1, 2] } };
  expect(looseModel('things').schema.parse(doc)).toEqual(doc);
  expect(schemaAtPath(looseModel('things').schema, 'any.path')).toEqual({ open: true });
});

it('update paths resolve the same in a schema from either copy of Zod', () => {
  for (const zod of [z, cjsZod] as const) {
    const schema = zod.object({
      name: zod.string().optional(),
      tags: zod.array(zod.string()),
      scores: zod.record(zod.string(), zod.number()).nullable(),
      meta: zod.object({}).catchall(zod.number()),
      extra: zod.object({}).loose(),
    });
    const at = (path: string) => {
      const found = schemaAtPath(schema as never, path);
      return found && 'schema' in found ? found.schema._zod.def.type : found;
    };
    expect(at('name')).toBe('optional');
    expect(at('tags.0')).toBe('string');
    expect(at('tags.$[]')).toBe('string');
    expect(at('scores.math')).toBe('number');
    expect(at('meta.x')).toBe('number');
    expect(at('extra.anything')).toEqual({ open: true });
    expect(at('missing')).toBeUndefined();
  }
});

it('defineModel takes a Zod object schema from either copy, and refuses anything else', () => {
  expect(() =>
    defineModel({ collection: 'c', schema: cjsZod.object({ a: cjsZod.number() }) as never }),
  ).not.toThrow();
  expect(() => defineModel({ collection: 'c', schema: z.string() as never })).toThrow(/Zod object schema/);
  expect(() =>
    defineModel({ collection: 'c', schema: { _zod: { def: { type: 'object' } } } as never }),
  ).toThrow(/Zod object schema/);
});
