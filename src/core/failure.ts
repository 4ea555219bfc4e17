/**
 * A failure is plain data, not an Error: one entry per caller input that did not get written (or
 * whose write is not confirmed), at the caller's own index, with a stable `kind` to branch on.
 */

import { ErrorCode } from './codes.js';

/** What went wrong, as a stable name to branch on. */
export const FailureKind = {
  /** The input did not pass the model's Zod schema (or a `$set` value did not). Never sent. */
  validation: 'validation',
  /** A `beforeInsert`/`beforeUpdate` hook threw. Never sent. */
  hook: 'hook',
  /** The document is over the server's `maxBsonObjectSize`, or BSON cannot encode it. Never sent. */
  invalidDocument: 'invalidDocument',
  /** E11000: a unique index already holds the key. `keyValue` names it. */
  duplicateKey: 'duplicateKey',
  /** Any other per-op error the server reported (type mismatch, validator, immutable field…). */
  writeError: 'writeError',
  /** The server applied the write but could not confirm the requested write concern. */
  writeConcern: 'writeConcern',
  /** The server refused the whole batch with an error that passes (not primary, shutting down…). */
  transient: 'transient',
  /** The connection failed mid-batch: the op may or may not have been applied. */
  network: 'network',
  /** A rollback found the document changed since the migration wrote it. Never sent. */
  conflict: 'conflict',
} as const;
export type FailureKind = (typeof FailureKind)[keyof typeof FailureKind];

/** Was the op applied? Known for per-op errors; unknown when a batch was lost in flight. */
export type Applied = 'no' | 'yes' | 'unknown';

export interface Failure<TOp = unknown> {
  /** Position of the input in the caller's own array (or the record number in a stream). */
  readonly index: number;
  readonly kind: FailureKind;
  /** The server's numeric error code, or a `BW_*` string for failures found on the client. */
  readonly code: number | ErrorCode;
  readonly codeName?: string;
  readonly message: string;
  /** Resending it may succeed and cannot write it twice. */
  readonly retryable: boolean;
  /** Whether the server applied it: `'unknown'` after a transport failure. */
  readonly applied: Applied;
  /** The op as it was (or would have been) sent, in the driver's bulkWrite format. */
  readonly op: TOp;
  /** For duplicate keys: the key that collided. */
  readonly keyValue?: Record<string, unknown>;
  /** For validation failures: Zod's issues, with their paths. */
  readonly issues?: readonly ValidationIssue[];
  /** Server-side detail, e.g. a validator's explanation. */
  readonly errInfo?: Record<string, unknown>;
}

export interface ValidationIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly code: string;
}

/** The `ErrorCode`s a `Failure` carries when the server gave no numeric code (kept for 0.1 callers). */
export const ClientCode = {
  validation: ErrorCode.Validation,
  hook: ErrorCode.Hook,
  tooLarge: ErrorCode.DocumentTooLarge,
  unencodable: ErrorCode.Bson,
  outcomeUnknown: ErrorCode.OutcomeUnknown,
} as const;

/** A failure found on the client, before anything was sent. */
export function clientFailure(
  index: number,
  kind: FailureKind,
  code: ErrorCode,
  message: string,
  op: unknown,
  extra?: Pick<Failure, 'issues'>,
): Failure {
  return { index, kind, code, message, retryable: false, applied: 'no', op, ...extra };
}
