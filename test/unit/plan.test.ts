import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ErrorCode } from '../../src/core/codes.js';
import { resolveOptions, resolveRetry } from '../../src/plan/options.js';
import { schemaAtPath } from '../../src/plan/schema-at-path.js';
import { isReplaySafe } from '../../src/report/classify.js';
import { positionId } from '../../src/stream/record-op.js';
import { Watermark } from '../../src/stream/watermark.js';

describe('options', () => {
  it('defaults to ordered, sequential, validated, no retry', () => {
    expect(resolveOptions(undefined)).toMatchObject({
      ordered: true,
      concurrency: 1,
      validate: true,
      retry: { attempts: 1 },
    });
    expect(resolveOptions({ ordered: false }).concurrency).toBe(4);
  });

  it.each([
    [{ ordered: 'yes' }, 'Expected `ordered` to be a boolean, got "yes" (string)'],
    [{ batchSize: -1 }, 'Expected `batchSize` to be an integer >= 1, got -1 (number)'],
    [{ concurrency: 0 }, 'Expected `concurrency` to be an integer >= 1, got 0 (number)'],
    [{ onProgress: 3 }, 'Expected `onProgress` to be a function, got 3 (number)'],
    [{ retry: { attempts: 0 } }, 'Expected `retry.attempts` to be an integer >= 1, got 0 (number)'],
    [
      { retry: 'always' },
      'Expected `retry` to be a boolean or { attempts, delayMs, backoff }, got "always" (string)',
    ],
  ])('rejects %j naming the option, the expectation and the value', (options, message) => {
    expect(() => resolveOptions(options as never)).toThrow(message);
  });

  it.each([
    [{ orderd: false }, 'Unknown option `orderd`'],
    [{ retry: { attemps: 2 } }, 'Unknown option `attemps`'],
  ])('refuses the unknown option name in %j, with code BW_INVALID_OPTION', (options, message) => {
    expect(() => resolveOptions(options as never)).toThrow(message);
    expect(() => resolveOptions(options as never)).toThrow(
      expect.objectContaining({ name: 'BulkwrightError', code: ErrorCode.InvalidOption }),
    );
  });

  it('gives option errors the code BW_INVALID_OPTION', () => {
    expect(() => resolveOptions({ batchSize: 0 })).toThrow(
      expect.objectContaining({ code: 'BW_INVALID_OPTION' }),
    );
  });

  it('retry: true means 3 attempts with backoff', () => {
    expect(resolveRetry(true)).toEqual({ attempts: 3, delayMs: 100, backoff: 2, maxDelayMs: 5000 });
  });
});

describe('schemaAtPath', () => {
  const schema = z.object({
    name: z.string(),
    address: z.object({ city: z.string() }).optional(),
    items: z.array(z.object({ qty: z.number() })).default([]),
    scores: z.record(z.string(), z.number()),
    extra: z.object({}).loose(),
  });
  it.each([
    ['name', 'string'],
    ['address.city', 'string'],
    ['items.0.qty', 'number'],
    ['items.$.qty', 'number'],
    ['items.$[].qty', 'number'],
    ['items.$[elem].qty', 'number'],
    ['scores.math', 'number'],
  ])('finds the schema of %s', (path, type) => {
    const found = schemaAtPath(schema, path);
    expect(found && 'schema' in found && found.schema.def.type).toBe(type);
  });
  it('says a path is open below a loose object, and unknown where the schema has no such field', () => {
    expect(schemaAtPath(schema, 'extra.anything')).toEqual({ open: true });
    expect(schemaAtPath(schema, 'nmae')).toBeUndefined();
    expect(schemaAtPath(schema, 'address.cty')).toBeUndefined();
    expect(schemaAtPath(schema, 'name.first')).toBeUndefined();
  });
});

describe('isReplaySafe', () => {
  it.each([
    [{ insertOne: { document: { _id: 1 } } }, true],
    [{ replaceOne: { filter: { a: 1 }, replacement: {} } }, true],
    [{ updateOne: { filter: {}, update: { $set: { a: 1 }, $setOnInsert: { b: 1 } } } }, true],
    [{ updateMany: { filter: {}, update: { $addToSet: { tags: 'x' } } } }, true],
    [{ updateOne: { filter: {}, update: { $inc: { n: 1 } } } }, false],
    [{ updateOne: { filter: {}, update: { $push: { tags: 'x' } } } }, false],
    [{ updateOne: { filter: {}, update: [{ $set: { n: { $add: ['$n', 1] } } }] } }, false],
    [{ deleteMany: { filter: { a: 1 } } }, true],
    [{ deleteOne: { filter: { _id: 3 } } }, true],
    [{ deleteOne: { filter: { a: 1 } } }, false],
    [{ deleteOne: { filter: { _id: { $gt: 3 } } } }, false],
  ])('%j → %s', (op, safe) => {
    expect(isReplaySafe(op as never)).toBe(safe);
  });
});

describe('Watermark', () => {
  it('moves only over a contiguous prefix of acknowledged batches', () => {
    const w = new Watermark(10);
    w.complete(1, 30);
    expect(w.value).toBe(10);
    w.complete(0, 20);
    expect(w.value).toBe(30);
    w.complete(3, 50);
    w.complete(2, 40);
    expect(w.value).toBe(50);
  });

  it('counts only the batches of the acknowledged prefix (a checkpoint must not count what a resume replays)', () => {
    const w = new Watermark(0);
    w.complete(1, 20, { written: 9, rejected: 1 });
    expect(w.counts).toEqual({ written: 0, rejected: 0 });
    w.complete(0, 10, { written: 10, rejected: 0 });
    expect(w.counts).toEqual({ written: 19, rejected: 1 });
  });
});

describe('positionId', () => {
  it('is the same for the same source and position, and differs otherwise', () => {
    expect(positionId('a.ndjson', 7).equals(positionId('a.ndjson', 7))).toBe(true);
    expect(positionId('a.ndjson', 7).equals(positionId('a.ndjson', 8))).toBe(false);
    expect(positionId('a.ndjson', 7).equals(positionId('b.ndjson', 7))).toBe(false);
  });
});
