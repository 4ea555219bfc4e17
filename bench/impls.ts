/**
 * The in-process implementations under comparison. Each is prepared (connections, models) outside
 * the measured window, then given the same documents or ops. Every one runs in its own fresh Node
 * process (see worker.ts), so its CPU and RSS are its own.
 */
import { type AnyBulkWriteOperation, type Db, type Document, MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import pMap from 'p-map';
import type { z } from 'zod';
import type * as Bulkwright from '../src/index.js';
import { loadBulkwright } from './bulkwright.js';
import type { DocKind } from './data.js';
import { addCounts, chunks, type MixedCounts } from './mixed.js';
import { mongooseSchema, zodSchemas } from './schemas.js';

export interface ImplContext {
  readonly uri: string;
  readonly dbName: string;
  readonly collection: string;
  readonly kind: DocKind;
}

export interface Runner {
  insert?(docs: Document[]): Promise<number>;
  /** The ops in bulkWrite calls of `batchSize` ops (one after another for driver and Mongoose). */
  mixed?(ops: AnyBulkWriteOperation[], batchSize: number): Promise<MixedCounts>;
  close(): Promise<void>;
}

export type InProcessId =
  | 'driver'
  | 'driver-chunked'
  | 'driver-zod'
  | 'driver-insertOne'
  | 'mongoose'
  | 'mongoose-lean'
  | 'bulkwright'
  | 'bulkwright-novalidate';

/**
 * bulkwright runs unordered, as the raw driver's row, and otherwise at its shipped defaults: chunks of
 * 1,000, 4 in flight (src/execute/run-settings.ts, src/plan/options.ts), the benchmark issue's setting.
 */
const BULKWRIGHT_OPTIONS = { ordered: false } as const;

/** bulkwright's default batching, for the raw driver row that sends as bulkwright does. */
const SAME_BATCHING = { batchSize: 1000, concurrency: 4 } as const;

interface DriverBulkResult {
  insertedCount: number;
  matchedCount: number;
  upsertedCount: number;
  deletedCount: number;
}

const countsOf = (r: Partial<DriverBulkResult>): MixedCounts => ({
  inserted: r.insertedCount ?? Number.NaN,
  matched: r.matchedCount ?? Number.NaN,
  upserted: r.upsertedCount ?? Number.NaN,
  deleted: r.deletedCount ?? Number.NaN,
});

async function driver(ctx: ImplContext): Promise<{ db: Db; close(): Promise<void> }> {
  const client = await new MongoClient(ctx.uri).connect();
  return { db: client.db(ctx.dbName), close: () => client.close() };
}

export const implementations: Record<InProcessId, (ctx: ImplContext) => Promise<Runner>> = {
  async driver(ctx) {
    const { db, close } = await driver(ctx);
    const coll = db.collection(ctx.collection);
    return {
      async insert(docs) {
        return (await coll.insertMany(docs, { ordered: false })).insertedCount;
      },
      async mixed(ops, batchSize) {
        let total = countsOf({ insertedCount: 0, matchedCount: 0, upsertedCount: 0, deletedCount: 0 });
        for (const batch of chunks(ops, batchSize)) {
          total = addCounts(total, countsOf(await coll.bulkWrite(batch, { ordered: false })));
        }
        return total;
      },
      close,
    };
  },

  // The raw driver batched as bulkwright's rows are (insertMany per 1,000, 4 in flight): what the
  // batching itself costs, apart from the library.
  async 'driver-chunked'(ctx) {
    const { db, close } = await driver(ctx);
    const coll = db.collection(ctx.collection);
    return {
      async insert(docs) {
        const { batchSize, concurrency } = SAME_BATCHING;
        const send = async (part: Document[]) =>
          (await coll.insertMany(part, { ordered: false })).insertedCount;
        const counts = await pMap(chunks(docs, batchSize), send, { concurrency });
        return counts.reduce((sum, n) => sum + n, 0);
      },
      close,
    };
  },

  // The raw driver after the same Zod parse bulkwright runs: what the validation itself costs.
  async 'driver-zod'(ctx) {
    const { db, close } = await driver(ctx);
    const coll = db.collection(ctx.collection);
    const schema = zodSchemas[ctx.kind];
    return {
      async insert(docs) {
        const parsed = docs.map((doc) => schema.parse(doc) as Document);
        return (await coll.insertMany(parsed, { ordered: false })).insertedCount;
      },
      close,
    };
  },

  async 'driver-insertOne'(ctx) {
    const { db, close } = await driver(ctx);
    const coll = db.collection(ctx.collection);
    return {
      async insert(docs) {
        let n = 0;
        for (const doc of docs) {
          await coll.insertOne(doc);
          n++;
        }
        return n;
      },
      close,
    };
  },

  async mongoose(ctx) {
    return mongooseRunner(ctx, false);
  },

  async 'mongoose-lean'(ctx) {
    return mongooseRunner(ctx, true);
  },

  async bulkwright(ctx) {
    return bulkwrightRunner(ctx, true);
  },

  async 'bulkwright-novalidate'(ctx) {
    return bulkwrightRunner(ctx, false);
  },
};

async function mongooseRunner(ctx: ImplContext, lean: boolean): Promise<Runner> {
  const conn = await mongoose.createConnection(ctx.uri, { dbName: ctx.dbName, autoIndex: false }).asPromise();
  const Model = conn.model(`Bench${ctx.kind}`, mongooseSchema(ctx.kind), ctx.collection);
  return {
    async insert(docs) {
      if (lean) {
        const result = await Model.insertMany(docs, { ordered: false, lean: true, rawResult: true });
        return result.insertedCount;
      }
      const result = await Model.insertMany(docs, { ordered: false, rawResult: true });
      return result.insertedCount;
    },
    async mixed(ops, batchSize) {
      let total = countsOf({ insertedCount: 0, matchedCount: 0, upsertedCount: 0, deletedCount: 0 });
      for (const batch of chunks(ops, batchSize)) {
        // biome-ignore lint/suspicious/noExplicitAny: Mongoose's op type is its own; the ops are driver-format.
        total = addCounts(total, countsOf(await Model.bulkWrite(batch as any, { ordered: false })));
      }
      return total;
    },
    close: () => conn.close(),
  };
}

async function bulkwrightRunner(ctx: ImplContext, validate: boolean): Promise<Runner> {
  const bw = await loadBulkwright();
  const { db, close } = await driver(ctx);
  const model = bw
    .defineModel({ collection: ctx.collection, schema: zodSchemas[ctx.kind] as z.ZodObject })
    .bind(db) as unknown as Bulkwright.Model<z.ZodObject, Document, Document>;
  const check = (report: { ok: boolean; failures: readonly unknown[] }) => {
    if (!report.ok) {
      throw new Error(`bulkwright reported failures: ${JSON.stringify(report.failures.slice(0, 3))}`);
    }
  };
  return {
    async insert(docs) {
      const report = await bw.bulkInsert(model, docs, { ...BULKWRIGHT_OPTIONS, validate });
      check(report);
      return report.insertedCount;
    },
    async mixed(ops, batchSize) {
      const report = await bw.bulkWrite(model, ops as Bulkwright.WriteOp<Document, Document>[], {
        ...BULKWRIGHT_OPTIONS,
        batchSize,
        validate,
      });
      check(report);
      return countsOf(report);
    },
    close,
  };
}
