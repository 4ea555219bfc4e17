/**
 * bulkWrite across collections: one call, ops naming their models, one report in the caller's
 * indices. The grouped path runs on the test server (FerretDB reports wire version 21, no
 * client-level bulkWrite); the MongoDB 8.0 path runs through the scripted wire server answering
 * the `bulkWrite` command as the server documents it.
 */
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bulkWrite, defineModel } from '../../src/index.js';
import { useTestDb } from '../support/db.js';
import {
  clientBulkWriteReply,
  type ReceivedClientBulkWrite,
  startScriptedServer,
} from '../support/wire-server.js';

const t = useTestDb('bulk_write_across');
const orderSchema = z.object({ _id: z.string(), total: z.number().nonnegative() });
const lineSchema = z.object({ _id: z.string(), order: z.string(), qty: z.number().int().positive() });
const models = (db = t.db, suffix = '') => ({
  Order: defineModel({ db, collection: `orders${suffix}`, schema: orderSchema }),
  Line: defineModel({ db, collection: `lines${suffix}`, schema: lineSchema }),
});

describe('bulkWrite across collections (grouped per collection)', () => {
  it('unordered: writes every valid op and reports failures at the caller’s indices', async () => {
    const { Order, Line } = models(t.db, '_u');
    await Order.collection().insertOne({ _id: 'o0', total: 1 });
    const report = await bulkWrite(
      [
        { model: Order, insertOne: { document: { _id: 'o1', total: 10 } } },
        { model: Line, insertOne: { document: { _id: 'l1', order: 'o1', qty: 2 } } },
        { model: Order, insertOne: { document: { _id: 'o0', total: 5 } } }, // duplicate _id
        { model: Line, insertOne: { document: { _id: 'l2', order: 'o1', qty: 0 } } }, // invalid qty
        { model: Order, updateOne: { filter: { _id: 'o0' }, update: { $inc: { total: 1 } } } },
        { model: Line, deleteOne: { filter: { _id: 'nope' } } },
      ],
      { ordered: false },
    );
    expect(report.failures.map((f) => [f.index, f.kind])).toEqual([
      [2, 'duplicateKey'],
      [3, 'validation'],
    ]);
    expect([report.insertedCount, report.matchedCount, report.deletedCount]).toEqual([2, 1, 0]);
    expect(report.insertedIds).toEqual({ 0: 'o1', 1: 'l1' });
    expect(await Order.collection().findOne({ _id: 'o0' })).toEqual({ _id: 'o0', total: 2 });
  });

  it('ordered: stops at the first failure across collections; the rest is notAttempted', async () => {
    const { Order, Line } = models(t.db, '_o');
    await Line.collection().insertOne({ _id: 'l1', order: 'o1', qty: 1 });
    const report = await bulkWrite([
      { model: Order, insertOne: { document: { _id: 'o1', total: 10 } } },
      { model: Order, insertOne: { document: { _id: 'o2', total: 10 } } },
      { model: Line, insertOne: { document: { _id: 'l1', order: 'o1', qty: 2 } } }, // duplicate
      { model: Order, insertOne: { document: { _id: 'o3', total: 10 } } },
      { model: Line, insertOne: { document: { _id: 'l4', order: 'o3', qty: 2 } } },
    ]);
    expect(report.failures.map((f) => [f.index, f.kind])).toEqual([[2, 'duplicateKey']]);
    expect(report.notAttempted).toEqual([3, 4]);
    expect(report.insertedCount).toBe(2);
    expect(await Order.collection().countDocuments()).toBe(2);
  });

  it('ordered: a plan failure stops the call there too, before anything after it is sent', async () => {
    const { Order, Line } = models(t.db, '_p');
    const report = await bulkWrite([
      { model: Order, insertOne: { document: { _id: 'o1', total: 1 } } },
      { model: Line, insertOne: { document: { _id: 'l1', order: 'o1', qty: -1 } } },
      { model: Order, insertOne: { document: { _id: 'o2', total: 1 } } },
    ]);
    expect(report.failures.map((f) => f.index)).toEqual([1]);
    expect(report.notAttempted).toEqual([2]);
    expect(await Order.collection().countDocuments()).toBe(1);
  });
});

describe('bulkWrite across collections (MongoDB 8.0 client-level bulkWrite, scripted server)', () => {
  const servers: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  async function connect(errors: Map<number, { code: number; errmsg: string }>) {
    const server = await startScriptedServer({
      hello: { maxWireVersion: 25 },
      clientBulkWrite: (command: ReceivedClientBulkWrite) => clientBulkWriteReply(command, errors),
    });
    servers.push(server);
    const client = await MongoClient.connect(server.uri(), { serverSelectionTimeoutMS: 2000 });
    return { server, client, ...models(client.db('shop')) };
  }

  it('sends one bulkWrite command naming both namespaces and maps per-op results to the caller’s indices', async () => {
    const { server, client, Order, Line } = await connect(
      new Map([[2, { code: 11000, errmsg: 'E11000 duplicate key' }]]),
    );
    try {
      const report = await bulkWrite(
        [
          { model: Order, insertOne: { document: { _id: 'o1', total: 10 } } },
          { model: Line, updateOne: { filter: { _id: 'l1' }, update: { $set: { qty: 3 } } } },
          { model: Order, insertOne: { document: { _id: 'o0', total: 5 } } },
          { model: Line, insertOne: { document: { _id: 'l2', order: 'o1', qty: 0 } } }, // invalid: never sent
          { model: Line, deleteOne: { filter: { _id: 'l9' } } },
        ],
        { ordered: false },
      );
      expect(server.clientBulkWrites).toHaveLength(1);
      expect(server.writes).toHaveLength(0); // no per-collection insert/update/delete commands
      const command = server.clientBulkWrites[0]!;
      expect(command.namespaces.sort()).toEqual(['shop.lines', 'shop.orders']);
      expect(command.ops).toHaveLength(4);
      expect(report.failures.map((f) => [f.index, f.kind, f.code])).toEqual([
        [2, 'duplicateKey', 11000],
        [3, 'validation', 'BW_VALIDATION'],
      ]);
      expect([report.insertedCount, report.matchedCount, report.deletedCount]).toEqual([1, 1, 1]);
      expect(report.insertedIds).toEqual({ 0: 'o1' });
    } finally {
      await client.close();
    }
  });

  it('ordered: the first write error stops the call; later ops are notAttempted', async () => {
    const { client, Order, Line } = await connect(
      new Map([[1, { code: 121, errmsg: 'Document failed validation' }]]),
    );
    try {
      const report = await bulkWrite([
        { model: Order, insertOne: { document: { _id: 'o1', total: 10 } } },
        { model: Line, insertOne: { document: { _id: 'l1', order: 'o1', qty: 1 } } },
        { model: Order, insertOne: { document: { _id: 'o2', total: 10 } } },
      ]);
      expect(report.failures.map((f) => [f.index, f.code])).toEqual([[1, 121]]);
      expect(report.notAttempted).toEqual([2]);
      expect(report.insertedCount).toBe(1);
    } finally {
      await client.close();
    }
  });
});
