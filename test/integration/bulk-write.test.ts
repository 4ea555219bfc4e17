import { describe, expect, it } from 'vitest';
import { bulkInsert, bulkWrite } from '../../src/index.js';
import { mixedUpsertOps, user, usersModel } from '../fixtures/models.js';
import { hasCapability, requires, useTestDb } from '../support/db.js';

const t = useTestDb('bulk_write');

describe('bulkWrite', () => {
  it('runs a mixed list, each op checked by the rules of its kind, failures at caller indices', async () => {
    const users = await usersModel(t.db, 'mixed');
    await bulkInsert(users, [user(0), user(1), user(2)]);
    const report = await bulkWrite(
      users,
      [
        { insertOne: { document: user(3) } },
        { insertOne: { document: { email: 'bad', name: 'x' } } },
        { updateOne: { filter: { email: 'user0@example.com' }, update: { $set: { name: 'Zero' } } } },
        { deleteOne: { filter: { email: 'user1@example.com' } } },
        { insertOne: { document: user(2) } },
        {
          replaceOne: {
            filter: { email: 'user2@example.com' },
            replacement: { email: 'user2@example.com', name: 'Two' },
          },
        },
      ],
      { batchSize: 2, ordered: false },
    );
    expect(report.failures.map((f) => [f.index, f.kind])).toEqual([
      [1, 'validation'],
      [4, 'duplicateKey'],
    ]);
    expect(report).toMatchObject({ insertedCount: 1, matchedCount: 2, modifiedCount: 2, deletedCount: 1 });
    expect(Object.keys(report.insertedIds)).toEqual(['0']);
    expect(await users.collection().countDocuments()).toBe(3);
  });

  it('a mixed unordered batch: upserted ids keyed by their own ops, not by the inserts the driver moved out', async (ctx) => {
    requires(ctx, 'upsertIndexByOp');
    const users = await usersModel(t.db, 'mixed_upserts');
    await bulkInsert(users, [user(0)]);
    const report = await bulkWrite(users, [...mixedUpsertOps], { ordered: false });
    expect(report).toMatchObject({ ok: true, insertedCount: 1, matchedCount: 1, upsertedCount: 2 });
    expect(Object.keys(report.insertedIds)).toEqual(['1']);
    const idOf = async (email: string) => (await users.collection().findOne({ email }))?._id;
    expect(report.upsertedIds).toEqual({ 0: await idOf('m1@example.com'), 3: await idOf('m2@example.com') });
  });

  it('atomic: a failure rolls back the whole call', async (ctx) => {
    requires(ctx, 'transactions');
    const users = await usersModel(t.db, 'atomic_rollback');
    await bulkInsert(users, [user(5)]);
    const report = await bulkWrite(
      users,
      Array.from({ length: 8 }, (_, i) => ({ insertOne: { document: user(i) } })),
      { atomic: true, batchSize: 3 },
    );
    expect(report.rolledBack).toBe(true);
    expect(report.ok).toBe(false);
    expect(report.failures.map((f) => [f.index, f.kind])).toEqual([[5, 'duplicateKey']]);
    expect(report.notAttempted).toEqual([0, 1, 2, 3, 4, 6, 7]);
    expect(report.insertedCount).toBe(0);
    expect(await users.collection().countDocuments()).toBe(1);
  });

  it('atomic: all ops commit together when none fails', async (ctx) => {
    requires(ctx, 'transactions');
    const users = await usersModel(t.db, 'atomic_commit');
    const report = await bulkWrite(
      users,
      Array.from({ length: 5 }, (_, i) => ({ insertOne: { document: user(i) } })),
      { atomic: true, batchSize: 2 },
    );
    expect(report).toMatchObject({ ok: true, insertedCount: 5 });
    expect(await users.collection().countDocuments()).toBe(5);
  });

  it('atomic on a server without transactions fails with a clear error before writing', async (ctx) => {
    if (hasCapability('transactions')) ctx.skip('the server offers transactions, so this error cannot occur');
    const users = await usersModel(t.db, 'atomic_unsupported');
    await expect(
      bulkWrite(users, [{ insertOne: { document: user(1) } }], { atomic: true }),
    ).rejects.toMatchObject({
      code: 'BW_TRANSACTIONS_UNSUPPORTED',
    });
    expect(await users.collection().countDocuments()).toBe(0);
  });
});
