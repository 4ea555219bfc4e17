/**
 * Every `BW_*` code bulkwright throws or reports, in one place: stable across releases, so
 * callers can branch on them. Thrown codes are the `code` of a `BulkwrightError`; reported
 * codes are a `Failure.code` (string branch) or a `SourceRecord.error.code` (and so a dead
 * letter's `reason.code`). docs/report.md lists when each occurs.
 * This file imports nothing of ours: it is the bottom layer.
 */
export const ErrorCode = {
  // Reported, per op, as `Failure.code` (never sent unless said otherwise).
  /** The input failed the model's schema, or is not an op the driver would send. */
  Validation: 'BW_VALIDATION',
  /** A `beforeInsert`/`beforeUpdate` hook threw. */
  Hook: 'BW_HOOK',
  /** The document is over the server's `maxBsonObjectSize`. */
  DocumentTooLarge: 'BW_DOCUMENT_TOO_LARGE',
  /** BSON cannot encode the document (a NUL byte in a key, a cyclic value…). */
  Bson: 'BW_BSON',
  /** Sent, but the outcome is unknown (connection lost) or the server gave no numeric code. */
  OutcomeUnknown: 'BW_OUTCOME_UNKNOWN',
  /** `migrate`: the `transform` threw for this document (kind `hook`). */
  Transform: 'BW_TRANSFORM',
  /** `rollback`: the document changed since the migration wrote it (kind `conflict`). */
  RollbackConflict: 'BW_ROLLBACK_CONFLICT',
  /** `sync`: the list names the same key twice (kind `validation`). */
  DuplicateEntry: 'BW_DUPLICATE_ENTRY',

  // Reported, per record, as `SourceRecord.error.code` (and a dead letter's `reason.code`).
  /** The NDJSON line (or a JSON array element) is not valid JSON / Extended JSON. */
  ParseJson: 'BW_PARSE_JSON',
  /** The record parsed, but to a number, string, array or null: documents are objects. */
  NotAnObject: 'BW_NOT_AN_OBJECT',
  /** The NDJSON line is longer than `maxLineBytes`; `raw` holds only its start. */
  LineTooLong: 'BW_LINE_TOO_LONG',
  /** The CSV row is malformed: wrong field count, bad quote, conflicting header. */
  ParseCsv: 'BW_PARSE_CSV',
  /** A CSV cell does not convert to its column's type. */
  CsvType: 'BW_CSV_TYPE',
  /** `fromIterable(…, { records: true })` got an item that is not a SourceRecord. */
  NotARecord: 'BW_NOT_A_RECORD',

  // Thrown, as the `code` of a `BulkwrightError`.
  /** An option, argument or model definition is not what the call takes. Thrown before any I/O. */
  InvalidOption: 'BW_INVALID_OPTION',
  /** A call with `throwOnFailure: true` did not write everything (`BulkReportError`). */
  BulkWriteFailed: 'BW_BULK_WRITE_FAILED',
  /** `atomic: true` on a server without multi-document transactions. */
  TransactionsUnsupported: 'BW_TRANSACTIONS_UNSUPPORTED',
  /** The model is not bound to a database (`defineModel` without `db`, never `bind`-ed). */
  ModelUnbound: 'BW_MODEL_UNBOUND',
  /** The CLI's `--model` module cannot be imported or exports no usable model. */
  ModelLoad: 'BW_MODEL_LOAD',
  /** A stream stopped: a batch was lost after its retries, or progress could not be recorded. */
  StreamAborted: 'BW_STREAM_ABORTED',
  /** A checkpoint store holds something that is not a checkpoint: resuming would guess. */
  CheckpointCorrupt: 'BW_CHECKPOINT_CORRUPT',
  /** A resumed import's checkpoint was written by an earlier bulkwright (positions were line numbers). */
  CheckpointFormat: 'BW_CHECKPOINT_FORMAT',
  /** A resumed import was split into a different number of shares before. */
  PartitionChanged: 'BW_PARTITION_CHANGED',
  /** A CSV record spans several lines in a file split into shares by byte range. */
  PartitionMultilineCsv: 'BW_PARTITION_MULTILINE_CSV',
  /** `rollback` of a migration that kept no backup (or was rolled back already). */
  NoBackup: 'BW_NO_BACKUP',
  /** A dead letter was written to a sink after it was closed. */
  DeadLetterClosed: 'BW_DEAD_LETTER_CLOSED',
  /** A source yielded something that is neither text nor bytes. */
  InvalidSource: 'BW_INVALID_SOURCE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
