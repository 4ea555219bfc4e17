/**
 * The options every bulk verb shares, checked and defaulted in one place before any I/O.
 * Messages follow one template: the option, what was expected, what was received.
 */
import type { ClientSession, Document, WriteConcernSettings } from 'mongodb';
import { checkKnownOptions, optionError } from '../core/option-error.js';
import { checkThrottle, type ThrottleOptions } from './throttle-options.js';

export interface RetryOptions {
  /** Total tries including the first. @default 3 */
  readonly attempts?: number;
  /** Wait before the first retry. @default 100 */
  readonly delayMs?: number;
  /** Multiplier of the wait per retry. @default 2 */
  readonly backoff?: number;
  /** Upper bound of the wait. @default 5000 */
  readonly maxDelayMs?: number;
}

export interface BulkProgress {
  /** Inputs with a final outcome so far (written, failed, or not attempted). */
  readonly done: number;
  readonly total: number;
  readonly inserted: number;
  readonly matched: number;
  readonly deleted: number;
  readonly upserted: number;
  readonly failed: number;
  readonly elapsedMs: number;
}

export interface BulkOptions extends ThrottleOptions {
  /** Stop at the first failure, as the driver does. @default true */
  readonly ordered?: boolean;
  /** Ops per chunk, one driver `bulkWrite` each. @default 1000 (at most the server's `maxWriteBatchSize`) */
  readonly batchSize?: number;
  /** Batches in flight at once when unordered (ordered runs are sequential). @default 4 */
  readonly concurrency?: number;
  /** Passed to the driver: the writes run in this session (and its transaction, if one is open). */
  readonly session?: ClientSession;
  /** Passed to the driver with every write command. */
  readonly writeConcern?: WriteConcernSettings;
  /** Passed to the driver: the server skips its collection validator. */
  readonly bypassDocumentValidation?: boolean;
  /** Passed to the driver: attached to every write command (visible in the server's logs and profiler). */
  readonly comment?: unknown;
  /** Passed to the driver: variables for `$$name` in filters and pipeline updates. */
  readonly let?: Document;
  /** The whole call in one transaction: all or nothing. Needs a replica set or sharded cluster. */
  readonly atomic?: boolean;
  /** Resend what failed and may be retried. `true` means the defaults. @default false */
  readonly retry?: boolean | RetryOptions;
  /** Validate inputs with the model's schema. @default true */
  readonly validate?: boolean;
  /** Run the model's hooks. @default true */
  readonly hooks?: boolean;
  /** Called after every batch. */
  readonly onProgress?: (progress: BulkProgress) => void;
  /**
   * Longest wait for the server's reply to one batch, in ms; past it the batch is lost in flight
   * (outcome unknown, resent with `retry` where replay-safe). @default 60000
   */
  readonly batchTimeoutMs?: number;
  /** Throw a `BulkReportError` carrying the report instead of returning a report that is not ok. */
  readonly throwOnFailure?: boolean;
}

export interface ResolvedRetry {
  readonly attempts: number;
  readonly delayMs: number;
  readonly backoff: number;
  readonly maxDelayMs: number;
}

export interface ResolvedOptions {
  readonly ordered: boolean;
  readonly batchSize: number | undefined;
  readonly concurrency: number;
  readonly session: ClientSession | undefined;
  readonly writeConcern: WriteConcernSettings | undefined;
  readonly bypassDocumentValidation: boolean | undefined;
  readonly comment: unknown;
  readonly let: Document | undefined;
  readonly atomic: boolean;
  readonly retry: ResolvedRetry;
  readonly validate: boolean;
  readonly hooks: boolean;
  readonly onProgress: ((progress: BulkProgress) => void) | undefined;
  readonly throwOnFailure: boolean;
  readonly batchTimeoutMs: number;
  readonly maxOpsPerSecond: number | undefined;
  readonly pauseMs: number | undefined;
}

/** The default deadline of one batch's reply (a batch of 100 000 documents takes seconds, not a minute). */
export const DEFAULT_BATCH_TIMEOUT_MS = 60_000;

const noRetry: ResolvedRetry = { attempts: 1, delayMs: 0, backoff: 1, maxDelayMs: 0 };

/** Every option name a verb takes: a name missing here is a compile error, an unknown one a throw. */
export const bulkOptionNames: Readonly<Record<keyof BulkOptions, true>> = {
  ordered: true,
  batchSize: true,
  concurrency: true,
  session: true,
  writeConcern: true,
  bypassDocumentValidation: true,
  comment: true,
  let: true,
  atomic: true,
  retry: true,
  validate: true,
  hooks: true,
  onProgress: true,
  throwOnFailure: true,
  batchTimeoutMs: true,
  maxOpsPerSecond: true,
  pauseMs: true,
};

const retryOptionNames: Readonly<Record<keyof RetryOptions, true>> = {
  attempts: true,
  delayMs: true,
  backoff: true,
  maxDelayMs: true,
};

/** `known`: the option names the calling verb takes (its own on top of the shared ones). */
export function resolveOptions(
  options: BulkOptions | undefined,
  known: Readonly<Record<string, true>> = bulkOptionNames,
): ResolvedOptions {
  const o = options ?? {};
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw optionError('options', 'an object', o);
  checkKnownOptions(o, known);
  checkBoolean(o, 'ordered');
  checkBoolean(o, 'atomic');
  checkBoolean(o, 'validate');
  checkBoolean(o, 'hooks');
  checkBoolean(o, 'throwOnFailure');
  checkBoolean(o, 'bypassDocumentValidation');
  checkInteger(o.batchSize, 'batchSize', 1);
  checkInteger(o.concurrency, 'concurrency', 1);
  if (o.let !== undefined && (typeof o.let !== 'object' || o.let === null || Array.isArray(o.let))) {
    throw optionError('let', 'a document of variables', o.let);
  }
  checkInteger(o.batchTimeoutMs, 'batchTimeoutMs', 1);
  checkThrottle(o);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw optionError('onProgress', 'a function', o.onProgress);
  }
  const ordered = o.ordered ?? true;
  return {
    ordered,
    batchSize: o.batchSize,
    concurrency: ordered ? 1 : (o.concurrency ?? 4),
    session: o.session,
    writeConcern: o.writeConcern,
    bypassDocumentValidation: o.bypassDocumentValidation,
    comment: o.comment,
    let: o.let,
    atomic: o.atomic ?? false,
    retry: resolveRetry(o.retry),
    validate: o.validate ?? true,
    hooks: o.hooks ?? true,
    onProgress: o.onProgress,
    throwOnFailure: o.throwOnFailure ?? false,
    batchTimeoutMs: o.batchTimeoutMs ?? DEFAULT_BATCH_TIMEOUT_MS,
    maxOpsPerSecond: o.maxOpsPerSecond,
    pauseMs: o.pauseMs,
  };
}

export function resolveRetry(retry: BulkOptions['retry']): ResolvedRetry {
  if (retry === undefined || retry === false) return noRetry;
  if (retry === true) return { attempts: 3, delayMs: 100, backoff: 2, maxDelayMs: 5000 };
  if (typeof retry !== 'object' || retry === null) {
    throw optionError('retry', 'a boolean or { attempts, delayMs, backoff }', retry);
  }
  checkKnownOptions(retry, retryOptionNames);
  checkInteger(retry.attempts, 'retry.attempts', 1);
  checkNumber(retry.delayMs, 'retry.delayMs', 0);
  checkNumber(retry.backoff, 'retry.backoff', 1);
  checkNumber(retry.maxDelayMs, 'retry.maxDelayMs', 0);
  return {
    attempts: retry.attempts ?? 3,
    delayMs: retry.delayMs ?? 100,
    backoff: retry.backoff ?? 2,
    maxDelayMs: retry.maxDelayMs ?? 5000,
  };
}

function checkBoolean(o: object, name: string): void {
  const value = (o as Record<string, unknown>)[name];
  if (value !== undefined && typeof value !== 'boolean') {
    throw optionError(name, 'a boolean', value);
  }
}

export function checkInteger(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw optionError(name, `an integer ${range}`, value);
  }
}

function checkNumber(value: unknown, name: string, min: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw optionError(name, `a finite number >= ${min}`, value);
  }
}
