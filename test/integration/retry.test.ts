/**
 * Retries under real faults: a TCP proxy cuts the server's replies after it applied the writes
 * (the client cannot know they landed), and a scripted wire server answers with the errors a real
 * server here cannot produce on demand (write-concern errors, NotWritablePrimary).
 */
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bulkInsert, bulkWrite, defineModel, retryFailed } from '../../src/index.js';
import { user, userSchema } from '../fixtures/models.js';
import { useTestDb } from '../support/db.js';
import { startProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { type ScriptedServer, startScriptedServer } from '../support/wire-server.js';

const t = useTestDb('retry');

describe('retry through a proxy that cuts write replies (the server applied them)', () => {
  let proxy: TcpProxy;
  let client: MongoClient;
  beforeAll(async () => {
    const [host, port] = /^mongodb:\/\/(?:[^@/]*@)?([^,/?]+)/.exec(t.uri)![1]!.split(':');
    proxy = await startProxy({ target: { host: host!, port: Number(port ?? 27017) } });
    client = await MongoClient.connect(proxy.uri(t.uri), {
      retryWrites: false,
      serverSelectionTimeoutMS: 5000,
    });
  });
  afterAll(async () => {
    proxy.faultEvery(null);
    await client?.close();
    await proxy?.close();
  });

  const model = async (name: string) => {
    const m = defineModel({
      collection: name,
      schema: userSchema,
      db: client.db(t.db.databaseName),
      indexes: [{ key: { email: 1 }, unique: true }],
    });
    await m.ensureIndexes();
    return m;
  };
  const direct = (name: string) => t.db.collection(name);

  it('with retry on, every document is written exactly once and counted once', async () => {
    const users = await model('converge');
    proxy.faultEvery({ replies: 3 });
    const report = await bulkInsert(
      users,
      Array.from({ length: 60 }, (_, i) => user(i)),
      { batchSize: 5, ordered: false, concurrency: 2, retry: { attempts: 6, delayMs: 5 } },
    );
    proxy.faultEvery(null);
    expect(proxy.cuts.length).toBeGreaterThan(0);
    expect(report.ok).toBe(true);
    expect(report.insertedCount).toBe(60);
    expect(Object.keys(report.insertedIds)).toHaveLength(60);
    expect(report.stats.attempts).toBeGreaterThan(1);
    expect(await direct('converge').countDocuments()).toBe(60);
    expect(await direct('converge').distinct('email')).toHaveLength(60);
  });

  it('resends only what may pass: duplicates and invalid inputs stay failed, lost batches converge', async () => {
    const users = await model('selective');
    await direct('selective').insertOne({ ...user(4), tags: [] });
    const docs: unknown[] = Array.from({ length: 30 }, (_, i) => user(i));
    docs[11] = { email: 'nope' };
    const cutsBefore = proxy.cuts.length;
    proxy.faultEvery({ replies: 2 });
    const report = await bulkInsert(users, docs as never[], {
      batchSize: 4,
      ordered: false,
      concurrency: 1,
      retry: { attempts: 8, delayMs: 5 },
    });
    proxy.faultEvery(null);
    expect(proxy.cuts.length).toBeGreaterThan(cutsBefore);
    expect(report.failures.map((f) => [f.index, f.kind])).toEqual([
      [4, 'duplicateKey'],
      [11, 'validation'],
    ]);
    expect(report.insertedCount).toBe(28);
    expect(await direct('selective').countDocuments()).toBe(29);
  });

  it('with retry off, the lost batches are reported unknown and retryable; retryFailed converges later', async () => {
    const users = await model('later');
    proxy.faultEvery({ replies: 2 });
    const report = await bulkInsert(
      users,
      Array.from({ length: 20 }, (_, i) => user(i)),
      { batchSize: 5, ordered: false, concurrency: 1 },
    );
    proxy.faultEvery(null);
    const lost = report.failures;
    expect(lost.length).toBe(10); // batches 2 and 4 of 4
    expect(lost.every((f) => f.kind === 'network' && f.applied === 'unknown' && f.retryable)).toBe(true);
    expect(report.insertedCount).toBe(10);
    // The server did apply them: the report says "unknown", never "failed" or "written".
    expect(await direct('later').countDocuments()).toBe(20);

    const after = await retryFailed(users, report);
    expect(after.ok).toBe(true);
    expect(after.insertedCount).toBe(20);
    expect(Object.keys(after.insertedIds)).toHaveLength(20);
    expect(await direct('later').countDocuments()).toBe(20);
  });

  it('ordered: a lost batch is resent with everything after it, in order, in one more attempt', async () => {
    const users = await model('ordered');
    const cut = proxy.cutNextReply();
    const report = await bulkInsert(
      users,
      Array.from({ length: 12 }, (_, i) => user(i)),
      { batchSize: 3, retry: { attempts: 2, delayMs: 5 } },
    );
    expect((await cut).command).toBe('insert');
    expect(report).toMatchObject({ ok: true, insertedCount: 12, notAttempted: [] });
    expect(report.stats.attempts).toBe(2);
    expect(await direct('ordered').countDocuments()).toBe(12);
  });

  it('an update that is not replay-safe ($inc) is not resent after a lost reply; a $set is', async () => {
    const users = await model('inc');
    await direct('inc').insertMany(Array.from({ length: 4 }, (_, i) => ({ ...user(i), age: 0, tags: [] })));
    const cut = proxy.cutNextReply();
    const report = await bulkWrite(
      users,
      [
        { updateOne: { filter: { email: 'user0@example.com' }, update: { $inc: { age: 1 } } } },
        { updateOne: { filter: { email: 'user1@example.com' }, update: { $set: { age: 5 } } } },
      ],
      { ordered: false, retry: { attempts: 3, delayMs: 5 } },
    );
    await cut;
    expect(report.failures).toMatchObject([
      { index: 0, kind: 'network', applied: 'unknown', retryable: false },
    ]);
    expect(report.stats.attempts).toBe(2);
    expect(report.matchedCount).toBe(1);
    // Applied once by the server, never twice by us.
    expect((await direct('inc').findOne({ email: 'user0@example.com' }))?.age).toBe(1);
    expect((await direct('inc').findOne({ email: 'user1@example.com' }))?.age).toBe(5);
  });
});

describe('errors a real server here cannot produce on demand (scripted wire server)', () => {
  let server: ScriptedServer;
  let client: MongoClient;
  beforeAll(async () => {
    server = await startScriptedServer();
    client = await MongoClient.connect(server.uri({ retryWrites: false }), {
      serverSelectionTimeoutMS: 3000,
    });
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });
  const model = () =>
    defineModel({ collection: 'c', schema: z.object({ n: z.number() }), db: client.db('app') });

  it('a write-concern error marks each applied op: inserts retryable, counted written once', async () => {
    let calls = 0;
    server.setScript((command, ctx) =>
      calls++ === 0
        ? {
            ok: 1,
            n: command.ops.length,
            writeConcernError: { code: 91, codeName: 'ShutdownInProgress', errmsg: 'shutting down' },
          }
        : ctx.okReply(),
    );
    const report = await bulkInsert(model(), [{ n: 1 }, { n: 2 }], { ordered: false });
    expect(report.insertedCount).toBe(2);
    expect(report.failures.map((f) => [f.index, f.kind, f.code, f.applied, f.retryable])).toEqual([
      [0, 'writeConcern', 91, 'yes', true],
      [1, 'writeConcern', 91, 'yes', true],
    ]);
    expect(report.ok).toBe(false);
  });

  it('a write-concern error on an update is not resent: it was applied and could apply twice', async () => {
    server.setScript((command) => ({
      ok: 1,
      n: command.ops.length,
      nModified: command.ops.length,
      writeConcernError: { code: 64, errmsg: 'waiting for replication timed out' },
    }));
    const report = await bulkWrite(
      model(),
      [{ updateOne: { filter: { n: 1 }, update: { $inc: { n: 1 } } } }],
      {
        retry: { attempts: 3, delayMs: 1 },
      },
    );
    expect(report.failures).toMatchObject([
      { index: 0, kind: 'writeConcern', applied: 'yes', retryable: false },
    ]);
    expect(report.stats.attempts).toBe(1);
  });

  it('NotWritablePrimary is transient: reported per op as retryable, and a retry passes once the primary is back', async () => {
    let calls = 0;
    server.setScript((_command, ctx) =>
      calls++ === 0
        ? { ok: 0, code: 10107, codeName: 'NotWritablePrimary', errmsg: 'not primary' }
        : ctx.okReply(),
    );
    const writesBefore = server.writes.length;
    const first = await bulkInsert(model(), [{ n: 1 }, { n: 2 }, { n: 3 }], { ordered: false });
    expect(first.failures.map((f) => [f.index, f.kind, f.code, f.retryable])).toEqual([
      [0, 'transient', 10107, true],
      [1, 'transient', 10107, true],
      [2, 'transient', 10107, true],
    ]);
    const again = await retryFailed(model(), first);
    expect(again).toMatchObject({ ok: true, insertedCount: 3 });
    expect(server.writes.length - writesBefore).toBe(2);
    expect(server.writes.at(-1)?.ops).toHaveLength(3);
  });

  it('per-op write errors from the server keep the caller index across chunks', async () => {
    server.setScript((command) => ({
      ok: 1,
      n: command.ops.length - 1,
      writeErrors: [
        {
          index: 1,
          code: 121,
          codeName: 'DocumentValidationFailure',
          errmsg: 'failed validation',
          errInfo: { why: 'x' },
        },
      ],
    }));
    const report = await bulkInsert(
      model(),
      Array.from({ length: 6 }, (_, n) => ({ n })),
      { batchSize: 3, ordered: false },
    );
    expect(report.failures.map((f) => [f.index, f.kind, f.errInfo])).toEqual([
      [1, 'writeError', { why: 'x' }],
      [4, 'writeError', { why: 'x' }],
    ]);
    expect(report.insertedCount).toBe(4);
  });
});
