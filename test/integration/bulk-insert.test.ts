import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { BulkReportError, BulkWriteFailure, bulkInsert, defineModel } from '../../src/index.js';
import { user, userSchema, usersModel } from '../fixtures/models.js';
import { useTestDb } from '../support/db.js';

const t = useTestDb('bulk_insert');

describe('bulkInsert', () => {
  it('writes valid documents across chunks and reports invalid ones at their own index, unsent', async () => {
    const users = await usersModel(t.db, 'valid_mix');
    const docs: unknown[] = Array.from({ length: 10 }, (_, i) => user(i));
    docs[2] = { email: 'not-an-email', name: 'x' };
    docs[8] = { email: 'user8@example.com', name: '' };
    const report = await bulkInsert(users, docs as never[], { batchSize: 3, ordered: false });

    expect(report.ok).toBe(false);
    expect(report.insertedCount).toBe(8);
    expect(report.failures.map((f) => [f.index, f.kind, f.retryable])).toEqual([
      [2, 'validation', false],
      [8, 'validation', false],
    ]);
    expect(report.failures[0]!.issues?.[0]?.path).toEqual(['email']);
    expect(report.failures[1]!.message).toMatch(/^name: /);
    expect(Object.keys(report.insertedIds).map(Number)).toEqual([0, 1, 3, 4, 5, 6, 7, 9]);
    expect(report.stats.batches).toBeGreaterThanOrEqual(3);
    const stored = await users
      .collection()
      .find({}, { projection: { email: 1 } })
      .toArray();
    expect(stored.map((d) => d.email).sort()).toEqual(
      [0, 1, 3, 4, 5, 6, 7, 9].map((i) => `user${i}@example.com`).sort(),
    );
    // insertedIds are the stored _ids, per caller index
    const stored3 = await users.collection().findOne({ email: 'user3@example.com' });
    expect(stored3?._id).toEqual(report.insertedIds[3]);
  });

  it('applies schema defaults and never mutates the caller’s objects', async () => {
    const users = await usersModel(t.db, 'defaults');
    const input = { email: 'd@example.com', name: 'D' };
    const report = await bulkInsert(users, [input]);
    expect(report.ok).toBe(true);
    expect(input).toEqual({ email: 'd@example.com', name: 'D' });
    const stored = await users.collection().findOne({ email: 'd@example.com' });
    expect(stored).toMatchObject({ age: 0, tags: [] });
    expect(stored?._id).toBeInstanceOf(ObjectId);
  });

  it('ordered: stops at the first duplicate and lists exactly the inputs it never sent', async () => {
    const users = await usersModel(t.db, 'ordered_stop');
    await users.collection().insertOne({ ...user(4), age: 1, tags: [] } as never);
    const docs = Array.from({ length: 10 }, (_, i) => user(i));
    const report = await bulkInsert(users, docs, { batchSize: 3, ordered: true });

    expect(report.insertedCount).toBe(4);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatchObject({
      index: 4,
      kind: 'duplicateKey',
      code: 11000,
      retryable: false,
      applied: 'no',
    });
    expect(report.notAttempted).toEqual([5, 6, 7, 8, 9]);
    expect(await users.collection().countDocuments()).toBe(5);
  });

  it('ordered: stops at the first invalid input without sending anything after it', async () => {
    const users = await usersModel(t.db, 'ordered_invalid');
    const docs: unknown[] = Array.from({ length: 9 }, (_, i) => user(i));
    docs[5] = { name: 'no email' };
    const report = await bulkInsert(users, docs as never[], { batchSize: 2 });
    expect(report.insertedCount).toBe(5);
    expect(report.failures.map((f) => f.index)).toEqual([5]);
    expect(report.notAttempted).toEqual([6, 7, 8]);
    expect(await users.collection().countDocuments()).toBe(5);
  });

  it('unordered: goes on past duplicates in every chunk and reports each at the caller’s index', async () => {
    const users = await usersModel(t.db, 'unordered_dups');
    await users
      .collection()
      .insertMany([user(1), user(7), user(12)].map((u) => ({ ...u, tags: [] })) as never[]);
    const docs = Array.from({ length: 15 }, (_, i) => user(i));
    docs.push(user(3)); // a duplicate of an input in the same call (index 15)
    const report = await bulkInsert(users, docs, { batchSize: 4, ordered: false, concurrency: 3 });

    // Inputs 3 and 15 collide with each other; chunks run concurrently, so either may land first.
    const inCall = report.failures.find((f) => f.index === 3 || f.index === 15)!.index;
    expect(report.failures.map((f) => [f.index, f.kind])).toEqual(
      [1, 7, 12, inCall].sort((a, b) => a - b).map((index) => [index, 'duplicateKey']),
    );
    expect(report.insertedIds[inCall === 3 ? 15 : 3]).toBeDefined();
    expect(report.insertedCount).toBe(12);
    expect(report.notAttempted).toEqual([]);
    expect(await users.collection().countDocuments()).toBe(15);
  });

  it('keeps a caller-supplied _id even when the schema does not declare one', async () => {
    const users = await usersModel(t.db, 'own_ids');
    const id = new ObjectId();
    const report = await bulkInsert(users, [{ ...user(1), _id: id } as never]);
    expect(report.insertedIds[0]).toEqual(id);
    expect(await users.collection().countDocuments({ _id: id })).toBe(1);
  });

  it('validate: false sends documents as given, with only an _id added', async () => {
    const users = await usersModel(t.db, 'no_validate');
    const report = await bulkInsert(users, [{ email: 'raw', name: 'R', extra: true } as never], {
      validate: false,
    });
    expect(report.ok).toBe(true);
    expect(await users.collection().findOne({ email: 'raw' })).toMatchObject({ extra: true });
  });

  it('a document over 16 MiB fails alone, at its index; the rest of its chunk is written', async () => {
    const users = await usersModel(t.db, 'too_large');
    const docs = Array.from({ length: 6 }, (_, i) => user(i));
    docs[3] = user(3, { name: 'x'.repeat(17 * 1024 * 1024) });
    const report = await bulkInsert(users, docs, { batchSize: 3, ordered: false });
    expect(report.failures.map((f) => [f.index, f.kind, f.code])).toEqual([
      [3, 'invalidDocument', 'BW_DOCUMENT_TOO_LARGE'],
    ]);
    expect(report.insertedCount).toBe(5);
    expect(await users.collection().countDocuments()).toBe(5);
  });

  it('ordered: a document over 16 MiB stops the run there', async () => {
    const users = await usersModel(t.db, 'too_large_ordered');
    const docs = Array.from({ length: 6 }, (_, i) => user(i));
    docs[4] = user(4, { name: 'x'.repeat(17 * 1024 * 1024) });
    const report = await bulkInsert(users, docs, { batchSize: 3 });
    expect(report.failures.map((f) => f.index)).toEqual([4]);
    expect(report.notAttempted).toEqual([5]);
    expect(report.insertedCount).toBe(4);
  });

  it('throwOnFailure throws one BulkReportError carrying the whole report', async () => {
    const users = await usersModel(t.db, 'throws');
    const error = await bulkInsert(users, [user(1), { email: 'bad' } as never], {
      throwOnFailure: true,
      ordered: false,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BulkReportError);
    expect(BulkWriteFailure).toBe(BulkReportError); // the deprecated alias
    const failure = error as BulkReportError;
    expect(failure.code).toBe('BW_BULK_WRITE_FAILED');
    expect(failure.report.insertedCount).toBe(1);
    expect(failure.report.failures[0]!.index).toBe(1);
    expect(failure.message).toMatch(/index 1/);
  });

  it('timestamps and hooks: hooks see validated documents, the library sets createdAt/updatedAt', async () => {
    const model = defineModel({
      collection: 'hooked',
      schema: userSchema,
      db: t.db,
      timestamps: true,
      hooks: {
        beforeInsert: async (doc) => {
          if (doc.name === 'boom') throw new Error('refused by hook');
          return { ...doc, name: doc.name.toUpperCase() };
        },
      },
    });
    const report = await bulkInsert(model, [user(1), user(2, { name: 'boom' })], { ordered: false });
    expect(report.failures.map((f) => [f.index, f.kind, f.message])).toEqual([
      [1, 'hook', 'hook threw: refused by hook'],
    ]);
    const stored = await model.collection().findOne({ email: 'user1@example.com' });
    expect(stored?.name).toBe('USER 1');
    expect(stored?.createdAt).toBeInstanceOf(Date);
    expect(stored?.updatedAt).toEqual(stored?.createdAt);
  });

  it('reports progress after every batch, counting inputs settled without a round trip', async () => {
    const users = await usersModel(t.db, 'progress');
    const seen: [number, number][] = [];
    const docs: unknown[] = Array.from({ length: 8 }, (_, i) => user(i));
    docs[1] = { email: 'invalid' };
    await bulkInsert(users, docs as never[], {
      batchSize: 3,
      ordered: false,
      concurrency: 1,
      onProgress: (p) => seen.push([p.done, p.total]),
    });
    expect(seen).toEqual([
      [4, 8],
      [7, 8],
      [8, 8],
    ]);
  });

  it('sends chunks of 1,000 by default, whatever the call holds', async () => {
    const users = await usersModel(t.db, 'default_chunks');
    const seen: number[] = [];
    const report = await bulkInsert(
      users,
      Array.from({ length: 2500 }, (_, i) => user(i)),
      { onProgress: (p) => seen.push(p.done) },
    );
    expect(report.insertedCount).toBe(2500);
    expect(seen).toEqual([1000, 2000, 2500]);
  });

  it('checks options before any I/O, naming the option and what it got', async () => {
    const users = await usersModel(t.db, 'options');
    await expect(bulkInsert(users, [user(1)], { batchSize: 0 })).rejects.toThrow(
      'Expected `batchSize` to be an integer >= 1, got 0 (number)',
    );
    await expect(bulkInsert(users, [user(1)], { concurrency: 1.5 })).rejects.toThrow(/`concurrency`/);
    await expect(bulkInsert(users, [user(1)], { batchSize: 10_000_000 })).rejects.toThrow(
      /`batchSize` to be an integer from 1 to/,
    );
    expect(await users.collection().countDocuments()).toBe(0);
  });

  it('an unbound model fails with a message saying how to bind it', async () => {
    const unbound = defineModel({ collection: 'x', schema: userSchema });
    await expect(bulkInsert(unbound, [user(1)])).rejects.toThrow(/not bound to a database/);
  });
});
