/**
 * Property: whatever the chunk size, order mode, and positions of invalid inputs and duplicate
 * keys, every caller index lands in exactly one of written / failures / notAttempted, at its own
 * index, with the right kind — checked against the real server.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bulkInsert, defineModel } from '../../src/index.js';
import { useTestDb } from '../support/db.js';

const t = useTestDb('index_mapping');
const schema = z.object({ key: z.string(), n: z.number().int() });

const scenario = fc.integer({ min: 1, max: 40 }).chain((size) =>
  fc.record({
    size: fc.constant(size),
    batchSize: fc.integer({ min: 1, max: 7 }),
    ordered: fc.boolean(),
    concurrency: fc.integer({ min: 1, max: 4 }),
    invalid: fc.uniqueArray(fc.integer({ min: 0, max: size - 1 }), { maxLength: 6 }),
    duplicate: fc.uniqueArray(fc.integer({ min: 0, max: size - 1 }), { maxLength: 6 }),
  }),
);

describe('index mapping (property)', () => {
  it('maps every outcome to the caller index it came from', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ size, batchSize, ordered, concurrency, invalid, duplicate }) => {
        const model = defineModel({
          collection: `p${run++}`,
          schema,
          db: t.db,
          indexes: [{ key: { key: 1 }, unique: true }],
        });
        await model.ensureIndexes();
        const bad = new Set(invalid);
        const dup = new Set(duplicate.filter((i) => !bad.has(i)));
        if (dup.size > 0) await model.collection().insertMany([...dup].map((i) => ({ key: `k${i}`, n: -1 })));
        const docs = Array.from({ length: size }, (_, i) =>
          bad.has(i) ? { key: i, n: i } : { key: `k${i}`, n: i },
        );

        const report = await bulkInsert(model, docs as never[], { batchSize, ordered, concurrency });

        const failing = [...bad, ...dup].sort((a, b) => a - b);
        const stop = ordered && failing.length > 0 ? failing[0]! : Number.POSITIVE_INFINITY;
        const expectedFailures = failing
          .filter((i) => bad.has(i) || i <= stop)
          .map((i) => [i, bad.has(i) ? 'validation' : 'duplicateKey']);
        const expectedNotAttempted = Array.from({ length: size }, (_, i) => i).filter(
          (i) => i > stop && !bad.has(i),
        );
        const expectedInserted = Array.from({ length: size }, (_, i) => i).filter(
          (i) => i < stop && !bad.has(i) && !dup.has(i),
        );

        expect(report.failures.map((f) => [f.index, f.kind])).toEqual(expectedFailures);
        expect(report.notAttempted).toEqual(expectedNotAttempted);
        expect(Object.keys(report.insertedIds).map(Number)).toEqual(expectedInserted);
        expect(report.insertedCount).toBe(expectedInserted.length);
        const stored = await model
          .collection()
          .find({ n: { $gte: 0 } }, { projection: { n: 1 } })
          .toArray();
        expect(stored.map((d) => d.n).sort((a, b) => a - b)).toEqual(expectedInserted);
        await model.collection().drop();
      }),
      { numRuns: 40 },
    );
  });
});
