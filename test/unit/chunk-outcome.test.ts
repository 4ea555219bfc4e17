/**
 * The chunk-outcome adapter without a server: the driver batches the ops and merges the replies
 * (test/support/dummy-driver.ts), each reply shaped as MongoDB 7/8 sends it. Sources of the shapes:
 * - insert: https://www.mongodb.com/docs/manual/reference/command/insert/#output
 * - update: https://www.mongodb.com/docs/manual/reference/command/update/#output
 * - delete: https://www.mongodb.com/docs/manual/reference/command/delete/#output
 * - CRUD spec, bulkWrite: https://github.com/mongodb/specifications/blob/master/source/crud/crud.md
 *   ("Write results", "Merging results": writeErrors[].index is the op's position in the command)
 * - Retryable writes spec: https://github.com/mongodb/specifications/blob/master/source/retryable-writes/retryable-writes.md
 *   ("Determining Retryable Errors": the RetryableWriteError label, network errors)
 */
import { type AnyBulkWriteOperation, type Document, MongoNetworkError, ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { PlannedOp } from '../../src/core/planned-op.js';
import { outcomeFromError, outcomeFromResult } from '../../src/report/chunk-outcome.js';
import { dupKeyOf } from '../../src/report/dup-key.js';
import { type BatchReply, type DummyRun, dummyBulkWrite, type SentBatch } from '../support/dummy-driver.js';

/** A chunk whose caller indices start at 100 and skip 102 (planned out), as chunks do. */
function chunkOf(ops: AnyBulkWriteOperation<Document>[]): PlannedOp[] {
  return ops.map((op, local) => ({ index: 100 + local + (local >= 2 ? 1 : 0), op }));
}

async function run(
  chunk: PlannedOp[],
  ordered: boolean,
  reply: (batch: SentBatch, n: number) => BatchReply,
  maxWriteBatchSize?: number,
) {
  const dummy: DummyRun = await dummyBulkWrite(
    chunk.map((p) => p.op),
    { ordered, ...(maxWriteBatchSize ? { maxWriteBatchSize } : {}) },
    reply,
  );
  const outcome =
    'insertedCount' in dummy.outcome && !(dummy.outcome instanceof Error)
      ? outcomeFromResult(chunk, dummy.outcome, ordered)
      : outcomeFromError(chunk, dummy.outcome, ordered);
  return { ...outcome, sent: dummy.sent };
}

const op = (o: object) => o as AnyBulkWriteOperation<Document>;
const insert = (_id: number) => op({ insertOne: { document: { _id, v: 1 } } });
const upsert = (k: number) => op({ updateOne: { filter: { k }, update: { $set: { v: 1 } }, upsert: true } });
const inc = (_id: number) => op({ updateOne: { filter: { _id }, update: { $inc: { n: 1 } } } });
const brief = (failures: readonly { index: number; kind: string; applied: string; retryable: boolean }[]) =>
  failures.map((f) => [f.index, f.kind, f.applied, f.retryable]);

describe('chunk outcome: upserts', () => {
  it('upserted[].index is the op position in the update command: ids land at the caller index of that op', async () => {
    const [a, b] = [new ObjectId(), new ObjectId()];
    const chunk = chunkOf([upsert(1), upsert(2), upsert(3), upsert(4)]);
    // update command output: n counts matched + upserted docs; upserted lists { index, _id } for
    // each op that inserted, index = position in `updates` (ops 1 and 3 here).
    const outcome = await run(chunk, false, () => ({
      ok: 1,
      n: 4,
      nModified: 2,
      upserted: [
        { index: 1, _id: a },
        { index: 3, _id: b },
      ],
    }));
    expect(outcome.upserted).toEqual([
      [101, a],
      [104, b],
    ]);
    expect(outcome.counts).toEqual({ inserted: 0, matched: 2, modified: 2, deleted: 0, upserted: 2 });
    expect(outcome.failures).toEqual([]);
  });

  it('an unordered mix of inserts and upserts: each upserted id keyed by its own op, not by the insert between them', async () => {
    const [a, b] = [new ObjectId(), new ObjectId()];
    const chunk = chunkOf([upsert(1), insert(9), upsert(3), insert(10)]);
    // Unordered, the driver sends the inserts in one command and the updates in another
    // (CRUD spec: unordered writes may be regrouped). The update command holds ops 0 and 2.
    const outcome = await run(chunk, false, (batch) =>
      batch.kind === 'insert'
        ? { ok: 1, n: 2 }
        : {
            ok: 1,
            n: 2,
            nModified: 0,
            upserted: [
              { index: 0, _id: a },
              { index: 1, _id: b },
            ],
          },
    );
    expect(outcome.sent.map((s) => [s.kind, s.indexes])).toEqual([
      ['insert', [1, 3]],
      ['update', [0, 2]],
    ]);
    expect(outcome.upserted).toEqual([
      [100, a],
      [103, b],
    ]);
    expect(outcome.inserted).toEqual([101, 104]);
    expect(outcome.counts).toMatchObject({ inserted: 2, upserted: 2, matched: 0 });
  });
});

describe('chunk outcome: per-op write errors', () => {
  it('an unordered update batch with errors at several indices: each at its own caller index, the rest applied', async () => {
    const chunk = chunkOf([inc(1), inc(2), inc(3), inc(4), inc(5)]);
    // update command output: writeErrors[] { index, code, errmsg } per failed op; n/nModified
    // count the ops that succeeded (an unordered command goes on after an error).
    const outcome = await run(chunk, false, () => ({
      ok: 1,
      n: 3,
      nModified: 3,
      writeErrors: [
        {
          index: 1,
          code: 14,
          codeName: 'TypeMismatch',
          errmsg:
            "Cannot apply $inc to a value of non-numeric type. {_id: 2} has the field 'n' of non-numeric type string",
        },
        {
          index: 3,
          code: 66,
          codeName: 'ImmutableField',
          errmsg: "Performing an update on the path '_id' would modify the immutable field '_id'",
        },
      ],
    }));
    expect(brief(outcome.failures)).toEqual([
      [101, 'writeError', 'no', false],
      [104, 'writeError', 'no', false],
    ]);
    expect(outcome.failures.map((f) => f.code)).toEqual([14, 66]);
    expect(outcome.failures[0]!.message).toMatch(/^Cannot apply \$inc/);
    expect(outcome.counts).toEqual({ inserted: 0, matched: 3, modified: 3, deleted: 0, upserted: 0 });
    expect(outcome).toMatchObject({ notAttempted: [], stop: false });
  });

  it('an ordered batch stopped mid-way: ops before the error applied, the error at its index, the rest not attempted', async () => {
    const chunk = chunkOf([insert(1), insert(2), insert(3), insert(4), insert(5)]);
    // insert command output, ordered: the server stops at the first error; n counts what it inserted.
    const outcome = await run(chunk, true, () => ({
      ok: 1,
      n: 2,
      writeErrors: [
        {
          index: 2,
          code: 11000,
          errmsg: 'E11000 duplicate key error collection: db.c index: _id_ dup key: { _id: 3 }',
          keyPattern: { _id: 1 },
          keyValue: { _id: 3 },
        },
      ],
    }));
    expect(brief(outcome.failures)).toEqual([[103, 'duplicateKey', 'no', false]]);
    expect(outcome.inserted).toEqual([100, 101]);
    expect(outcome.notAttempted).toEqual([104, 105]);
    expect(outcome.stop).toBe(true);
    expect(outcome.counts.inserted).toBe(2);
  });

  it('a duplicate key: kind duplicateKey and the colliding key, from an insert and from an update', async () => {
    const chunk = chunkOf([
      insert(1),
      insert(2),
      op({ updateOne: { filter: { _id: 3 }, update: { $set: { email: 'a@x' } } } }),
    ]);
    // Both commands report E11000 as a writeErrors entry with keyPattern and keyValue (MongoDB 4.4+).
    const outcome = await run(chunk, false, (batch) =>
      batch.kind === 'insert'
        ? {
            ok: 1,
            n: 1,
            writeErrors: [
              {
                index: 1,
                code: 11000,
                errmsg:
                  'E11000 duplicate key error collection: db.c index: email_unique dup key: { email: "b@x" }',
                keyPattern: { email: 1 },
                keyValue: { email: 'b@x' },
              },
            ],
          }
        : {
            ok: 1,
            n: 0,
            nModified: 0,
            writeErrors: [
              {
                index: 0,
                code: 11000,
                errmsg:
                  'E11000 duplicate key error collection: db.c index: email_unique dup key: { email: "a@x" }',
                keyPattern: { email: 1 },
                keyValue: { email: 'a@x' },
              },
            ],
          },
    );
    expect(brief(outcome.failures)).toEqual([
      [101, 'duplicateKey', 'no', false],
      [103, 'duplicateKey', 'no', false],
    ]);
    expect(outcome.failures.map((f) => f.keyValue)).toEqual([{ email: 'b@x' }, { email: 'a@x' }]);
    expect(outcome.inserted).toEqual([100]);
  });
});

describe('chunk outcome: write concern', () => {
  const concernReply = (code: number, codeName: string) => ({
    ok: 1,
    n: 3,
    writeErrors: [
      {
        index: 2,
        code: 11000,
        errmsg: 'E11000 duplicate key error collection: db.c index: _id_ dup key: { _id: 3 }',
        keyPattern: { _id: 1 },
        keyValue: { _id: 3 },
      },
    ],
    // Beside writeErrors, at the top level (insert command output, "writeConcernError").
    writeConcernError: {
      code,
      codeName,
      errmsg: 'waiting for replication timed out',
      errInfo: { wtimeout: true },
    },
  });

  it('a writeConcernError beside writeErrors: the failed op once, every applied op listed as applied but unconfirmed', async () => {
    const chunk = chunkOf([insert(1), insert(2), insert(3), insert(4)]);
    const outcome = await run(chunk, false, () => concernReply(64, 'WriteConcernFailed'));
    expect(brief(outcome.failures)).toEqual([
      [100, 'writeConcern', 'yes', false],
      [101, 'writeConcern', 'yes', false],
      [103, 'duplicateKey', 'no', false],
      [104, 'writeConcern', 'yes', false],
    ]);
    expect(outcome.failures[0]).toMatchObject({ code: 64, errInfo: { wtimeout: true } });
    expect(outcome.inserted).toEqual([100, 101, 104]);
    expect(outcome.counts.inserted).toBe(3);
  });

  it('a write concern error that passes (ShutdownInProgress): applied inserts may be resent, their _id makes it safe', async () => {
    const chunk = chunkOf([insert(1), insert(2), insert(3), insert(4)]);
    const outcome = await run(chunk, false, () => concernReply(91, 'ShutdownInProgress'));
    expect(brief(outcome.failures)).toEqual([
      [100, 'writeConcern', 'yes', true],
      [101, 'writeConcern', 'yes', true],
      [103, 'duplicateKey', 'no', false],
      [104, 'writeConcern', 'yes', true],
    ]);
  });
});

describe('chunk outcome: batches lost or refused', () => {
  it('a reply lost after the server applied part of the batch: every op outcome unknown, none counted', async () => {
    const chunk = chunkOf([insert(1), insert(2), inc(3), inc(4)]);
    // Ordered: the insert command is answered, then the update command's reply never comes
    // (retryable-writes spec: a network error leaves the outcome unknown).
    const outcome = await run(chunk, true, (batch) =>
      batch.kind === 'insert'
        ? { ok: 1, n: 2 }
        : new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed'),
    );
    expect(outcome.sent.map((s) => s.kind)).toEqual(['insert', 'update']);
    // Inserts may be resent (a retry confirms them by _id); a replayed $inc could apply twice.
    expect(brief(outcome.failures)).toEqual([
      [100, 'network', 'unknown', true],
      [101, 'network', 'unknown', true],
      [103, 'network', 'unknown', false],
      [104, 'network', 'unknown', false],
    ]);
    expect(outcome.failures[0]!.code).toBe('BW_OUTCOME_UNKNOWN');
    expect(outcome.counts).toEqual({ inserted: 0, matched: 0, modified: 0, deleted: 0, upserted: 0 });
    expect(outcome).toMatchObject({ inserted: [], stop: true });
  });

  it('a whole command refused with a RetryableWriteError label: transient, retryable where replay-safe', async () => {
    const chunk = chunkOf([insert(1), op({ deleteOne: { filter: { _id: 2 } } })]);
    // Retryable writes spec: { ok: 0, code: 10107, errorLabels: ['RetryableWriteError'] }.
    const outcome = await run(chunk, true, () => ({
      ok: 0,
      code: 10107,
      codeName: 'NotWritablePrimary',
      errmsg: 'not primary',
      errorLabels: ['RetryableWriteError'],
    }));
    expect(brief(outcome.failures)).toEqual([
      [100, 'transient', 'unknown', true],
      [101, 'transient', 'unknown', true],
    ]);
    expect(outcome.failures.map((f) => [f.code, f.codeName])).toEqual([
      [10107, 'NotWritablePrimary'],
      [10107, 'NotWritablePrimary'],
    ]);
  });
});

describe('chunk outcome: an insert batch split by the driver', () => {
  // The driver starts a new command when size + 1 >= maxWriteBatchSize (bulk/unordered.js), so a
  // limit of 3 gives commands of 2 ops.
  it('maxWriteBatchSize 3: errors of the second and third command at their caller indices', async () => {
    const chunk = chunkOf([insert(1), insert(2), insert(3), insert(4), insert(5)]);
    // Each command's writeErrors[].index is local to that command; the driver adds the batch offset.
    const outcome = await run(
      chunk,
      false,
      (_batch, n) =>
        n === 0
          ? { ok: 1, n: 2 }
          : {
              ok: 1,
              n: 0,
              writeErrors: [
                {
                  index: n === 1 ? 1 : 0,
                  code: 11000,
                  errmsg: 'E11000 duplicate key error',
                  keyValue: { _id: 0 },
                },
              ],
              ...(n === 1 ? { n: 1 } : {}),
            },
      3,
    );
    expect(outcome.sent.map((s) => s.indexes)).toEqual([[0, 1], [2, 3], [4]]);
    expect(brief(outcome.failures)).toEqual([
      [104, 'duplicateKey', 'no', false],
      [105, 'duplicateKey', 'no', false],
    ]);
    expect(outcome.inserted).toEqual([100, 101, 103]);
    expect(outcome.counts.inserted).toBe(3);
  });

  it('ordered, the second command lost: the whole chunk outcome unknown, nothing after it sent', async () => {
    const chunk = chunkOf([insert(1), insert(2), insert(3), insert(4), insert(5)]);
    const outcome = await run(
      chunk,
      true,
      (_batch, n) => (n === 0 ? { ok: 1, n: 2 } : new MongoNetworkError('read ECONNRESET')),
      3,
    );
    expect(outcome.sent).toHaveLength(2);
    expect(outcome.failures.map((f) => f.index)).toEqual([100, 101, 103, 104, 105]);
    expect(new Set(outcome.failures.map((f) => `${f.kind}/${f.applied}/${f.retryable}`))).toEqual(
      new Set(['network/unknown/true']),
    );
  });
});

describe('dupKeyOf: the key of an E11000 message, as the driver leaves only the message', () => {
  it.each([
    [
      'E11000 duplicate key error collection: db.c index: email_1 dup key: { email: "a\\"b@x" }',
      { email: 'a"b@x' },
    ],
    ['E11000 duplicate key error collection: db.c index: _id_ dup key: { _id: 3 }', { _id: 3 }],
    [
      'E11000 duplicate key error collection: db.c index: a_1_b_1 dup key: { a: -1.5, b: null }',
      { a: -1.5, b: null },
    ],
    [
      "E11000 duplicate key error collection: db.c index: _id_ dup key: { _id: ObjectId('65a1b2c3d4e5f6a7b8c9d0e1') }",
      { _id: new ObjectId('65a1b2c3d4e5f6a7b8c9d0e1') },
    ],
  ])('%s', (message, key) => {
    expect(dupKeyOf(message)).toEqual(key);
  });

  it('gives nothing rather than a guess for values it does not read', () => {
    expect(
      dupKeyOf('E11000 duplicate key error collection: db.c index: d_1 dup key: { d: new Date(0) }'),
    ).toBe(undefined);
    expect(dupKeyOf('E11000 duplicate key error')).toBe(undefined);
  });
});
