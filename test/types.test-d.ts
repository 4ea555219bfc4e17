/** What must and must not compile: types flow from the Zod schema to inputs, filters, updates, results. */
import type { Db, ObjectId } from 'mongodb';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  type BulkReport,
  bulkDelete,
  bulkInsert,
  bulkUpdate,
  bulkWrite,
  defineModel,
  type MigrationChange,
  migrate,
  sync,
} from '../src/index.js';

declare const db: Db;
const users = defineModel({
  collection: 'users',
  db,
  schema: z.object({
    email: z.string(),
    age: z.number().default(0),
    address: z.object({ city: z.string(), zip: z.string().optional() }).optional(),
    tags: z.array(z.string()),
  }),
  timestamps: true,
});
const orders = defineModel({
  collection: 'orders',
  db,
  schema: z.object({ _id: z.string(), total: z.number() }),
});

describe('types', () => {
  it('inputs are the schema input: defaults optional, unknown or mistyped fields rejected', () => {
    void bulkInsert(users, [{ email: 'a', tags: [] }]);
    // @ts-expect-error misspelled field
    void bulkInsert(users, [{ emial: 'a', tags: [] }]);
    // @ts-expect-error wrong value type
    void bulkInsert(users, [{ email: 1, tags: [] }]);
  });

  it('filters check field paths, dotted ones included, and value types', () => {
    void bulkUpdate(users, [
      { updateOne: { filter: { 'address.city': 'Oslo', age: { $gt: 3 } }, update: { $set: { age: 4 } } } },
    ]);
    // @ts-expect-error misspelled field in a filter
    void bulkUpdate(users, [{ updateOne: { filter: { nmae: 'x' }, update: { $set: { age: 4 } } } }]);
    // @ts-expect-error misspelled dotted path
    void bulkDelete(users, [{ deleteOne: { filter: { 'address.cty': 'x' } } }]);
    // @ts-expect-error wrong value type for a known field
    void bulkDelete(users, [{ age: 'old' }]);
  });

  it('updates check operator paths and value types', () => {
    void bulkUpdate(users, [
      {
        updateMany: {
          filter: {},
          update: { $set: { 'address.zip': '0150' }, $inc: { age: 1 }, $push: { tags: 'x' } },
        },
      },
    ]);
    // @ts-expect-error misspelled $set field
    void bulkUpdate(users, [{ updateOne: { filter: {}, update: { $set: { agee: 3 } } } }]);
    // @ts-expect-error $set value of the wrong type
    void bulkUpdate(users, [{ updateOne: { filter: {}, update: { $set: { age: 'x' } } } }]);
    // @ts-expect-error $inc on a string field
    void bulkUpdate(users, [{ updateOne: { filter: {}, update: { $inc: { email: 1 } } } }]);
    // @ts-expect-error $push onto a non-array
    void bulkUpdate(users, [{ updateOne: { filter: {}, update: { $push: { email: 'x' } } } }]);
  });

  it('bulkWrite takes each op kind with its own typing', () => {
    void bulkWrite(users, [
      { insertOne: { document: { email: 'a', tags: [] } } },
      { replaceOne: { filter: { email: 'a' }, replacement: { email: 'b', tags: [] } } },
      { deleteMany: { filter: { age: { $lt: 1 } } } },
    ]);
    // @ts-expect-error replacement missing a required field
    void bulkWrite(users, [{ replaceOne: { filter: {}, replacement: { email: 'b' } } }]);
  });

  it('report ids have the model’s _id type', () => {
    expectTypeOf(bulkInsert(users, [])).resolves.toEqualTypeOf<
      BulkReport<ObjectId, { insertOne: { document: z.input<typeof users.schema> } }>
    >();
    expectTypeOf<
      Awaited<ReturnType<typeof bulkInsert<typeof orders>>>['insertedIds'][number]
    >().toEqualTypeOf<string>();
  });

  it('bulkWrite across collections checks each op against its own model', () => {
    void bulkWrite([
      { model: users, insertOne: { document: { email: 'a', tags: [] } } },
      { model: orders, updateOne: { filter: { _id: 'o1' }, update: { $inc: { total: 1 } } } },
    ]);
    void bulkWrite([
      { model: users, insertOne: { document: { email: 'a', tags: [] } } },
      // @ts-expect-error a users field on an orders op
      { model: orders, updateOne: { filter: { _id: 'o1' }, update: { $set: { email: 'x' } } } },
    ]);
  });

  it('migrate transforms return typed changes; sync keys are the model’s paths', () => {
    const ok: MigrationChange<typeof orders> = { $set: { total: 2 } };
    // @ts-expect-error misspelled field in a migration update
    const typo: MigrationChange<typeof orders> = { $set: { totl: 2 } };
    void [ok, typo];
    void migrate(orders, { transform: (doc) => ({ replace: { _id: doc._id, total: doc.total * 2 } }) });
    void sync(users, [{ email: 'a', tags: [] }], { key: 'email' });
    // @ts-expect-error not a field of users
    void sync(users, [{ email: 'a', tags: [] }], { key: 'mail' });
  });
});
