/** Sends one chunk through the driver's bulkWrite: the only place that writes. */
import {
  BSON,
  type BulkWriteOptions,
  type ClientSession,
  type Collection,
  type Document,
  MongoBulkWriteError,
  MongoError,
  MongoNetworkTimeoutError,
} from 'mongodb';
import { ClientCode, clientFailure, type Failure, FailureKind } from '../core/failure.js';
import type { PlannedOp } from '../core/planned-op.js';
import { driverRefusal } from '../plan/driver-shape.js';
import { DEFAULT_BATCH_TIMEOUT_MS } from '../plan/options.js';
import { validationFailure } from '../plan/validate.js';
import {
  type ChunkOutcome,
  outcomeFromError,
  outcomeFromResult,
  zeroCounts,
} from '../report/chunk-outcome.js';

export interface ChunkSettings {
  readonly ordered: boolean;
  readonly session: ClientSession | undefined;
  readonly writeConcern: BulkWriteOptions['writeConcern'];
  readonly bypassDocumentValidation: boolean | undefined;
  readonly comment?: unknown;
  readonly let?: Document | undefined;
  readonly maxBsonObjectSize: number;
  /**
   * How long a batch may wait for the server's reply. Past it the driver drops the connection and
   * the batch counts as lost in flight (outcome unknown, resent where replay-safe): a server that
   * accepts a batch and never answers cannot hang the run. Undefined: the default, 60 s, so every
   * path that writes (verbs, retries, migrations, streams) has one.
   */
  readonly batchTimeoutMs?: number;
}

export async function runChunk(
  collection: Collection<Document>,
  chunk: readonly PlannedOp[],
  settings: ChunkSettings,
): Promise<ChunkOutcome> {
  const options: BulkWriteOptions = { ordered: settings.ordered };
  if (settings.session) options.session = settings.session;
  if (settings.writeConcern) options.writeConcern = settings.writeConcern;
  if (settings.bypassDocumentValidation !== undefined)
    options.bypassDocumentValidation = settings.bypassDocumentValidation;
  if (settings.comment !== undefined) options.comment = settings.comment;
  if (settings.let) options.let = settings.let;
  const timeoutMs = settings.batchTimeoutMs ?? DEFAULT_BATCH_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  // The driver honours `signal` on every operation (bulkWrite's option type omits it).
  (options as BulkWriteOptions & { signal?: AbortSignal }).signal = deadline;
  try {
    const result = await collection.bulkWrite(
      chunk.map((p) => p.op),
      options,
    );
    return outcomeFromResult(chunk, result, settings.ordered);
  } catch (thrown) {
    // The driver words an expired signal as a plain bulk error; said as what it is, a lost batch.
    const error = deadline.aborted
      ? new MongoNetworkTimeoutError(
          `no reply within batchTimeoutMs (${timeoutMs} ms); the connection was dropped`,
        )
      : thrown;
    // In a transaction, a transient error means the server aborted it: no op of it stands, and the
    // whole transaction must run again, which `withTransaction` does when the error reaches it.
    if (
      settings.session?.inTransaction() &&
      error instanceof MongoError &&
      error.hasErrorLabel('TransientTransactionError')
    )
      throw error;
    if (error instanceof MongoBulkWriteError || !isRejectedBeforeSending(error)) {
      return outcomeFromError(chunk, error, settings.ordered);
    }
    return splitOutUnsendable(collection, chunk, settings, error);
  }
}

/**
 * The driver refuses a whole bulk, before sending anything, when one document is over the size
 * limit, cannot be encoded, or is an op shape it does not send. Sizing every document up front would tax every call; instead, only
 * when that happens, find the culprits, fail them at their own index, and send the rest.
 */
async function splitOutUnsendable(
  collection: Collection<Document>,
  chunk: readonly PlannedOp[],
  settings: ChunkSettings,
  original: unknown,
): Promise<ChunkOutcome> {
  const bad: Failure[] = [];
  for (const planned of chunk) {
    const failure = screen(planned, settings.maxBsonObjectSize);
    if (failure) bad.push(failure);
  }
  if (bad.length === 0) throw original;
  const firstBad = bad[0]!.index;
  const badIndexes = new Set(bad.map((f) => f.index));
  const sendable = chunk.filter((p) => !badIndexes.has(p.index) && (!settings.ordered || p.index < firstBad));
  const sent = sendable.length > 0 ? await runChunk(collection, sendable, settings) : emptyOutcome();
  if (!settings.ordered)
    return { ...sent, failures: [...sent.failures, ...bad].sort((a, b) => a.index - b.index) };
  // Ordered: what precedes the first bad op was sent; the bad op stops the run, unless it
  // stopped earlier, in which case the bad op was never reached either.
  const after = (from: number) => chunk.filter((p) => p.index >= from).map((p) => p.index);
  if (sent.stop) return { ...sent, notAttempted: [...sent.notAttempted, ...after(firstBad)] };
  return { ...sent, failures: [...sent.failures, bad[0]!], notAttempted: after(firstBad + 1), stop: true };
}

function screen(planned: PlannedOp, maxBytes: number): Failure | undefined {
  // Planning refuses these already; ops built elsewhere (a stream's records) meet them here.
  const refused = driverRefusal(planned.op);
  if (refused) return validationFailure(planned.index, planned.op, [refused]);
  try {
    const payload = payloadOf(planned.op);
    const size = BSON.calculateObjectSize(payload);
    if (size < maxBytes) {
      // Sizing does not check key names; encoding does (a NUL byte in a key, for one).
      BSON.serialize(payload);
      return undefined;
    }
    const message = `document is ${size} bytes, over the server's maxBsonObjectSize of ${maxBytes}`;
    return clientFailure(
      planned.index,
      FailureKind.invalidDocument,
      ClientCode.tooLarge,
      message,
      planned.op,
    );
  } catch (error) {
    const message = `cannot be encoded as BSON: ${error instanceof Error ? error.message : String(error)}`;
    return clientFailure(
      planned.index,
      FailureKind.invalidDocument,
      ClientCode.unencodable,
      message,
      planned.op,
    );
  }
}

function isRejectedBeforeSending(error: unknown): boolean {
  const name = (error as { name?: unknown })?.name;
  return name === 'MongoInvalidArgumentError' || name === 'BSONError' || error instanceof RangeError;
}

function emptyOutcome(): ChunkOutcome {
  return { counts: zeroCounts(), inserted: [], upserted: [], failures: [], notAttempted: [], stop: false };
}

/** The document the server measures against its limit: the inserted one, the replacement, the update. */
function payloadOf(op: PlannedOp['op']): Document {
  if ('insertOne' in op) return op.insertOne.document;
  if ('replaceOne' in op) return op.replaceOne.replacement;
  if ('updateOne' in op) return op.updateOne as Document;
  if ('updateMany' in op) return op.updateMany as Document;
  return op as Document;
}
