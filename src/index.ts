/** The public surface, every export by name: docs/ documents each one (docs/architecture.md). */
export { ErrorCode } from './core/codes.js';
export { BulkwrightError } from './core/errors.js';
export type { Applied, Failure, ValidationIssue } from './core/failure.js';
export { ClientCode, FailureKind } from './core/failure.js';
export type { MigrationChange } from './migrate/change.js';
export type { DryRunSample, DryRunSummary } from './migrate/dry-run.js';
export { type IdCheckpointStore, migrationCheckpoint } from './migrate/id-checkpoint.js';
export { type MigrateReport, migrate } from './migrate/migrate.js';
export type { MigrateOptions, MigrateProgress } from './migrate/migrate-options.js';
export { type RollbackReport, rollback } from './migrate/rollback.js';
export type { RollbackOptions, RollbackProgress } from './migrate/rollback-options.js';
export type {
  AnyModel,
  DocOf,
  IdOf,
  IdOfModel,
  InputOf,
  Model,
  ModelDefinition,
  ModelHooks,
  SoftDeleted,
  StoredDoc,
  Timestamps,
} from './model/define-model.js';
export { defineModel } from './model/define-model.js';
export type { ArrayPaths, NumericPaths, Paths, PathValue } from './model/paths.js';
export type {
  DeleteManyOp,
  DeleteOneOp,
  DeleteOp,
  InsertOneOp,
  ReplaceOneOp,
  TypedFilter,
  TypedUpdate,
  TypedUpdateOperators,
  UpdateManyOp,
  UpdateOneOp,
  UpdateOp,
  WriteOp,
} from './model/typed-ops.js';
export type { BulkOptions, BulkProgress, RetryOptions } from './plan/options.js';
export type { ThrottleOptions } from './plan/throttle-options.js';
export { BulkReportError, BulkWriteFailure } from './report/bulk-report-error.js';
export type { BatchTiming, BulkReport, Counts, Operation, ReportStats } from './report/report.js';
export {
  type CollectionCheckpointOptions,
  collectionCheckpoint,
  type FileCheckpointOptions,
  fileCheckpoint,
} from './stream/checkpoint.js';
export {
  type ClosableDeadLetterSink,
  combineSinks,
  deadLetterCallback,
  deadLetterFile,
} from './stream/dead-letter.js';
export {
  type ExportNdjsonOptions,
  type ExportOptions,
  type ExportResult,
  exportNdjson,
} from './stream/export.js';
export { filesOfShare, type Partition } from './stream/partition.js';
export {
  type ShareCheckpoint,
  type ShareCheckpointOptions,
  type ShareCheckpointStore,
  shareCheckpoint,
} from './stream/share-checkpoint.js';
export type { TextInput } from './stream/sources/byte-chunks.js';
export { type CsvColumnType, type CsvOptions, readCsv } from './stream/sources/csv.js';
export type { EjsonMode } from './stream/sources/ejson.js';
export { type FromIterableOptions, fromIterable } from './stream/sources/from-iterable.js';
export { type JsonArrayOptions, readJsonArray } from './stream/sources/json-array.js';
export { type NdjsonOptions, readNdjson } from './stream/sources/ndjson.js';
export { type StreamSource, streamInsert } from './stream/stream-insert.js';
export type { StreamInsertOptions } from './stream/stream-options.js';
export type {
  CheckpointProgress,
  CheckpointStore,
  DeadLetter,
  DeadLetterSink,
  RejectionKind,
  SourceErrorCode,
  SourceRecord,
  StreamMode,
  StreamProgress,
  StreamReport,
} from './stream/types.js';
export { type SyncAction, type SyncReport, sync } from './sync/sync.js';
export type { SyncOptions } from './sync/sync-options.js';
export { bulkDelete, type DeleteOptions } from './verbs/bulk-delete.js';
export { bulkInsert } from './verbs/bulk-insert.js';
export { bulkUpdate } from './verbs/bulk-update.js';
export { bulkWrite } from './verbs/bulk-write.js';
export type { ModelWriteOp, ModelWriteOps } from './verbs/bulk-write-across.js';
export { type RetryFailedOptions, retryFailed } from './verbs/retry-failed.js';
