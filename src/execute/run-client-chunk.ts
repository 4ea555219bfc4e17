/**
 * Sends one chunk of ops, which may target several collections, as the client-level `bulkWrite`
 * command (MongoDB 8.0+) in one round trip, and maps its per-op results and errors to a chunk
 * outcome at the caller's indices.
 */
import {
  type AnyClientBulkWriteModel,
  type ClientBulkWriteOptions,
  type ClientBulkWriteResult,
  type Document,
  type MongoClient,
  MongoClientBulkWriteError,
} from 'mongodb';
import type { Failure } from '../core/failure.js';
import type { PlannedOp } from '../core/planned-op.js';
import { type ChunkOutcome, outcomeFromError, zeroCounts } from '../report/chunk-outcome.js';
import { isRetryableCode, writeErrorKind } from '../report/classify.js';
import type { ChunkSettings } from './run-chunk.js';

export async function runClientChunk(
  client: MongoClient,
  chunk: readonly PlannedOp[],
  namespaceOf: (index: number) => string,
  settings: ChunkSettings,
): Promise<ChunkOutcome> {
  const models = chunk.map((p) => toClientModel(p, namespaceOf(p.index)));
  const options: ClientBulkWriteOptions = { ordered: settings.ordered, verboseResults: true };
  if (settings.writeConcern) options.writeConcern = settings.writeConcern;
  if (settings.bypassDocumentValidation !== undefined)
    options.bypassDocumentValidation = settings.bypassDocumentValidation;
  try {
    return fromResult(chunk, await client.bulkWrite(models, options), new Map(), settings.ordered);
  } catch (error) {
    if (!(error instanceof MongoClientBulkWriteError) || error.writeErrors.size === 0)
      return outcomeFromError(chunk, error, settings.ordered);
    return fromResult(chunk, error.partialResult, error.writeErrors, settings.ordered);
  }
}

function fromResult(
  chunk: readonly PlannedOp[],
  result: ClientBulkWriteResult | undefined,
  errors: ReadonlyMap<number, { code: number; message: string }>,
  ordered: boolean,
): ChunkOutcome {
  const failures: Failure[] = [];
  const notAttempted: number[] = [];
  const inserted: number[] = [];
  const upserted: [number, unknown][] = [];
  const firstError = errors.size > 0 ? Math.min(...errors.keys()) : chunk.length;
  chunk.forEach((planned, local) => {
    const error = errors.get(local);
    if (error) {
      failures.push({
        index: planned.index,
        kind: writeErrorKind(error.code),
        code: error.code,
        message: error.message,
        retryable: isRetryableCode(error.code),
        applied: 'no',
        op: planned.op,
      });
    } else if (ordered && local > firstError) {
      notAttempted.push(planned.index);
    } else if (result?.insertResults?.has(local)) {
      inserted.push(planned.index);
    } else {
      const upsertedId = result?.updateResults?.get(local)?.upsertedId;
      if (upsertedId !== undefined && upsertedId !== null) upserted.push([planned.index, upsertedId]);
    }
  });
  const counts = result
    ? {
        inserted: result.insertedCount,
        matched: result.matchedCount,
        modified: result.modifiedCount,
        deleted: result.deletedCount,
        upserted: result.upsertedCount,
      }
    : zeroCounts();
  return { counts, inserted, upserted, failures, notAttempted, stop: ordered && errors.size > 0 };
}

function toClientModel(planned: PlannedOp, namespace: string): AnyClientBulkWriteModel<Document> {
  const op = planned.op as Document;
  const [name] = Object.keys(op) as [AnyClientBulkWriteModel<Document>['name']];
  return { namespace, name, ...op[name] } as AnyClientBulkWriteModel<Document>;
}
