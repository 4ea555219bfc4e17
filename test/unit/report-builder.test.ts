/**
 * ReportBuilder fed with chunk outcomes the adapter made from driver results (dummy driver, no
 * server; reply shapes cited in chunk-outcome.test.ts): every caller index ends in exactly one place.
 */
import { type AnyBulkWriteOperation, type Document, MongoNetworkError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { PlannedOp } from '../../src/core/planned-op.js';
import { outcomeFromError, outcomeFromResult } from '../../src/report/chunk-outcome.js';
import { ReportBuilder } from '../../src/report/report-builder.js';
import { type BatchReply, dummyBulkWrite } from '../support/dummy-driver.js';

const op = (o: object) => o as AnyBulkWriteOperation<Document>;
const insert = (_id: number) => op({ insertOne: { document: { _id } } });
const planned = (indexes: number[], make: (i: number) => AnyBulkWriteOperation<Document>): PlannedOp[] =>
  indexes.map((index) => ({ index, op: make(index) }));

async function outcome(chunk: PlannedOp[], ordered: boolean, reply: BatchReply) {
  const { outcome: got } = await dummyBulkWrite(
    chunk.map((p) => p.op),
    { ordered },
    () => reply,
  );
  return got instanceof Error
    ? outcomeFromError(chunk, got, ordered)
    : outcomeFromResult(chunk, got, ordered);
}

const dup = (index: number) => ({
  index,
  code: 11000,
  errmsg: `E11000 duplicate key error dup key: { _id: ${index} }`,
});

describe('ReportBuilder', () => {
  it('unordered: counts, ids and failures from several chunks, each at its caller index', async () => {
    const builder = new ReportBuilder('insert', false, 7);
    builder.addPlanFailures([
      {
        index: 2,
        kind: 'validation',
        code: 'BW_VALIDATION',
        message: 'bad',
        retryable: false,
        applied: 'no',
        op: {},
      },
    ]);
    const a = planned([0, 1, 3], insert);
    builder.addChunk(a, await outcome(a, false, { ok: 1, n: 2, writeErrors: [dup(1)] }), 1, 1);
    const b = planned([4, 5, 6], insert);
    builder.addChunk(b, await outcome(b, false, new MongoNetworkError('closed')), 1, 1);
    const report = builder.finish();
    expect(report).toMatchObject({ ok: false, total: 7, insertedCount: 2, notAttempted: [] });
    expect(Object.keys(report.insertedIds)).toEqual(['0', '3']);
    expect(report.failures.map((f) => [f.index, f.kind, f.applied, f.retryable])).toEqual([
      [1, 'duplicateKey', 'no', false],
      [2, 'validation', 'no', false],
      [4, 'network', 'unknown', true],
      [5, 'network', 'unknown', true],
      [6, 'network', 'unknown', true],
    ]);
    expect(builder.done).toBe(7);
    expect(report.stats).toMatchObject({ batches: 2, attempts: 1 });
  });

  it('ordered: what a stopped chunk did not reach is notAttempted; retry takes it only up to a failure that cannot pass', async () => {
    const builder = new ReportBuilder('insert', true, 5);
    const chunk = planned([0, 1, 2, 3, 4], insert);
    builder.addChunk(chunk, await outcome(chunk, true, { ok: 1, n: 1, writeErrors: [dup(1)] }), 1, 1);
    expect(builder.takeRetryable()).toEqual([]);
    const report = builder.finish();
    expect(report).toMatchObject({ insertedCount: 1, notAttempted: [2, 3, 4] });
    expect(report.failures.map((f) => f.index)).toEqual([1]);
  });

  it('a write-concern failure is counted as written and listed as a failure', async () => {
    const builder = new ReportBuilder('insert', false, 2);
    const chunk = planned([0, 1], insert);
    const reply = {
      ok: 1,
      n: 2,
      writeConcernError: { code: 64, codeName: 'WriteConcernFailed', errmsg: 'timeout' },
    };
    builder.addChunk(chunk, await outcome(chunk, false, reply), 1, 1);
    const report = builder.finish();
    expect(report.insertedCount).toBe(2);
    expect(report.failures.map((f) => [f.index, f.kind, f.applied])).toEqual([
      [0, 'writeConcern', 'yes'],
      [1, 'writeConcern', 'yes'],
    ]);
  });

  it('a lost insert confirmed on retry is counted once and leaves the failures', async () => {
    const builder = new ReportBuilder('insert', false, 2);
    const chunk = planned([0, 1], insert);
    builder.addChunk(chunk, await outcome(chunk, false, new MongoNetworkError('reset')), 1, 1);
    const taken = builder.takeRetryable();
    expect(taken.map((t) => t.planned.index)).toEqual([0, 1]);
    builder.confirmInserted(0, 0, taken[0]!.previous);
    builder.addChunk([taken[1]!.planned], await outcome([taken[1]!.planned], false, { ok: 1, n: 1 }), 1, 2);
    const report = builder.finish();
    expect(report).toMatchObject({ ok: true, insertedCount: 2, insertedIds: { 0: 0, 1: 1 }, failures: [] });
    expect(report.stats.attempts).toBe(2);
  });

  it('upserts from an unordered mixed chunk: upsertedIds keyed by the caller index of each upsert', async () => {
    const builder = new ReportBuilder('write', false, 3);
    const chunk: PlannedOp[] = [
      { index: 10, op: op({ updateOne: { filter: { k: 1 }, update: { $set: { v: 1 } }, upsert: true } }) },
      { index: 11, op: insert(11) },
      { index: 12, op: op({ updateOne: { filter: { k: 2 }, update: { $set: { v: 1 } }, upsert: true } }) },
    ];
    const { outcome: got } = await dummyBulkWrite(
      chunk.map((p) => p.op),
      { ordered: false },
      (batch) =>
        batch.kind === 'insert'
          ? { ok: 1, n: 1 }
          : {
              ok: 1,
              n: 2,
              nModified: 0,
              upserted: [
                { index: 0, _id: 'u1' },
                { index: 1, _id: 'u2' },
              ],
            },
    );
    builder.addChunk(chunk, outcomeFromResult(chunk, got as never, false), 1, 1);
    const report = builder.finish();
    expect(report).toMatchObject({ upsertedCount: 2, insertedCount: 1, upsertedIds: { 10: 'u1', 12: 'u2' } });
    expect(report.insertedIds).toEqual({ 11: 11 });
  });
});
