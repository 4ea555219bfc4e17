import { describe, expect, it } from 'vitest';
import { bulkInsert, bulkUpdate, defineModel } from '../../src/index.js';
import { duplicateKeyByUpdateOps, seededUsers, user, userSchema } from '../fixtures/models.js';
import { requires, useTestDb } from '../support/db.js';

const t = useTestDb('bulk_update');

const seeded = (name: string, n = 9) => seededUsers(t.db, name, n);

describe('bulkUpdate', () => {
  it('validates $set values against their own fields and sends the valid ops', async () => {
    const users = await seeded('set_validation');
    const report = await bulkUpdate(
      users,
      [
        { updateOne: { filter: { email: 'user0@example.com' }, update: { $set: { age: 40 } } } },
        { updateOne: { filter: { email: 'user1@example.com' }, update: { $set: { age: -1 } } } },
        {
          updateOne: { filter: { email: 'user2@example.com' }, update: { $set: { 'address.city': 'Oslo' } } },
        },
        {
          updateOne: { filter: { email: 'user3@example.com' }, update: { $set: { nmae: 'typo' } as never } },
        },
        { updateMany: { filter: { age: { $lt: 3 } }, update: { $inc: { age: 100 } } } },
      ],
      // One chunk at a time: the updateMany's matches depend on op 0 having run first.
      { batchSize: 2, ordered: false, concurrency: 1 },
    );
    expect(report.failures.map((f) => [f.index, f.kind, f.message])).toEqual([
      [1, 'validation', 'update.$set.age: Too small: expected number to be >=0'],
      [3, 'validation', 'update.$set.nmae: not a field of the schema'],
    ]);
    expect(report.matchedCount).toBe(2 + 2); // ops 0 and 2, then user1 and user2 (user0 is 40 by now)
    const byEmail = async (i: number) => users.collection().findOne({ email: `user${i}@example.com` });
    expect((await byEmail(0))?.age).toBe(40);
    expect((await byEmail(1))?.age).toBe(101);
    expect((await byEmail(2))?.address?.city).toBe('Oslo');
  });

  it('validates a replacement whole and keeps its _id rules', async () => {
    const users = await seeded('replace');
    const report = await bulkUpdate(
      users,
      [
        {
          replaceOne: {
            filter: { email: 'user4@example.com' },
            replacement: { email: 'user4@example.com', name: 'Four' },
          },
        },
        {
          replaceOne: {
            filter: { email: 'user5@example.com' },
            replacement: { email: 'broken', name: 'Five' },
          },
        },
      ],
      { ordered: false },
    );
    expect(report.failures.map((f) => [f.index, f.issues?.[0]?.path])).toEqual([
      [1, ['replacement', 'email']],
    ]);
    expect(report.modifiedCount).toBe(1);
    expect(await users.collection().findOne({ email: 'user4@example.com' })).toMatchObject({
      name: 'Four',
      age: 0,
      tags: [],
    });
  });

  it('rejects an update document without operators instead of replacing by accident', async () => {
    const users = await seeded('no_operators', 2);
    const report = await bulkUpdate(users, [
      { updateOne: { filter: { email: 'user0@example.com' }, update: { name: 'oops' } as never } },
    ]);
    expect(report.failures[0]).toMatchObject({ index: 0, kind: 'validation' });
    expect((await users.collection().findOne({ email: 'user0@example.com' }))?.name).toBe('User 0');
  });

  it('upserts: counts and ids keyed by the op that created each document', async (ctx) => {
    requires(ctx, 'upsertIndexByOp');
    const users = await seeded('upserts', 3);
    const report = await bulkUpdate(
      users,
      [
        { updateOne: { filter: { email: 'user0@example.com' }, update: { $set: { age: 9 } }, upsert: true } },
        {
          updateOne: {
            filter: { email: 'new1@example.com' },
            update: { $set: { name: 'N1' } },
            upsert: true,
          },
        },
        { updateOne: { filter: { email: 'user1@example.com' }, update: { $set: { age: 9 } }, upsert: true } },
        {
          updateOne: {
            filter: { email: 'new2@example.com' },
            update: { $set: { name: 'N2' } },
            upsert: true,
          },
        },
        {
          updateOne: {
            filter: { email: 'new3@example.com' },
            update: { $set: { name: 'N3' } },
            upsert: true,
          },
        },
      ],
      { batchSize: 2, ordered: false },
    );
    expect(report.upsertedCount).toBe(3);
    expect(Object.keys(report.upsertedIds).map(Number).sort()).toEqual([1, 3, 4]);
    for (const [index, email] of [
      [1, 'new1@example.com'],
      [3, 'new2@example.com'],
      [4, 'new3@example.com'],
    ] as const) {
      const stored = await users.collection().findOne({ email });
      expect(stored?._id).toEqual(report.upsertedIds[index]);
    }
  });

  it('upserts: every upsert is counted and its document stored', async () => {
    const users = await seeded('upsert_counts', 2);
    const report = await bulkUpdate(users, [
      { updateOne: { filter: { email: 'user0@example.com' }, update: { $set: { age: 3 } }, upsert: true } },
      { updateOne: { filter: { email: 'n@example.com' }, update: { $set: { name: 'N' } }, upsert: true } },
    ]);
    expect(report).toMatchObject({ ok: true, matchedCount: 1, upsertedCount: 1 });
    expect(Object.keys(report.upsertedIds)).toHaveLength(1);
    expect(await users.collection().countDocuments({ email: 'n@example.com' })).toBe(1);
  });

  it('a failing update op is reported at its own index and an unordered run goes on', async (ctx) => {
    requires(ctx, 'perOpUpdateErrors');
    const users = await seeded('op_errors', 6);
    // user3's age is a string: $inc on it fails on the server (TypeMismatch). ($inc on a name set
    // to a number, as this test did before, succeeds on MongoDB.)
    await users.collection().updateOne({ email: 'user3@example.com' }, { $set: { age: 'old' as never } });
    const report = await bulkUpdate(
      users,
      Array.from({ length: 6 }, (_, i) => ({
        updateOne: { filter: { email: `user${i}@example.com` }, update: { $inc: { age: 1 } } },
      })),
      { batchSize: 2, ordered: false },
    );
    expect(report.failures.map((f) => [f.index, f.kind])).toEqual([[3, 'writeError']]);
    expect(report.modifiedCount).toBe(5);
  });

  it('a duplicate key caused by an update: duplicateKey at its index with the colliding keyValue', async (ctx) => {
    // FerretDB v1.24 answers it with one command error (code 1), as it does any failing update op.
    requires(ctx, 'perOpUpdateErrors');
    const users = await seeded('update_dup', 3);
    const report = await bulkUpdate(users, [...duplicateKeyByUpdateOps], { ordered: false });
    expect(report.failures.map((f) => [f.index, f.kind, f.code, f.keyValue])).toEqual([
      [1, 'duplicateKey', 11000, { email: 'user2@example.com' }],
    ]);
    expect(report).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
  });

  it('timestamps: updates set updatedAt, upserts set createdAt once', async () => {
    const model = defineModel({ collection: 'stamped', schema: userSchema, db: t.db, timestamps: true });
    await bulkInsert(model, [user(1)]);
    const before = await model.collection().findOne({ email: 'user1@example.com' });
    await new Promise((r) => setTimeout(r, 5));
    await bulkUpdate(model, [
      { updateOne: { filter: { email: 'user1@example.com' }, update: { $set: { age: 2 } } } },
      {
        updateOne: { filter: { email: 'fresh@example.com' }, update: { $set: { name: 'F' } }, upsert: true },
      },
    ]);
    const after = await model.collection().findOne({ email: 'user1@example.com' });
    expect(after!.createdAt).toEqual(before!.createdAt);
    expect(after!.updatedAt.getTime()).toBeGreaterThan(before!.updatedAt.getTime());
    const fresh = await model.collection().findOne({ email: 'fresh@example.com' });
    expect(fresh?.createdAt).toBeInstanceOf(Date);
  });
});
