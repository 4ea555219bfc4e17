/**
 * The fault-injection infrastructure (tcp-proxy, wire-server) proven through the real driver, and
 * the driver's behaviour under each fault pinned down for bulkwright's error adapter. Findings are
 * written up in docs/faults-notes.md; each test title there names the test that shows it.
 */
import { connect as connectSocket } from 'node:net';
import {
  type AnyBulkWriteOperation,
  BSON,
  type Document,
  MongoBulkWriteError,
  MongoClient,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoServerSelectionError,
  type WriteError,
} from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/db.js';
import { startProxy, type TcpProxy } from '../support/tcp-proxy.js';
import {
  CLOSE_SOCKET,
  MessageFramer,
  OP_MSG,
  type ScriptedServer,
  startScriptedServer,
} from '../support/wire-server.js';

const t = useTestDb('fault-infra');

async function caught(promise: Promise<unknown>): Promise<MongoBulkWriteError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MongoBulkWriteError);
  return error as MongoBulkWriteError;
}

/** Documents in these tests: numeric or string ids, anything else. */
type Row = { _id: number | string; [key: string]: unknown };

function inserts(from: number, count: number, extra: Document = {}): AnyBulkWriteOperation<Row>[] {
  return Array.from({ length: count }, (_, i) => ({ insertOne: { document: { _id: from + i, ...extra } } }));
}

/** The driver types `writeErrors` as `OneOrMore<WriteError>`; at run time it is always an array. */
function writeErrorsOf(error: MongoBulkWriteError): WriteError[] {
  expect(Array.isArray(error.writeErrors)).toBe(true);
  return error.writeErrors as WriteError[];
}

/** Exact count straight from the server, never through the proxy. */
async function landed(collection: string): Promise<number> {
  return t.db.collection(collection).countDocuments();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await sleep(10);
  }
}

describe('tcp-proxy in front of the real server', () => {
  let proxy: TcpProxy;
  let isReplicaSet = false;
  const clients: MongoClient[] = [];
  const client = async (options: { retryWrites: boolean; socketTimeoutMS?: number }) => {
    const c = new MongoClient(proxy.uri(t.uri), { serverSelectionTimeoutMS: 5000, ...options });
    clients.push(c);
    await c.connect();
    return c;
  };

  beforeAll(async () => {
    const hostPort = /^mongodb:\/\/(?:[^@/]*@)?([^,/?]+)/.exec(t.uri)?.[1] ?? '';
    const [host = '127.0.0.1', port = '27017'] = hostPort.split(':');
    proxy = await startProxy({ target: { host, port: Number(port) } });
    isReplicaSet = (await t.db.admin().command({ hello: 1 })).setName !== undefined;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await proxy?.close();
  });

  it('passes 1,000 inserted documents through untouched', async () => {
    const c = await client({ retryWrites: false });
    const result = await c
      .db(t.db.databaseName)
      .collection<Row>('pass')
      .insertMany(Array.from({ length: 1000 }, (_, i) => ({ _id: i, n: i })));
    expect(result.insertedCount).toBe(1000);
    expect(await landed('pass')).toBe(1000);
    const stats = proxy.stats();
    expect(stats.connections).toBeGreaterThan(0);
    expect(stats.writeRequests).toBeGreaterThanOrEqual(1);
    expect(stats.writeReplies).toBe(stats.writeRequests);
    expect(stats.cutReplies).toBe(0);
    expect(stats.bytesToServer).toBeGreaterThan(1000 * 20);
  });

  it.each([
    { call: 'insertMany', afterBytes: undefined },
    { call: 'bulkWrite unordered', afterBytes: undefined },
    { call: 'bulkWrite unordered', afterBytes: 0 },
    { call: 'bulkWrite unordered', afterBytes: 16 },
  ])(
    'a cut write reply ($call, afterBytes $afterBytes): MongoBulkWriteError over MongoNetworkError, yet every document landed',
    async ({ call, afterBytes }) => {
      const c = await client({ retryWrites: false });
      const name = `cut_${call.replace(/\W/g, '')}_${afterBytes}`;
      const collection = c.db(t.db.databaseName).collection<Row>(name);
      const cut = proxy.cutNextReply({ afterBytes });
      const ops = inserts(0, 100);
      const error = await caught(
        call === 'insertMany'
          ? collection.insertMany(Array.from({ length: 100 }, (_, i) => ({ _id: i })))
          : collection.bulkWrite(ops, { ordered: false }),
      );
      const event = await cut;
      expect(event.command).toBe('insert');
      expect(event.forwardedBytes).toBe(afterBytes ?? Math.floor(event.replyLength / 2));

      expect(error.name).toBe('MongoBulkWriteError');
      expect(error.errorResponse).toBeInstanceOf(MongoNetworkError);
      expect((error.errorResponse as unknown as Error).name).toBe('MongoNetworkError');
      expect(error.message).toMatch(/^connection \d+ to 127\.0\.0\.1:\d+ closed$/);
      expect(error.code).toBeUndefined();
      expect(error.cause).toBeUndefined();
      expect(error.errorLabels).toEqual(['ResetPool']);
      expect(error.hasErrorLabel('RetryableWriteError')).toBe(false);
      expect(error.writeErrors).toEqual([]);
      expect(error.result.insertedCount).toBe(0);
      expect(error.result.ok).toBe(1);
      // insertedIds lists every id the driver *attempted*, not what is known to be written.
      expect(Object.keys(error.result.insertedIds)).toHaveLength(100);
      expect(await landed(name)).toBe(100);
    },
  );

  it('a cut write reply with retryWrites on: the same error on a standalone (no retry), a success on a replica set', async () => {
    const c = await client({ retryWrites: true });
    const collection = c.db(t.db.databaseName).collection<Row>('cut_retry');
    const cut = proxy.cutNextReply();
    const outcome = await collection.bulkWrite(inserts(0, 50), { ordered: false }).then(
      (result) => result,
      (e: unknown) => e,
    );
    await cut;
    if (isReplicaSet) {
      expect(outcome).not.toBeInstanceOf(Error);
    } else {
      expect(outcome).toBeInstanceOf(MongoBulkWriteError);
      const error = outcome as MongoBulkWriteError;
      expect(error.errorResponse).toBeInstanceOf(MongoNetworkError);
      expect(error.errorLabels).toEqual(['ResetPool']);
      expect(error.result.insertedCount).toBe(0);
    }
    expect(await landed('cut_retry')).toBe(50);
  });

  it('faultEvery({ replies: 2 }) cuts the 2nd and 4th write reply; all four writes land', async () => {
    const c = await client({ retryWrites: false });
    const collection = c.db(t.db.databaseName).collection<Row>('every');
    const before = proxy.stats().cutReplies;
    proxy.faultEvery({ replies: 2 });
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      outcomes.push(
        await collection.bulkWrite(inserts(i * 10, 10), { ordered: false }).then(
          () => 'ok',
          (e: unknown) =>
            e instanceof MongoBulkWriteError && e.errorResponse instanceof MongoNetworkError
              ? 'network'
              : 'other',
        ),
      );
    }
    proxy.faultEvery(null);
    expect(outcomes).toEqual(['ok', 'network', 'ok', 'network']);
    expect(proxy.stats().cutReplies - before).toBe(2);
    expect(await landed('every')).toBe(40);
  });

  it.each([
    { direction: 'both', landsAfterTimeout: false },
    { direction: 'toClient', landsAfterTimeout: true },
  ] as const)(
    'stall($direction) beyond socketTimeoutMS: MongoNetworkTimeoutError inside; the write lands: $landsAfterTimeout',
    async ({ direction, landsAfterTimeout }) => {
      const c = await client({ retryWrites: false, socketTimeoutMS: 150 });
      const name = `stall_${direction}`;
      const collection = c.db(t.db.databaseName).collection<Row>(name);
      await collection.insertOne({ _id: 'warm' });
      const released = proxy.stall(500, { direction });
      const started = Date.now();
      const error = await caught(collection.bulkWrite(inserts(0, 5), { ordered: false }));
      expect(Date.now() - started).toBeLessThan(450);
      expect(error.errorResponse).toBeInstanceOf(MongoNetworkTimeoutError);
      expect((error.errorResponse as unknown as Error).name).toBe('MongoNetworkTimeoutError');
      expect(error.message).toMatch(/^connection \d+ to 127\.0\.0\.1:\d+ timed out$/);
      expect(error.errorLabels).toEqual([]);
      expect(error.result.insertedCount).toBe(0);
      await released;
      await sleep(200);
      // The driver closed the timed-out connection: with 'both' the held request was discarded.
      expect(await landed(name)).toBe(landsAfterTimeout ? 6 : 1);
    },
  );

  it('refuse(true): a new client fails server selection; refuse(false) lets it in', async () => {
    proxy.refuse(true);
    const refused = new MongoClient(proxy.uri(t.uri), { serverSelectionTimeoutMS: 400 });
    const error = await refused.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    await refused.close();
    expect(error).toBeInstanceOf(MongoServerSelectionError);
    expect(proxy.stats().refused).toBeGreaterThan(0);
    proxy.refuse(false);
    const admitted = await client({ retryWrites: false });
    expect((await admitted.db('admin').command({ ping: 1 })).ok).toBe(1);
  });

  describe('20,000-document unordered bulkWrite in driver batches', () => {
    const pad = 'x'.repeat(1000); // ~1 KB docs: the driver cuts batches at 16 MiB, so 2 batches
    const run = async (name: string, fault: (batchesReplied: () => number) => Promise<void>) => {
      const c = new MongoClient(proxy.uri(t.uri), { retryWrites: false, monitorCommands: true });
      clients.push(c);
      const batches: number[] = [];
      let replied = 0;
      c.on('commandStarted', (e) => {
        if (e.commandName === 'insert') batches.push((e.command.documents as unknown[]).length);
      });
      c.on('commandSucceeded', (e) => {
        if (e.commandName === 'insert') replied += 1;
      });
      await c.connect();
      const write = c
        .db(t.db.databaseName)
        .collection<Row>(name)
        .bulkWrite(inserts(0, 20_000, { pad }), { ordered: false });
      const [error] = await Promise.all([caught(write), fault(() => replied)]);
      return { error, batches };
    };

    it('dropAll once the first batch is acknowledged: the second batch dies in flight; completed batches are counted', async () => {
      const { error, batches } = await run('drop_all', async (replied) => {
        await waitFor(() => replied() >= 1);
        proxy.dropAll();
      });
      expect(batches.length).toBeGreaterThanOrEqual(2);
      expect(error.name).toBe('MongoBulkWriteError');
      expect(error.result.insertedCount).toBe(batches[0]);
      expect(error.writeErrors).toEqual([]);
      // Which error depends on where the driver was: still writing the 16 MiB request (EPIPE, a
      // plain Node Error, no labels) or reading (MongoNetworkError "closed"/ECONNRESET, ResetPool).
      const inner = error.errorResponse as unknown as Error & { code?: unknown };
      const form =
        inner instanceof MongoNetworkError
          ? `MongoNetworkError: ${inner.message}`
          : `${inner.name} ${inner.code}`;
      console.log(`dropAll mid-batch surfaced as: ${form}; labels ${JSON.stringify(error.errorLabels)}`);
      expect(form).toMatch(
        /^(MongoNetworkError: (connection \d+ to .* closed|read ECONNRESET)|Error EPIPE)$/,
      );
      if (!(inner instanceof MongoNetworkError)) {
        expect(error.code).toBe('EPIPE');
        expect(error.errorLabels).toEqual([]);
      } else {
        expect(error.errorLabels).toEqual(['ResetPool']);
      }
      await sleep(300);
      const count = await landed('drop_all');
      expect(count).toBeGreaterThanOrEqual(batches[0]!);
      expect(count).toBeLessThanOrEqual(20_000);
    });

    it('dropAfterWriteRequest(2): the server applies batch 2, the driver reports only batch 1', async () => {
      const { error, batches } = await run('drop_after', async () => {
        await proxy.dropAfterWriteRequest(2);
      });
      expect(batches).toHaveLength(2);
      expect(error.errorResponse).toBeInstanceOf(MongoNetworkError);
      expect(error.message).toMatch(/^connection \d+ to 127\.0\.0\.1:\d+ closed$/);
      expect(error.errorLabels).toEqual(['ResetPool']);
      expect(error.result.insertedCount).toBe(batches[0]);
      expect(Object.keys(error.result.insertedIds)).toHaveLength(20_000);
      await waitFor(async () => (await landed('drop_after')) === 20_000);
    });
  });
});

describe('scripted wire server', () => {
  let server: ScriptedServer;
  const clients: MongoClient[] = [];
  const client = async (params: Record<string, string | number | boolean>, on = server) => {
    const c = new MongoClient(on.uri({ serverSelectionTimeoutMS: 3000, ...params }));
    clients.push(c);
    await c.connect();
    return c;
  };
  beforeAll(async () => {
    server = await startScriptedServer();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server?.close();
  });

  it('driver 7.9 connects as to a standalone: OP_QUERY isMaster handshake, then OP_MSG', async () => {
    const c = await client({ retryWrites: false });
    expect((await c.db('admin').command({ ping: 1 })).ok).toBe(1);
    expect((await c.db('admin').command({ buildInfo: 1 })).version).toBe('7.0.0');
    const result = await c
      .db('app')
      .collection('people')
      .insertMany([{ name: 'Ada' }, { name: 'Grace' }]);
    expect(result.insertedCount).toBe(2);
    const write = server.writes.at(-1)!;
    expect(write).toMatchObject({ name: 'insert', collection: 'people', db: 'app', ordered: true });
    expect(write.ops.map((d) => d.name)).toEqual(['Ada', 'Grace']);
    // Driver 7.9 serializes each op once and sends them as a kind-1 `documents` sequence.
    expect(write.fromSequence).toBe(true);
    const stats = server.stats();
    expect(stats.commands.ismaster).toBeGreaterThanOrEqual(1); // every connection's OP_QUERY handshake
    expect(stats.hellos).toBeGreaterThanOrEqual(2);
  });

  it('accepts write ops as an OP_MSG kind-1 document sequence', async () => {
    const body = BSON.serialize({ insert: 'seq', ordered: false, $db: 'app' });
    const docs = [{ _id: 1 }, { _id: 2 }, { _id: 3 }].map((d) => BSON.serialize(d));
    const name = Buffer.from('documents\0');
    const seqSize = 4 + name.length + docs.reduce((n, d) => n + d.length, 0);
    const seqHeader = Buffer.alloc(5);
    seqHeader[0] = 1;
    seqHeader.writeInt32LE(seqSize, 1);
    const parts = [Buffer.from([0]), body, seqHeader, name, ...docs];
    const header = Buffer.alloc(20);
    const length = 20 + parts.reduce((n, p) => n + p.length, 0);
    header.writeInt32LE(length, 0);
    header.writeInt32LE(4242, 4);
    header.writeInt32LE(OP_MSG, 12);
    const socket = connectSocket({ host: server.host, port: server.port });
    const reply = await new Promise<Document>((resolve, reject) => {
      const framer = new MessageFramer();
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        const [message] = framer.push(chunk);
        if (message) resolve(BSON.deserialize(message.subarray(21)));
      });
      socket.write(Buffer.concat([header, ...parts]));
    });
    socket.destroy();
    expect(reply).toEqual({ ok: 1, n: 3 });
    const write = server.writes.at(-1)!;
    expect(write).toMatchObject({ name: 'insert', collection: 'seq', ordered: false, fromSequence: true });
    expect(write.ops).toEqual([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
  });

  it('writeConcernError: MongoBulkWriteError, counts from n, details only in result.getWriteConcernError()', async () => {
    const c = await client({ retryWrites: false });
    server.setScript((command) => ({
      ok: 1,
      n: command.ops.length,
      writeConcernError: {
        code: 64,
        codeName: 'WriteConcernFailed',
        errmsg: 'waiting for replication timed out',
        errInfo: { wtimeout: true },
      },
    }));
    const error = await caught(
      c.db('app').collection<Row>('wce').bulkWrite(inserts(0, 3), { ordered: false }),
    );
    expect(error.name).toBe('MongoBulkWriteError');
    expect(error.code).toBe(64);
    expect(error.codeName).toBeUndefined();
    expect(error.message).toBe('waiting for replication timed out');
    expect(error.errorResponse).toEqual({ message: 'waiting for replication timed out', code: 64 });
    expect(error.errorLabels).toEqual([]);
    expect(error.writeErrors).toEqual([]);
    expect(error.result.insertedCount).toBe(3);
    expect(error.result.getWriteConcernError()?.toJSON()).toEqual({
      code: 64,
      codeName: 'WriteConcernFailed',
      errmsg: 'waiting for replication timed out',
      errInfo: { wtimeout: true },
    });
  });

  it('NotWritablePrimary command error: MongoBulkWriteError carrying the raw reply; the driver re-checks hello ~500 ms later', async () => {
    const c = await client({ retryWrites: true });
    server.setScript(() => ({ ok: 0, code: 10107, codeName: 'NotWritablePrimary', errmsg: 'not primary' }));
    const hellos = server.stats().hellos;
    const sent = server.writes.length;
    const error = await caught(
      c.db('app').collection<Row>('nwp').bulkWrite(inserts(0, 2), { ordered: false }),
    );
    expect(server.writes.length - sent).toBe(1); // standalone: retryWrites is moot
    expect(server.writes.at(-1)!.body.txnNumber).toBeUndefined();
    expect(error.name).toBe('MongoBulkWriteError');
    expect(error.code).toBe(10107);
    expect(error.codeName).toBe('NotWritablePrimary');
    expect(error.errorResponse).toEqual({
      ok: 0,
      code: 10107,
      codeName: 'NotWritablePrimary',
      errmsg: 'not primary',
    });
    expect(error.errorLabels).toEqual([]);
    expect(error.hasErrorLabel('RetryableWriteError')).toBe(false);
    expect(error.writeErrors).toEqual([]);
    expect(error.result.insertedCount).toBe(0);
    const marked = Date.now();
    await waitFor(() => server.stats().hellos > hellos, 3000);
    expect(Date.now() - marked).toBeLessThan(1500);
    // "The primary came back": the next write goes through.
    server.setScript((_command, ctx) => ctx.okReply());
    expect((await c.db('app').collection<Row>('nwp').bulkWrite(inserts(0, 2))).insertedCount).toBe(2);
  });

  it('per-op writeErrors keep the op index, across the driver batches too', async () => {
    const batching = await startScriptedServer({ hello: { maxWriteBatchSize: 3 } });
    try {
      const c = await client({ retryWrites: false }, batching);
      batching.setScript((command, ctx) =>
        ctx.writeIndex === 1
          ? {
              ok: 1,
              n: command.ops.length - 1,
              writeErrors: [{ index: 1, code: 11000, errmsg: 'E11000 dup' }],
            }
          : ctx.okReply(),
      );
      const error = await caught(
        c.db('app').collection<Row>('we').bulkWrite(inserts(0, 5), { ordered: false }),
      );
      expect(batching.writes.map((w) => w.ops.length)).toEqual([2, 2, 1]);
      expect(error.name).toBe('MongoBulkWriteError');
      expect(error.code).toBe(11000);
      expect(error.message).toBe('E11000 dup');
      expect(writeErrorsOf(error).map((w) => ({ index: w.index, code: w.code, errmsg: w.errmsg }))).toEqual([
        { index: 3, code: 11000, errmsg: 'E11000 dup' },
      ]);
      expect(writeErrorsOf(error)[0]!.getOperation()).toMatchObject({ _id: 3 });
      expect(error.result.insertedCount).toBe(4);
      expect(error.result.hasWriteErrors()).toBe(true);
      expect(error.errorLabels).toEqual([]);
    } finally {
      await batching.close();
    }
  });

  it('update writeErrors: matched/modified come from n/nModified', async () => {
    const c = await client({ retryWrites: false });
    server.setScript(() => ({
      ok: 1,
      n: 2,
      nModified: 1,
      writeErrors: [{ index: 1, code: 11000, errmsg: 'dup' }],
    }));
    const ops = [1, 2, 3].map((a) => ({ updateOne: { filter: { a }, update: { $set: { b: 1 } } } }));
    const error = await caught(c.db('app').collection('upd').bulkWrite(ops, { ordered: false }));
    expect(writeErrorsOf(error).map((w) => w.index)).toEqual([1]);
    expect(error.result.matchedCount).toBe(2);
    expect(error.result.modifiedCount).toBe(1);
  });

  it('a socket closed instead of a reply: MongoBulkWriteError over MongoNetworkError with ResetPool', async () => {
    const c = await client({ retryWrites: true });
    server.setScript((_command, ctx) => ctx.close);
    const sent = server.writes.length;
    const error = await caught(
      c.db('app').collection<Row>('closed').bulkWrite(inserts(0, 2), { ordered: false }),
    );
    expect(server.writes.length - sent).toBe(1);
    expect(error.errorResponse).toBeInstanceOf(MongoNetworkError);
    expect(error.errorLabels).toEqual(['ResetPool']);
    expect(error.result.insertedCount).toBe(0);
    server.setScript((_command, ctx) => ctx.okReply());
  });

  describe('as a replica-set primary (retryable writes apply)', () => {
    let primary: ScriptedServer;
    beforeAll(async () => {
      primary = await startScriptedServer({ topology: 'replicaSetPrimary' });
    });
    afterAll(async () => {
      await primary?.close();
    });

    it.each([
      { retryWrites: true, sends: 2, fails: false },
      { retryWrites: false, sends: 1, fails: true },
    ])(
      'NotWritablePrimary + RetryableWriteError label, retryWrites $retryWrites: $sends attempt(s)',
      async ({ retryWrites, sends, fails }) => {
        const c = await client({ retryWrites }, primary);
        const first = primary.writes.length;
        primary.setScript((_command, ctx) =>
          ctx.writeIndex === first
            ? {
                ok: 0,
                code: 10107,
                codeName: 'NotWritablePrimary',
                errmsg: 'not primary',
                errorLabels: ['RetryableWriteError'],
              }
            : ctx.okReply(),
        );
        const outcome = await c
          .db('app')
          .collection<Row>('retry')
          .bulkWrite(inserts(0, 2), { ordered: false })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(primary.writes.length - first).toBe(sends);
        expect(primary.writes[first]!.body.txnNumber !== undefined).toBe(retryWrites);
        if (fails) {
          const error = outcome as MongoBulkWriteError;
          expect(error).toBeInstanceOf(MongoBulkWriteError);
          expect(error.errorLabels).toEqual(['RetryableWriteError']);
          expect(error.hasErrorLabel('RetryableWriteError')).toBe(true);
        } else {
          expect(outcome).toBeUndefined();
          // The retry carries the same lsid and txnNumber, so a real server would not apply it twice.
          expect(primary.writes[first + 1]!.body.txnNumber).toEqual(primary.writes[first]!.body.txnNumber);
        }
      },
    );

    it('a closed socket is retried once with retryWrites; twice closed surfaces with RetryableWriteError', async () => {
      const c = await client({ retryWrites: true }, primary);
      let first = primary.writes.length;
      primary.setScript((_command, ctx) => (ctx.writeIndex === first ? CLOSE_SOCKET : ctx.okReply()));
      expect((await c.db('app').collection<Row>('close').bulkWrite(inserts(0, 2))).insertedCount).toBe(2);
      expect(primary.writes.length - first).toBe(2);

      first = primary.writes.length;
      primary.setScript(() => CLOSE_SOCKET);
      const error = await caught(c.db('app').collection<Row>('close').bulkWrite(inserts(0, 2)));
      expect(primary.writes.length - first).toBe(2);
      expect(error.errorResponse).toBeInstanceOf(MongoNetworkError);
      expect([...error.errorLabels].sort()).toEqual(['ResetPool', 'RetryableWriteError']);
    });

    it('writeConcernError with a retryable code (91) is not retried by the driver', async () => {
      const c = await client({ retryWrites: true }, primary);
      const first = primary.writes.length;
      primary.setScript((command) => ({
        ok: 1,
        n: command.ops.length,
        writeConcernError: { code: 91, codeName: 'ShutdownInProgress', errmsg: 'shutting down' },
      }));
      const error = await caught(c.db('app').collection<Row>('wce').bulkWrite(inserts(0, 2)));
      expect(primary.writes.length - first).toBe(1);
      expect(error.code).toBe(91);
      expect(error.errorLabels).toEqual([]);
      expect(error.result.insertedCount).toBe(2);
    });

    it('primary steps down (hello says secondary) and comes back: a pending write waits, then succeeds', async () => {
      const c = await client(
        { retryWrites: false, heartbeatFrequencyMS: 500, serverSelectionTimeoutMS: 5000 },
        primary,
      );
      const collection = c.db('app').collection<Row>('stepdown');
      primary.setHello({ isWritablePrimary: false, secondary: true });
      primary.setScript(() => ({
        ok: 0,
        code: 10107,
        codeName: 'NotWritablePrimary',
        errmsg: 'not primary',
      }));
      const stepDown = await caught(collection.bulkWrite(inserts(0, 1)));
      expect(stepDown.code).toBe(10107);
      const hellos = primary.stats().hellos;
      const pending = collection.bulkWrite(inserts(1, 1)).then(
        (result) => result.insertedCount,
        (e: unknown) => e,
      );
      await waitFor(() => primary.stats().hellos > hellos, 3000); // it saw "secondary"
      const writesWhileSecondary = primary.writes.length;
      primary.setScript((_command, ctx) => ctx.okReply());
      primary.setHello({});
      expect(await pending).toBe(1);
      expect(primary.writes.length).toBe(writesWhileSecondary + 1);
    });
  });
});
