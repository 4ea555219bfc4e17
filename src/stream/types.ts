/**
 * Contracts of the streaming layer: sources yield numbered records, the inserter yields progress,
 * rejected records go to a dead-letter sink, and a checkpoint store remembers how far a run got.
 */
import type { ErrorCode } from '../core/codes.js';
import type { FailureKind, ValidationIssue } from '../core/failure.js';

/** One record as a source read it. Exactly one of `value` and `error` is set. */
export interface SourceRecord {
  /** 1-based position in the source: the line number for NDJSON and CSV, the element number otherwise. */
  readonly position: number;
  /**
   * The line number, when `position` is a byte position (a file read by share, see `partition`)
   * and the line is known without reading the file's prefix.
   */
  readonly line?: number;
  /** The record's text as read (NDJSON line, CSV line); absent for in-memory sources. */
  readonly raw?: string;
  /** The parsed record. */
  readonly value?: unknown;
  /** Set when the record could not be parsed (malformed JSON, ragged CSV row…). */
  readonly error?: { readonly code: ErrorCode; readonly message: string };
  /** Bytes of the source consumed up to and including this record, when known (for progress). */
  readonly bytesRead?: number;
}

/** Why a record was rejected: a failure kind, or a parse error of the source. */
export type RejectionKind = FailureKind | 'parse';

export interface DeadLetter {
  /** The input file, when one dead-letter stream could hold records of several (the CLI's file lists). */
  readonly file?: string;
  readonly position: number;
  /** The line number, when `position` is a byte position and the line is known. */
  readonly line?: number;
  /** The record as read: its raw text when the source had one, else the value. */
  readonly record: unknown;
  readonly reason: {
    readonly kind: RejectionKind;
    readonly code: number | ErrorCode;
    readonly message: string;
    readonly issues?: readonly ValidationIssue[];
    readonly keyValue?: Record<string, unknown>;
    readonly errInfo?: Record<string, unknown>;
  };
}

export interface DeadLetterSink {
  write(letter: DeadLetter): void | Promise<void>;
  close?(): Promise<void>;
  /**
   * Called by a resumed run (`resume: true`) before any write, with the checkpoint's position (0
   * when there is none): forget the letters of records after it, which the run reads and judges
   * again. Without it, a sink that keeps letters across runs gets those records' letters twice.
   */
  resume?(position: number): Promise<void>;
}

/**
 * Remembers the highest source position below which every record is acknowledged (written or
 * dead-lettered). A resumed run skips records at or below it.
 */
export interface CheckpointStore {
  load(): Promise<number | undefined>;
  /** `progress`: what this run has counted so far, for stores that show it (`bulkwright status`). */
  save(position: number, progress?: CheckpointProgress): Promise<void>;
  /** Called when a run completes, so the next run starts from the beginning (or marks it finished). */
  clear(progress?: CheckpointProgress): Promise<void>;
}

/** Counts of the run so far, handed to the checkpoint store with each save. */
export interface CheckpointProgress {
  readonly written: number;
  readonly rejected: number;
}

/** Every stream mode (one list for streamInsert's check and the CLI's). */
export const STREAM_MODES = ['insert', 'upsert', 'merge', 'delete'] as const;
export type StreamMode = (typeof STREAM_MODES)[number];

/** Yielded after every acknowledged batch. */
export interface StreamProgress {
  readonly type: 'progress';
  /** Records pulled from the source so far (including skipped and rejected). */
  readonly read: number;
  /** Records acknowledged by the server: inserted + upserted + matched (merge/upsert) + deletes acknowledged (delete). */
  readonly written: number;
  readonly inserted: number;
  readonly upserted: number;
  readonly matched: number;
  /** Documents deleted (delete mode); a record that matched nothing is written but deletes nothing. */
  readonly deleted: number;
  /** Records sent to the dead-letter sink. */
  readonly rejected: number;
  /** Records skipped: at or below the resume checkpoint, or by the `filter` option. */
  readonly skipped: number;
  /** Highest source position below which everything is acknowledged. */
  readonly position: number;
  readonly bytesRead?: number;
  readonly elapsedMs: number;
  readonly docsPerSecond: number;
}

/** Returned when the stream is done. `read === written + rejected + skipped + notAttempted` always holds. */
export interface StreamReport {
  readonly ok: boolean;
  readonly mode: StreamMode;
  readonly read: number;
  readonly written: number;
  readonly inserted: number;
  readonly upserted: number;
  readonly matched: number;
  readonly modified: number;
  /** Documents deleted (delete mode). */
  readonly deleted: number;
  readonly rejected: number;
  readonly skipped: number;
  /** Records an ordered run read but never sent, because it stopped at a rejection in their batch. */
  readonly notAttempted: number;
  /** Rejections counted by kind, e.g. `{ validation: 3, duplicateKey: 1, parse: 2 }`. */
  readonly rejectedByKind: Readonly<Record<string, number>>;
  /** The checkpoint position this run resumed after, if it resumed. */
  readonly resumedFrom?: number;
  /** Set when an ordered run stopped at its first rejection: records after it were not read. */
  readonly stoppedAt?: number;
  /** Set when the `signal` stopped the run early; resume from the checkpoint. */
  readonly aborted?: boolean;
  /** Set for a dry run: valid records are counted as skipped, nothing was written. */
  readonly dryRun?: boolean;
  readonly batches: number;
  readonly durationMs: number;
  readonly docsPerSecond: number;
}

/**
 * Codes of `SourceRecord.error`. A source goes on reading after an error record, except where the
 * format cannot resync (a JSON array's syntax error, a runaway CSV quote): that error record is the
 * source's last, and its message says so.
 */
export type SourceErrorCode =
  /** The NDJSON line (or a JSON array element) is not valid JSON / Extended JSON. */
  | 'BW_PARSE_JSON'
  /** The record parsed, but to a number, string, array or null: documents are objects. */
  | 'BW_NOT_AN_OBJECT'
  /** The NDJSON line is longer than `maxLineBytes`; `raw` holds only its start. */
  | 'BW_LINE_TOO_LONG'
  /** The CSV row is malformed: wrong field count, bad quote, conflicting header. */
  | 'BW_PARSE_CSV'
  /** A CSV cell does not convert to its column's type. */
  | 'BW_CSV_TYPE'
  /** `fromIterable(…, { records: true })` got an item that is not a SourceRecord. */
  | 'BW_NOT_A_RECORD';
