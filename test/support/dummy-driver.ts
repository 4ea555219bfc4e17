/**
 * The driver's own bulk machinery without a server (kysely's DummyDriver idea): ops are batched by
 * the driver's real `OrderedBulkOperation`/`UnorderedBulkOperation`, each batch's server reply is
 * given by the test, and the replies are merged by the driver's own `mergeBatchResults` into its
 * own `BulkWriteResult` / `MongoBulkWriteError`. The loop below is `executeCommands` of
 * node_modules/mongodb/lib/bulk/common.js (driver 7.9) with `executeOperation` replaced by the
 * scripted reply, so what the adapter receives is what the driver would hand it for that reply.
 */
import { createRequire } from 'node:module';
import {
  type AnyBulkWriteOperation,
  type BulkWriteResult,
  type Document,
  MongoBulkWriteError,
  MongoServerError,
  MongoWriteConcernError,
} from 'mongodb';

const require = createRequire(import.meta.url);

interface DriverBatch {
  readonly batchType: 1 | 2 | 3;
  readonly originalZeroIndex: number;
  readonly originalIndexes: number[];
  readonly operations: Document[];
}

interface DriverBulk {
  readonly isOrdered: boolean;
  readonly s: { batches: DriverBatch[]; bulkResult: Document; currentBatch?: DriverBatch } & Record<
    string,
    DriverBatch | undefined | unknown
  >;
  raw(op: AnyBulkWriteOperation<Document>): unknown;
  handleWriteError(result: BulkWriteResult): void;
}

const common = require('mongodb/lib/bulk/common.js') as {
  BulkWriteResult: new (bulkResult: Document, ordered: boolean) => BulkWriteResult;
  mergeBatchResults(batch: DriverBatch, bulkResult: Document, err: unknown, result: unknown): void;
};
const { OrderedBulkOperation } = require('mongodb/lib/bulk/ordered.js') as {
  OrderedBulkOperation: new (collection: unknown, options: Document) => DriverBulk;
};
const { UnorderedBulkOperation } = require('mongodb/lib/bulk/unordered.js') as {
  UnorderedBulkOperation: new (collection: unknown, options: Document) => DriverBulk;
};

export type BatchKind = 'insert' | 'update' | 'delete';

/** One command the driver would send: its kind and the ops in it, as chunk-local indices. */
export interface SentBatch {
  readonly kind: BatchKind;
  /** Chunk-local index of each op in the command, in command order. */
  readonly indexes: readonly number[];
  /** The statements as sent (`documents`, `updates` or `deletes` entries). */
  readonly statements: readonly Document[];
}

/** The server's reply document, or a thrown error (a network error, say) instead of one. */
export type BatchReply = Document | Error;

export interface DummyRun {
  /** What `collection.bulkWrite` returns or throws. */
  readonly outcome: BulkWriteResult | MongoBulkWriteError;
  /** The commands that were "sent", in order. */
  readonly sent: readonly SentBatch[];
}

const kinds: Record<number, BatchKind> = { 1: 'insert', 2: 'update', 3: 'delete' };

/**
 * Runs `ops` as `collection.bulkWrite(ops, { ordered })` would, with `reply` answering each
 * command. `maxWriteBatchSize` is the server's limit from `hello` (splits batches as the driver does).
 */
export async function dummyBulkWrite(
  ops: readonly AnyBulkWriteOperation<Document>[],
  options: { ordered: boolean; maxWriteBatchSize?: number },
  reply: (batch: SentBatch, n: number) => BatchReply,
): Promise<DummyRun> {
  const hello = {
    maxWriteBatchSize: options.maxWriteBatchSize ?? 100_000,
    maxBsonObjectSize: 16 * 1024 * 1024,
  };
  const collection = {
    s: { namespace: { db: 'db', collection: 'c', toString: () => 'db.c' }, pkFactory: undefined },
    db: { options: {} },
    client: { topology: { lastHello: () => hello, s: { options: {} } } },
  };
  const bulk = options.ordered
    ? new OrderedBulkOperation(collection, {})
    : new UnorderedBulkOperation(collection, {});
  for (const op of ops) bulk.raw(structuredClone(op));
  // execute(): the open batches join the list (unordered: inserts, then updates, then deletes).
  const s = bulk.s;
  if (bulk.isOrdered) {
    if (s.currentBatch) s.batches.push(s.currentBatch);
  } else {
    for (const key of ['currentInsertBatch', 'currentUpdateBatch', 'currentRemoveBatch']) {
      const batch = s[key] as DriverBatch | undefined;
      if (batch) s.batches.push(batch);
    }
  }
  const sent: SentBatch[] = [];
  const result = () => new common.BulkWriteResult(s.bulkResult, bulk.isOrdered);
  try {
    // executeCommands(), with the scripted reply in place of executeOperation.
    for (const batch of s.batches) {
      const sentBatch: SentBatch = {
        kind: kinds[batch.batchType]!,
        indexes: [...batch.originalIndexes],
        statements: batch.operations,
      };
      sent.push(sentBatch);
      const answer = reply(sentBatch, sent.length - 1);
      // executeOperation throws on { ok: 0 } (a MongoServerError) and on a reply with a
      // writeConcernError (MongoWriteConcernError, server.js → throwIfWriteConcernError).
      const thrown =
        answer instanceof Error
          ? answer
          : answer.ok === 0
            ? new MongoServerError(answer)
            : answer.writeConcernError
              ? new MongoWriteConcernError(answer as never)
              : null;
      if (thrown instanceof MongoWriteConcernError) {
        common.mergeBatchResults(batch, s.bulkResult, thrown, undefined);
        const wce = (thrown.result as Document).writeConcernError as Document;
        throw new MongoBulkWriteError({ message: wce.errmsg, code: wce.code }, result());
      }
      if (thrown) throw new MongoBulkWriteError(thrown as never, result());
      common.mergeBatchResults(batch, s.bulkResult, null, answer);
      bulk.handleWriteError(result());
    }
    s.batches.length = 0;
    const final = result();
    bulk.handleWriteError(final);
    return { outcome: final, sent };
  } catch (error) {
    if (error instanceof MongoBulkWriteError) return { outcome: error, sent };
    throw error;
  }
}
