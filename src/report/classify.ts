/**
 * Which failures may be resent. Two questions: does the error pass (the driver's list of
 * retryable codes, plus write conflicts), and, when the op may already have been applied, would
 * applying it again change nothing (an insert with its client-side `_id`, a `$set`…)?
 */
import {
  type AnyBulkWriteOperation,
  type Document,
  MongoError,
  MongoNetworkError,
  MongoServerSelectionError,
} from 'mongodb';
import { type Applied, FailureKind } from '../core/failure.js';

/** The driver's RETRYABLE_WRITE_ERROR_CODES, and WriteConflict (112), which passes too. */
const retryableCodes = new Set([6, 7, 89, 91, 112, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);
const duplicateKeyCodes = new Set([11000, 11001, 12582]);
/** BSONObjectTooLarge and friends: the document itself is the problem. */
const tooLargeCodes = new Set([10334, 17280, 17419]);

export function isRetryableCode(code: unknown): boolean {
  return typeof code === 'number' && retryableCodes.has(code);
}

/** The kind of a per-op server write error. */
export function writeErrorKind(code: number): FailureKind {
  if (duplicateKeyCodes.has(code)) return FailureKind.duplicateKey;
  if (tooLargeCodes.has(code)) return FailureKind.invalidDocument;
  if (retryableCodes.has(code)) return FailureKind.transient;
  return FailureKind.writeError;
}

export interface BatchErrorClass {
  readonly kind: FailureKind;
  readonly passes: boolean;
  /** Whether the ops of the lost batch were applied, as far as the error tells. */
  readonly applied: Applied;
}

/** A whole batch failed without per-op results: connection lost, not primary, shutting down… */
export function classifyBatchError(error: unknown): BatchErrorClass {
  // Server selection failed: no connection was made, nothing of this batch was sent.
  if (error instanceof MongoServerSelectionError)
    return { kind: FailureKind.network, passes: true, applied: 'unknown' };
  if (error instanceof MongoNetworkError)
    return { kind: FailureKind.network, passes: true, applied: 'unknown' };
  // A socket error can escape the driver unwrapped (EPIPE on a write to a closed socket).
  if (isSocketError(error)) return { kind: FailureKind.network, passes: true, applied: 'unknown' };
  if (error instanceof MongoError) {
    const passes = isRetryableCode(error.code) || error.hasErrorLabel('RetryableWriteError');
    return { kind: passes ? FailureKind.transient : FailureKind.writeError, passes, applied: 'unknown' };
  }
  return { kind: FailureKind.writeError, passes: false, applied: 'unknown' };
}

const socketCodes = new Set([
  'EPIPE',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function isSocketError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && socketCodes.has(code);
}

const replaySafeOperators = new Set([
  '$set',
  '$unset',
  '$setOnInsert',
  '$min',
  '$max',
  '$addToSet',
  '$currentDate',
]);

/**
 * Applying the op a second time leaves the collection as applying it once did. Inserts qualify
 * because their `_id` was fixed on the client: a second landing is a duplicate of itself.
 */
export function isReplaySafe(op: AnyBulkWriteOperation<Document>): boolean {
  if ('insertOne' in op || 'replaceOne' in op || 'deleteMany' in op) return true;
  if ('deleteOne' in op) {
    const id = op.deleteOne.filter._id;
    return (
      id !== undefined &&
      !(typeof id === 'object' && id !== null && Object.keys(id).some((k) => k.startsWith('$')))
    );
  }
  const body = 'updateOne' in op ? op.updateOne : 'updateMany' in op ? op.updateMany : undefined;
  if (!body || Array.isArray(body.update)) return false;
  return Object.keys(body.update).every((operator) => replaySafeOperators.has(operator));
}
