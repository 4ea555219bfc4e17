/**
 * Property: ops the driver would refuse on the client (a replacement with `$` keys, an update
 * without operators, an empty pipeline, a malformed op) never sink the call. For random mixes of
 * them and valid ops, bulkWrite resolves, each refused op is a validation failure at its own
 * index, and every input is in exactly one of written / failures / notAttempted — written ones
 * checked in the collection itself. Small collections and batches (< 100 ops): FerretDB updates
 * scan the collection.
 */
import fc from 'fast-check';
import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bulkWrite, defineModel } from '../../src/index.js';
import { useTestDb } from '../support/db.js';

const t = useTestDb('client_invalid_ops');
const schema = z.object({ key: z.string(), n: z.number().int() });

const validKinds = ['insert', 'update', 'replace', 'delete'] as const;
type ValidKind = (typeof validKinds)[number];

/** Ops the driver throws MongoInvalidArgumentError (or TypeError) for, before sending anything. */
const invalidOps: Record<string, (i: number) => unknown> = {
  replacementWithOperator: (i) => ({
    replaceOne: { filter: { key: `pre${i}` }, replacement: { $set: { n: i } } },
  }),
  updateWithoutOperators: (i) => ({ updateOne: { filter: { key: `pre${i}` }, update: { n: i } } }),
  emptyPipeline: (i) => ({ updateMany: { filter: { key: `pre${i}` }, update: [] } }),
  pipelineOfNonStages: (i) => ({ updateOne: { filter: { key: `pre${i}` }, update: [42] } }),
  rawStatement: (i) => ({ deleteOne: { filter: { key: `pre${i}` }, q: { key: `pre${i}` } } }),
  twoVerbs: (i) => ({
    insertOne: { document: { key: `new${i}`, n: i } },
    deleteOne: { filter: { key: `pre${i}` } },
  }),
  unknownVerb: (i) => ({ upsertOne: { filter: { key: `pre${i}` } } }),
  notAnObject: () => null,
};

function validOp(kind: ValidKind, i: number): Document {
  const filter = { key: `pre${i}` };
  if (kind === 'insert') return { insertOne: { document: { key: `new${i}`, n: i } } };
  if (kind === 'update') return { updateOne: { filter, update: { $set: { n: i } } } };
  if (kind === 'replace') return { replaceOne: { filter, replacement: { key: `pre${i}`, n: i } } };
  return { deleteOne: { filter } };
}

const slot = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...validKinds).map((kind) => ({ valid: true as const, kind })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(...Object.keys(invalidOps)).map((kind) => ({ valid: false as const, kind })),
  },
);

const scenario = fc.record({
  slots: fc.array(slot, { minLength: 1, maxLength: 20 }),
  batchSize: fc.integer({ min: 1, max: 6 }),
  ordered: fc.boolean(),
  validate: fc.boolean(),
});

describe('client-invalid ops (property)', () => {
  it('never reject the call: each is a validation failure at its index, the rest is written', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ slots, batchSize, ordered, validate }) => {
        const model = defineModel({ collection: `c${run++}`, schema, db: t.db });
        await model.collection().insertMany(slots.map((_, i) => ({ key: `pre${i}`, n: -1 })));
        const ops = slots.map((s, i) => (s.valid ? validOp(s.kind, i) : invalidOps[s.kind]!(i)));

        const report = await bulkWrite(model, ops as never[], { batchSize, ordered, validate });

        const invalid = slots.flatMap((s, i) => (s.valid ? [] : [i]));
        const stop = ordered && invalid.length > 0 ? invalid[0]! : Number.POSITIVE_INFINITY;
        expect(report.failures.map((f) => [f.index, f.kind, f.code])).toEqual(
          invalid.map((i) => [i, 'validation', 'BW_VALIDATION']),
        );
        const all = slots.map((_, i) => i);
        expect(report.notAttempted).toEqual(all.filter((i) => i > stop && slots[i]!.valid));
        // Exactly one place per input: the failures and notAttempted are disjoint, written is the rest.
        const failed = new Set(report.failures.map((f) => f.index));
        expect(report.notAttempted.filter((i) => failed.has(i))).toEqual([]);
        const written = all.filter((i) => !failed.has(i) && !report.notAttempted.includes(i));
        expect(written).toEqual(all.filter((i) => i < stop && slots[i]!.valid));

        const count = (kind: ValidKind) => written.filter((i) => slots[i]!.kind === kind).length;
        expect(report.insertedCount).toBe(count('insert'));
        expect(report.matchedCount).toBe(count('update') + count('replace'));
        expect(report.deletedCount).toBe(count('delete'));
        const stored = new Map(
          (await model.collection().find().toArray()).map((d) => [d.key as string, d.n as number]),
        );
        for (const [i, s] of slots.entries()) {
          const applied = written.includes(i);
          const kind = s.valid ? s.kind : undefined;
          expect(stored.get(`new${i}`), `new${i}`).toBe(applied && kind === 'insert' ? i : undefined);
          const pre = !applied ? -1 : kind === 'delete' ? undefined : kind === 'insert' ? -1 : i;
          expect(stored.get(`pre${i}`), `pre${i}`).toBe(pre);
        }
        await model.collection().drop();
      }),
      { numRuns: 40 },
    );
  });
});
