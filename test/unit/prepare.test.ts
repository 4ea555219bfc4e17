/** Planning without a server: every input becomes an op at its own index, or a failure there. */
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineModel } from '../../src/index.js';
import { prepare } from '../../src/plan/prepare.js';

const schema = z.object({ email: z.email(), age: z.number().int().min(0).default(0) });
const plain = defineModel({ collection: 'u', schema });
const options = { validate: true, hooks: true };

describe('prepare', () => {
  it('inserts: valid inputs planned at their own index with a client _id, invalid ones failed at theirs', async () => {
    const plan = await prepare(
      plain,
      [{ email: 'a@example.com' }, { email: 'nope' }, { email: 'c@example.com', _id: 7 }],
      'insert',
      options,
    );
    expect(plan.total).toBe(3);
    expect(plan.ops.map((p) => p.index)).toEqual([0, 2]);
    const first = plan.ops[0]!.op as { insertOne: { document: Record<string, unknown> } };
    expect(first.insertOne.document).toMatchObject({ email: 'a@example.com', age: 0 });
    expect(first.insertOne.document._id).toBeInstanceOf(ObjectId);
    expect((plan.ops[1]!.op as { insertOne: { document: { _id: unknown } } }).insertOne.document._id).toBe(7);
    expect(plan.failures.map((f) => [f.index, f.kind, f.code, f.applied, f.retryable])).toEqual([
      [1, 'validation', 'BW_VALIDATION', 'no', false],
    ]);
  });

  it('a verb the call does not take is a validation failure at its index, not a throw', async () => {
    const plan = await prepare(
      plain,
      [
        { updateOne: { filter: { email: 'a@example.com' }, update: { $set: { age: 1 } } } },
        { deleteOne: { filter: { email: 'a@example.com' } } },
        { updateOne: { filter: { email: 'a@example.com' }, update: { $set: { age: -1 } } } },
      ],
      'update',
      options,
    );
    expect(plan.ops.map((p) => p.index)).toEqual([0]);
    expect(plan.failures.map((f) => [f.index, f.kind, f.issues?.[0]?.path])).toEqual([
      [1, 'validation', []],
      [2, 'validation', ['update', '$set', 'age']],
    ]);
  });

  it('bulkDelete takes bare filters (one document each); a soft-delete model turns deletes into updates', async () => {
    const hard = await prepare(plain, [{ email: 'a@example.com' }], 'delete', options);
    expect(hard.ops).toEqual([{ index: 0, op: { deleteOne: { filter: { email: 'a@example.com' } } } }]);
    const soft = defineModel({ collection: 's', schema, softDelete: true });
    const plan = await prepare(soft, [{ deleteMany: { filter: { age: 1 } } }], 'delete', options);
    expect(plan.ops[0]).toMatchObject({
      index: 0,
      op: {
        updateMany: {
          filter: { age: 1, deletedAt: null },
          update: { $set: { deletedAt: expect.any(Date) } },
        },
      },
    });
  });

  it('pipeline updates, arrayFilters and collation (refused by FerretDB) are planned as given; timestamps append to a pipeline', async () => {
    const stamped = defineModel({ collection: 't', schema, timestamps: true });
    const pipeline = [{ $set: { age: { $add: ['$age', 1] } } }];
    const collation = { locale: 'en', strength: 2 };
    const plan = await prepare(
      stamped,
      [
        { updateMany: { filter: {}, update: pipeline } },
        {
          updateOne: {
            filter: { email: 'a@example.com' },
            update: { $set: { age: 3 } },
            arrayFilters: [{ 'x.a': 1 }],
            collation,
          },
        },
      ],
      'update',
      options,
    );
    expect(plan.failures).toEqual([]);
    expect(plan.ops[0]!.op).toEqual({
      updateMany: { filter: {}, update: [...pipeline, { $set: { updatedAt: expect.any(Date) } }] },
    });
    expect(plan.ops[1]!.op).toMatchObject({
      updateOne: {
        arrayFilters: [{ 'x.a': 1 }],
        collation,
        update: { $set: { age: 3, updatedAt: expect.any(Date) } },
      },
    });
  });

  it('a hook that throws fails its own input only', async () => {
    const hooked = defineModel({
      collection: 'h',
      schema,
      hooks: {
        beforeInsert: (doc) => {
          if (doc.email === 'b@example.com') throw new Error('no b');
          return doc;
        },
      },
    });
    const plan = await prepare(
      hooked,
      [{ email: 'a@example.com' }, { email: 'b@example.com' }, { email: 'c@example.com' }],
      'insert',
      options,
    );
    expect(plan.ops.map((p) => p.index)).toEqual([0, 2]);
    expect(plan.failures.map((f) => [f.index, f.kind, f.message])).toEqual([[1, 'hook', 'hook threw: no b']]);
  });

  it('validate: false still copies, gives an _id, and fails a non-object at its index', async () => {
    const input = { email: 'not checked' };
    const plan = await prepare(plain, [input, 'text'], 'insert', { validate: false, hooks: false });
    expect(plan.ops).toHaveLength(1);
    expect(input).toEqual({ email: 'not checked' });
    expect(plan.failures.map((f) => [f.index, f.issues?.[0]?.message])).toEqual([
      [1, 'expected a document (object), received string'],
    ]);
  });
});
