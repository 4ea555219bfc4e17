import { describe, expect, it } from 'vitest';
import { bulkDelete, bulkInsert, defineModel } from '../../src/index.js';
import { user, userSchema, usersModel } from '../fixtures/models.js';
import { useTestDb } from '../support/db.js';

const t = useTestDb('bulk_delete');

describe('bulkDelete', () => {
  it('deletes by ops and by bare filters (each bare filter deletes at most one)', async () => {
    const users = await usersModel(t.db, 'hard');
    await bulkInsert(
      users,
      Array.from({ length: 8 }, (_, i) => user(i, { age: i < 4 ? 1 : 2 })),
    );
    const report = await bulkDelete(
      users,
      [{ email: 'user0@example.com' }, { deleteMany: { filter: { age: 2 } } }, { age: 1 }],
      {
        batchSize: 2,
      },
    );
    expect(report).toMatchObject({ ok: true, deletedCount: 1 + 4 + 1 });
    expect(await users.collection().countDocuments()).toBe(2);
  });

  it('on a soft-delete model sets deletedAt, counts each document once, and hard: true removes', async () => {
    const model = defineModel({ collection: 'soft', schema: userSchema, db: t.db, softDelete: true });
    await bulkInsert(
      model,
      Array.from({ length: 5 }, (_, i) => user(i)),
    );
    const soft = await bulkDelete(model, [
      { email: 'user0@example.com' },
      { deleteMany: { filter: { age: { $lt: 3 } } } },
    ]);
    expect(soft.deletedCount).toBe(3);
    expect(await model.collection().countDocuments()).toBe(5);
    expect(await model.collection().countDocuments({ deletedAt: { $type: 'date' } })).toBe(3);
    const again = await bulkDelete(model, [{ email: 'user0@example.com' }]);
    expect(again.deletedCount).toBe(0);

    const hard = await bulkDelete(model, [{ deleteMany: { filter: { deletedAt: { $ne: null } } } }], {
      hard: true,
    });
    expect(hard.deletedCount).toBe(3);
    expect(await model.collection().countDocuments()).toBe(2);
  });

  it('rejects a malformed op at its index without sending it', async () => {
    const users = await usersModel(t.db, 'malformed');
    await bulkInsert(users, [user(1)]);
    const report = await bulkDelete(
      users,
      [{ deleteOne: { filter: 'nope' } } as never, { email: 'user1@example.com' }],
      {
        ordered: false,
      },
    );
    expect(report.failures.map((f) => [f.index, f.kind])).toEqual([[0, 'validation']]);
    expect(report.deletedCount).toBe(1);
  });
});
