import type { WriteConcernSettings } from 'mongodb';
import { checkKnownOptions, invalidOption, optionError } from '../core/option-error.js';
import { fieldNameProblem } from '../plan/field-name.js';
import {
  checkInteger,
  DEFAULT_BATCH_TIMEOUT_MS,
  type ResolvedRetry,
  type RetryOptions,
  resolveRetry,
} from '../plan/options.js';
import { checkThrottle, type ThrottleOptions } from '../plan/throttle-options.js';
import { checkPartition, type Partition } from './partition.js';
import type { SourceFormat } from './sources/open-source.js';
import { type CheckpointStore, type DeadLetterSink, STREAM_MODES, type StreamMode } from './types.js';

export interface StreamInsertOptions extends ThrottleOptions {
  /**
   * `insert` (default), `upsert` (replace the match), `merge` (`$set` the record onto the match),
   * `delete` (delete the documents matching the record's `upsertFields`).
   */
  readonly mode?: StreamMode;
  /** Fields that identify a record in upsert, merge and delete modes. @default ['_id'] */
  readonly upsertFields?: readonly string[];
  /** Stop at the first rejected record. @default false */
  readonly ordered?: boolean;
  /** Records per batch. @default 1000 */
  readonly batchSize?: number;
  /** Cut a batch early once its records' raw text reaches this many bytes. @default 8 MiB */
  readonly batchBytes?: number;
  /** Batches in flight at once (1 when ordered). @default 2 */
  readonly concurrency?: number;
  /** Where rejected records go: a sink, e.g. `deadLetterFile(path)`. */
  readonly deadLetter?: DeadLetterSink;
  /** Where the run records how far it got, e.g. `fileCheckpoint(path)`. */
  readonly checkpoint?: CheckpointStore;
  /**
   * Save the checkpoint at most this often (and once more when the run stops early). A crash
   * replays what was acknowledged since, which costs time, never duplicates. @default 1000
   */
  readonly checkpointEveryMs?: number;
  /** Skip what the checkpoint says a previous run acknowledged. @default false */
  readonly resume?: boolean;
  /**
   * Names the source, so records without `_id` get one derived from their position: a replayed
   * insert then meets its own earlier landing instead of duplicating. Required with `checkpoint`
   * in insert mode.
   */
  readonly idNamespace?: string;
  /** Validate with the model's schema (merge mode: every field optional). @default true */
  readonly validate?: boolean;
  /** Parse, validate and dead-letter, but write nothing. @default false */
  readonly dryRun?: boolean;
  /** Resend batches that failed in flight. @default { attempts: 8, delayMs: 200 } (backoff 2, at most 5 s apart) */
  readonly retry?: boolean | RetryOptions;
  readonly writeConcern?: WriteConcernSettings;
  /**
   * Longest wait for the server's reply to one batch, in ms. A batch past it is lost in flight
   * (outcome unknown): resent where replay-safe, and once retries run out the run stops with
   * `BW_STREAM_ABORTED` and a saved checkpoint. @default 60000
   */
  readonly batchTimeoutMs?: number;
  /** Stops pulling from the source; in-flight batches finish and the checkpoint is saved. */
  readonly signal?: AbortSignal;
  /** Keep only records for which it returns true; the rest count as skipped. */
  readonly filter?: (value: unknown, position: number) => boolean;
  /** With a file path source: its format, when the extension does not say. */
  readonly format?: SourceFormat;
  /**
   * Import only this share of the source (see docs/scale-out.md). An NDJSON/CSV file path splits by
   * byte range and its positions become byte positions (offset of the line + 1), the same in every
   * share and in `{ index: 0, count: 1 }`; other sources split by record number modulo `count`.
   */
  readonly partition?: Partition;
  /** The source yields `SourceRecord`s already (as the readers in `sources/` do). */
  readonly records?: boolean;
}

export interface ResolvedStreamOptions {
  readonly mode: StreamMode;
  readonly upsertFields: readonly string[];
  readonly ordered: boolean;
  readonly batchSize: number;
  readonly batchBytes: number;
  readonly concurrency: number;
  readonly retry: ResolvedRetry;
  readonly validate: boolean;
  readonly dryRun: boolean;
  readonly checkpointEveryMs: number;
  readonly batchTimeoutMs: number;
}

/** The largest `batchSize` and `concurrency` a stream takes (the CLI's flags share them). */
export const MAX_BATCH_SIZE = 100_000;
export const MAX_CONCURRENCY = 64;

/** Every option name streamInsert takes: a name missing here is a compile error, an unknown one a throw. */
const streamOptionNames: Readonly<Record<keyof StreamInsertOptions, true>> = {
  mode: true,
  upsertFields: true,
  ordered: true,
  batchSize: true,
  batchBytes: true,
  concurrency: true,
  deadLetter: true,
  checkpoint: true,
  checkpointEveryMs: true,
  resume: true,
  idNamespace: true,
  validate: true,
  dryRun: true,
  retry: true,
  writeConcern: true,
  signal: true,
  filter: true,
  format: true,
  records: true,
  maxOpsPerSecond: true,
  pauseMs: true,
  batchTimeoutMs: true,
  partition: true,
};

export function resolveStreamOptions(o: StreamInsertOptions): ResolvedStreamOptions {
  if (typeof o !== 'object' || o === null) throw optionError('options', 'an object', o);
  checkKnownOptions(o, streamOptionNames);
  const mode = o.mode ?? 'insert';
  if (!(STREAM_MODES as readonly string[]).includes(mode))
    throw optionError('mode', `one of ${STREAM_MODES.join(', ')}`, mode);
  const upsertFields = o.upsertFields ?? ['_id'];
  if (
    !Array.isArray(upsertFields) ||
    upsertFields.length === 0 ||
    !upsertFields.every((f) => typeof f === 'string' && f)
  ) {
    throw optionError('upsertFields', 'a non-empty array of field names', upsertFields);
  }
  for (const field of upsertFields) {
    const problem = fieldNameProblem(field);
    if (problem) throw optionError('upsertFields', `field names (${problem})`, upsertFields);
  }
  checkInteger(o.batchSize, 'batchSize', 1, MAX_BATCH_SIZE);
  checkInteger(o.batchBytes, 'batchBytes', 1);
  checkInteger(o.concurrency, 'concurrency', 1, MAX_CONCURRENCY);
  checkInteger(o.checkpointEveryMs, 'checkpointEveryMs', 0);
  if (o.partition !== undefined) checkPartition(o.partition);
  checkInteger(o.batchTimeoutMs, 'batchTimeoutMs', 1);
  checkThrottle(o);
  if (o.resume && !o.checkpoint)
    throw invalidOption('Expected `checkpoint` with `resume: true`: it says where to resume from');
  if (o.checkpoint && mode === 'insert' && o.idNamespace === undefined) {
    throw invalidOption(
      'Expected `idNamespace` (a string naming this source) with `checkpoint` in insert mode: a resumed run must give each record the same `_id`',
    );
  }
  const ordered = o.ordered ?? false;
  return {
    mode,
    upsertFields,
    ordered,
    batchSize: o.batchSize ?? 1000,
    batchBytes: o.batchBytes ?? 8 * 1024 * 1024,
    concurrency: ordered ? 1 : (o.concurrency ?? 2),
    retry: resolveRetry(o.retry ?? { attempts: 8, delayMs: 200 }),
    validate: o.validate ?? true,
    dryRun: o.dryRun ?? false,
    checkpointEveryMs: o.checkpointEveryMs ?? 1000,
    batchTimeoutMs: o.batchTimeoutMs ?? DEFAULT_BATCH_TIMEOUT_MS,
  };
}
