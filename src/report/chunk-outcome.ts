/**
 * The adapter from what the driver gives for one chunk (a BulkWriteResult, or a thrown
 * MongoBulkWriteError / transport error) to outcomes at the caller's indices. The driver already
 * maps `writeErrors[].index` to positions in the op list it was given, which is our chunk; we map
 * those to caller indices. Counts of a lost batch are not taken: its ops are reported "outcome
 * unknown", so a confirmed retry cannot count them twice.
 */
import { type BulkWriteResult, MongoBulkWriteError, type WriteConcernError, type WriteError } from 'mongodb';
import { ClientCode, type Failure, FailureKind } from '../core/failure.js';
import type { PlannedOp } from '../core/planned-op.js';
import { classifyBatchError, isReplaySafe, isRetryableCode, writeErrorKind } from './classify.js';
import { dupKeyOf } from './dup-key.js';
import type { Counts } from './report.js';

export interface ChunkOutcome {
  readonly counts: Counts;
  /** Caller indices of inserts the server applied. */
  readonly inserted: number[];
  /** [caller index, _id] of upserts. */
  readonly upserted: [number, unknown][];
  readonly failures: Failure[];
  /** Caller indices an ordered chunk did not reach. */
  readonly notAttempted: number[];
  /** An ordered run must stop here. */
  readonly stop: boolean;
}

export const zeroCounts = (): Counts => ({ inserted: 0, matched: 0, modified: 0, deleted: 0, upserted: 0 });

export function outcomeFromResult(
  chunk: readonly PlannedOp[],
  result: BulkWriteResult,
  ordered: boolean,
): ChunkOutcome {
  // Every op inserted (the common case of an insert-only chunk): no need to look at each op.
  const inserted =
    result.insertedCount === chunk.length
      ? chunk.map((planned) => planned.index)
      : chunk.filter((planned) => 'insertOne' in planned.op).map((planned) => planned.index);
  return {
    counts: countsOf(result, inserted.length),
    inserted,
    upserted: upsertsOf(chunk, result, ordered),
    failures: [],
    notAttempted: [],
    stop: false,
  };
}

export function outcomeFromError(
  chunk: readonly PlannedOp[],
  error: unknown,
  ordered: boolean,
): ChunkOutcome {
  const result = error instanceof MongoBulkWriteError ? error.result : undefined;
  const writeErrors = result?.getWriteErrors() ?? [];
  const byLocal = new Map<number, WriteError>(writeErrors.map((e) => [e.index, e]));
  const failures: Failure[] = [];
  for (const [local, writeError] of byLocal) {
    const planned = chunk[local];
    if (planned) failures.push(fromWriteError(planned, writeError));
  }
  // A batch was lost when the driver threw (a transport error behind the bulk error, or no bulk
  // error at all), or when the server refused a whole command (NotWritablePrimary…): then the
  // bulk error carries the raw reply and neither per-op errors nor a write-concern error.
  const concern = result?.getWriteConcernError();
  const lost =
    error instanceof MongoBulkWriteError
      ? error.errorResponse instanceof Error
        ? error.errorResponse
        : writeErrors.length === 0 && !concern
          ? error
          : undefined
      : error;
  if (lost !== undefined) {
    const batch = classifyBatchError(lost);
    const message = lost instanceof Error ? lost.message : String(lost);
    const code = (lost as { code?: unknown }).code;
    for (let local = 0; local < chunk.length; local++) {
      if (byLocal.has(local)) continue;
      const planned = chunk[local]!;
      failures.push({
        index: planned.index,
        kind: batch.kind,
        code: typeof code === 'number' ? code : ClientCode.outcomeUnknown,
        ...codeNameOf(lost),
        message: `outcome unknown, the batch failed in flight: ${message}`,
        retryable: batch.passes && isReplaySafe(planned.op),
        applied: batch.applied,
        op: planned.op,
      });
    }
    return {
      counts: zeroCounts(),
      inserted: [],
      upserted: [],
      failures: sortByIndex(failures),
      notAttempted: [],
      stop: true,
    };
  }

  // Per-op errors: an ordered chunk applied everything before its first error and nothing after.
  const firstError = writeErrors.length ? Math.min(...byLocal.keys()) : chunk.length;
  const reached = ordered ? firstError : chunk.length;
  const unconfirmed = result && !ordered && !countsCover(chunk, byLocal, result) ? firstError : chunk.length;
  const inserted: number[] = [];
  const applied: PlannedOp[] = [];
  for (let local = 0; local < reached; local++) {
    if (byLocal.has(local)) continue;
    const planned = chunk[local]!;
    if (local > unconfirmed) {
      failures.push(notConfirmed(planned));
      continue;
    }
    applied.push(planned);
    if ('insertOne' in planned.op) inserted.push(planned.index);
  }
  if (concern) for (const planned of applied) failures.push(fromWriteConcernError(planned, concern));
  const notAttempted = ordered ? chunk.slice(firstError + 1).map((p) => p.index) : [];
  return {
    counts: result ? countsOf(result, inserted.length) : zeroCounts(),
    inserted,
    upserted: result ? upsertsOf(chunk, result, ordered) : [],
    failures: sortByIndex(failures),
    notAttempted,
    stop: ordered && (writeErrors.length > 0 || concern !== undefined),
  };
}

/**
 * Every insert and upsert the server applied adds one to its counts. When they add up to fewer
 * than the ops it reported no error for, it did not apply everything after its first error (a
 * server may stop an unordered batch at a failing update): "no error" cannot be read as "applied".
 */
function countsCover(
  chunk: readonly PlannedOp[],
  failed: ReadonlyMap<number, unknown>,
  result: BulkWriteResult,
): boolean {
  let inserts = 0;
  let upserts = 0;
  chunk.forEach((planned, local) => {
    if (failed.has(local)) return;
    const op = planned.op;
    if ('insertOne' in op) inserts++;
    else if (('updateOne' in op && op.updateOne.upsert) || ('replaceOne' in op && op.replaceOne.upsert))
      upserts++;
  });
  return result.insertedCount >= inserts && result.matchedCount + result.upsertedCount >= upserts;
}

function notConfirmed(planned: PlannedOp): Failure {
  return {
    index: planned.index,
    kind: FailureKind.transient,
    code: ClientCode.outcomeUnknown,
    message: 'outcome unknown: the server reported no error for this op, but its counts do not include it',
    retryable: isReplaySafe(planned.op),
    applied: 'unknown',
    op: planned.op,
  };
}

function fromWriteError(planned: PlannedOp, writeError: WriteError): Failure {
  const raw = writeError.err as { keyValue?: Record<string, unknown>; codeName?: string };
  const kind = writeErrorKind(writeError.code);
  // Driver 7 keeps only code, index, errmsg and errInfo of a write error: the key is in the message.
  const keyValue =
    raw.keyValue ?? (kind === FailureKind.duplicateKey ? dupKeyOf(writeError.errmsg) : undefined);
  return {
    index: planned.index,
    kind,
    code: writeError.code,
    ...(raw.codeName ? { codeName: raw.codeName } : {}),
    message: writeError.errmsg ?? 'write failed',
    retryable: kind === FailureKind.transient,
    applied: 'no',
    op: planned.op,
    ...(keyValue ? { keyValue } : {}),
    ...(writeError.errInfo ? { errInfo: writeError.errInfo } : {}),
  };
}

/**
 * The write was applied but not confirmed at the requested concern. Only an insert may be resent:
 * its `_id` makes a second landing a harmless duplicate of itself; anything else could apply twice.
 */
function fromWriteConcernError(planned: PlannedOp, concern: WriteConcernError): Failure {
  return {
    index: planned.index,
    kind: FailureKind.writeConcern,
    code: concern.code ?? ClientCode.outcomeUnknown,
    message: `applied, but write concern failed: ${concern.errmsg ?? 'no detail'}`,
    retryable: isRetryableCode(concern.code) && 'insertOne' in planned.op,
    applied: 'yes',
    op: planned.op,
    ...(concern.errInfo ? { errInfo: concern.errInfo } : {}),
  };
}

function countsOf(result: BulkWriteResult, inserted: number): Counts {
  return {
    inserted,
    matched: result.matchedCount,
    modified: result.modifiedCount,
    deleted: result.deletedCount,
    upserted: result.upsertedCount,
  };
}

/**
 * The driver keys an upserted id by (first op of its command) + (position in the command). Ordered
 * commands hold consecutive ops, so that is the op's own position. Unordered, the driver gathers
 * the updates of a chunk into one command, which skips the inserts and deletes between them: the
 * key is then the first update's position plus the update's rank among the chunk's updates.
 * A chunk's updates span several commands only when they reach the server's maxWriteBatchSize - 1
 * ops or 16 MiB; ids from a later command of an unordered mixed chunk are then not remapped.
 */
function upsertsOf(
  chunk: readonly PlannedOp[],
  result: BulkWriteResult,
  ordered: boolean,
): [number, unknown][] {
  if (result.upsertedCount === 0) return [];
  const updates = ordered ? chunk : chunk.filter((p) => isUpdate(p.op));
  const offset = ordered || updates.length === 0 ? 0 : chunk.indexOf(updates[0]!);
  const pairs: [number, unknown][] = [];
  for (const [key, id] of Object.entries(result.upsertedIds)) {
    const planned = updates[Number(key) - offset];
    if (planned) pairs.push([planned.index, id]);
  }
  return pairs;
}

function isUpdate(op: PlannedOp['op']): boolean {
  return 'updateOne' in op || 'updateMany' in op || 'replaceOne' in op;
}

function codeNameOf(error: unknown): { codeName?: string } {
  const codeName = (error as { codeName?: unknown }).codeName;
  return typeof codeName === 'string' ? { codeName } : {};
}

function sortByIndex(failures: Failure[]): Failure[] {
  return failures.sort((a, b) => a.index - b.index);
}
