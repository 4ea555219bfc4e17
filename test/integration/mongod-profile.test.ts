/**
 * Twins of the tests that skip on FerretDB (`requires(...)`), run here end to end through the real
 * driver against the scripted wire server's "mongod" profile (test/support/mongod-profile.ts),
 * which answers writes the way mongod 7/8 does where FerretDB v1.24 does not. The originals stay
 * as they are and run wherever MONGODB_URI points at a MongoDB (and in the GitHub workflow).
 */
import { type Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bulkInsert, bulkUpdate, bulkWrite, defineModel, streamInsert } from '../../src/index.js';
import { positionId } from '../../src/stream/record-op.js';
import {
  duplicateKeyByUpdateOps,
  mixedUpsertOps,
  seededUsers,
  user,
  usersModel,
} from '../fixtures/models.js';
import { drain } from '../support/drain.js';
import { type MongodProfile, mongodProfile } from '../support/mongod-profile.js';
import { type ScriptedServer, startScriptedServer } from '../support/wire-server.js';

let profile: MongodProfile;
let server: ScriptedServer;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  profile = mongodProfile();
  server = await startScriptedServer({ profile });
  client = await MongoClient.connect(server.uri(), { serverSelectionTimeoutMS: 3000 });
  db = client.db('twins');
});
afterAll(async () => {
  await client?.close();
  await server?.close();
});

const stored = (collection: string) => profile.docs(`twins.${collection}`);
const byEmail = (collection: string, email: string) => stored(collection).find((d) => d.email === email);

const seeded = (name: string, n: number) => seededUsers(db, name, n);

describe('bulkUpdate against mongod replies (twins of upsertIndexByOp / perOpUpdateErrors)', () => {
  it('upserts: counts and ids keyed by the op that created each document', async () => {
    const users = await seeded('upserts', 3);
    const upsert = (email: string, $set: { age?: number; name?: string }) => ({
      updateOne: { filter: { email }, update: { $set }, upsert: true },
    });
    const report = await bulkUpdate(
      users,
      [
        upsert('user0@example.com', { age: 9 }),
        upsert('new1@example.com', { name: 'N1' }),
        upsert('user1@example.com', { age: 9 }),
        upsert('new2@example.com', { name: 'N2' }),
        upsert('new3@example.com', { name: 'N3' }),
      ],
      { batchSize: 2, ordered: false },
    );
    // The second command is [user1, new2]: mongod says upserted[].index 1, the op's position.
    const second = server.writes.filter((w) => w.name === 'update').at(-2);
    expect(second?.ops.map((op) => op.q.email)).toEqual(['user1@example.com', 'new2@example.com']);
    expect(report).toMatchObject({ ok: true, upsertedCount: 3, matchedCount: 2, modifiedCount: 2 });
    expect(Object.keys(report.upsertedIds).map(Number).sort()).toEqual([1, 3, 4]);
    for (const [index, email] of [
      [1, 'new1@example.com'],
      [3, 'new2@example.com'],
      [4, 'new3@example.com'],
    ] as const) {
      expect(byEmail('upserts', email)?._id).toEqual(report.upsertedIds[index]);
    }
  });

  it('a failing update op is reported at its own index and an unordered run goes on', async () => {
    const users = await seeded('op_errors', 6);
    // user3's age is a string: $inc on it is TypeMismatch (14) on mongod.
    await users.collection().updateOne({ email: 'user3@example.com' }, { $set: { age: 'old' as never } });
    const report = await bulkUpdate(
      users,
      Array.from({ length: 6 }, (_, i) => ({
        updateOne: { filter: { email: `user${i}@example.com` }, update: { $inc: { age: 1 } } },
      })),
      { batchSize: 2, ordered: false },
    );
    expect(report.failures.map((f) => [f.index, f.kind, f.code, f.applied, f.retryable])).toEqual([
      [3, 'writeError', 14, 'no', false],
    ]);
    expect(report.modifiedCount).toBe(5);
    expect(byEmail('op_errors', 'user5@example.com')?.age).toBe(6);
  });

  it('a duplicate key caused by an update: duplicateKey at its index with the colliding keyValue', async () => {
    const users = await seeded('update_dup', 3);
    const report = await bulkUpdate(users, [...duplicateKeyByUpdateOps], { ordered: false });
    expect(report.failures.map((f) => [f.index, f.kind, f.code, f.keyValue])).toEqual([
      [1, 'duplicateKey', 11000, { email: 'user2@example.com' }],
    ]);
    expect(report).toMatchObject({ matchedCount: 2, modifiedCount: 2 });
  });
});

describe('bulkWrite unordered against mongod replies', () => {
  it('a mixed unordered batch: upserted ids keyed by their own ops, not by the inserts the driver moved out', async () => {
    const users = await seeded('mixed_upserts', 1);
    const report = await bulkWrite(users, [...mixedUpsertOps], { ordered: false });
    expect(report).toMatchObject({ ok: true, insertedCount: 1, matchedCount: 1, upsertedCount: 2 });
    expect(Object.keys(report.insertedIds)).toEqual(['1']);
    expect(report.upsertedIds).toEqual({
      0: byEmail('mixed_upserts', 'm1@example.com')?._id,
      3: byEmail('mixed_upserts', 'm2@example.com')?._id,
    });
  });
});

describe('bulkWrite atomic against a mongod replica-set primary (twins of transactions)', () => {
  it('atomic: a failure rolls back the whole call', async () => {
    const users = await usersModel(db, 'atomic_rollback');
    await bulkInsert(users, [user(5)]);
    const aborted = profile.txns.aborted;
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
    expect(stored('atomic_rollback').map((d) => d.email)).toEqual(['user5@example.com']);
    expect(profile.txns.aborted).toBe(aborted + 1);
    // The writes went inside one transaction: the first started it, all carried autocommit: false.
    const sent = server.writes.filter((w) => w.collection === 'atomic_rollback').slice(1);
    expect(sent.map((w) => [w.body.startTransaction ?? false, w.body.autocommit])).toEqual([
      [true, false],
      [false, false],
    ]);
  });

  it('atomic: all ops commit together when none fails', async () => {
    const users = await usersModel(db, 'atomic_commit');
    const committed = profile.txns.committed;
    const report = await bulkWrite(
      users,
      Array.from({ length: 5 }, (_, i) => ({ insertOne: { document: user(i) } })),
      { atomic: true, batchSize: 2 },
    );
    expect(report).toMatchObject({ ok: true, insertedCount: 5 });
    expect(stored('atomic_commit')).toHaveLength(5);
    expect(profile.txns.committed).toBe(committed + 1);
  });

  it('atomic: a TransientTransactionError on commit reruns the transaction, and the report counts each op once', async () => {
    const users = await usersModel(db, 'atomic_transient_commit');
    profile.failNext('commitTransaction');
    const report = await bulkWrite(
      users,
      Array.from({ length: 4 }, (_, i) => ({ insertOne: { document: user(i) } })),
      { atomic: true, batchSize: 2 },
    );
    expect(report).toMatchObject({ ok: true, insertedCount: 4, failures: [] });
    expect(stored('atomic_transient_commit')).toHaveLength(4);
    expect(server.writes.filter((w) => w.collection === 'atomic_transient_commit')).toHaveLength(4);
  });

  it('atomic: a TransientTransactionError on a write reruns the transaction (withTransaction sees it), and the report counts each op once', async () => {
    const users = await usersModel(db, 'atomic_transient_write');
    await bulkInsert(users, [user(9)]);
    profile.failNext('insert');
    const report = await bulkWrite(
      users,
      Array.from({ length: 2 }, (_, i) => ({ insertOne: { document: user(i) } })),
      { atomic: true },
    );
    expect(report).toMatchObject({ ok: true, insertedCount: 2, failures: [] });
    expect(report.rolledBack).toBeUndefined();
    expect(stored('atomic_transient_write').map((d) => d.email)).toEqual([
      'user9@example.com',
      'user0@example.com',
      'user1@example.com',
    ]);
    // The seed, the write that met the conflict, and the rerun.
    expect(server.writes.filter((w) => w.collection === 'atomic_transient_write')).toHaveLength(3);
  });
});

describe('streamInsert against mongod 5+ (twin of dottedFieldNames)', () => {
  it('`.`/`$` field names on MongoDB 5+: stored as given', async () => {
    const schema = z.object({ sku: z.string(), qty: z.number().int() }).loose();
    const model = defineModel({ collection: 'dotted_stored', schema, db });
    const { report } = await drain(
      streamInsert(model, [{ sku: 'b', qty: 2, 'x.y': 1, $z: 1 }], { idNamespace: 'ds' }),
    );
    expect(report).toMatchObject({ written: 1, rejected: 0 });
    const doc = stored('dotted_stored').find((d) => String(d._id) === String(positionId('ds', 1)));
    expect(doc).toMatchObject({ 'x.y': 1, $z: 1 });
  });
});
