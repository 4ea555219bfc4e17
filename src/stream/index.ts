/** The streaming layer's public surface: sources, dead-letter sinks, checkpoints, export. */

export {
  type CollectionCheckpointOptions,
  collectionCheckpoint,
  type FileCheckpointOptions,
  fileCheckpoint,
} from './checkpoint.js';
export {
  type ClosableDeadLetterSink,
  combineSinks,
  deadLetterCallback,
  deadLetterFile,
  deadLetterLine,
} from './dead-letter.js';
export {
  type ExportNdjsonOptions,
  type ExportOptions,
  type ExportResult,
  exportDocuments,
  exportNdjson,
} from './export.js';
export { checkPartition, filesOfShare, type Partition, parsePartition, shareRange } from './partition.js';
export {
  type ShareCheckpoint,
  type ShareCheckpointOptions,
  type ShareCheckpointStore,
  shareCheckpoint,
  shareCheckpoints,
} from './share-checkpoint.js';
export type { TextInput } from './sources/byte-chunks.js';
export { type CsvColumnType, type CsvOptions, readCsv } from './sources/csv.js';
export type { EjsonMode } from './sources/ejson.js';
export { type FromIterableOptions, fromIterable } from './sources/from-iterable.js';
export { type JsonArrayOptions, readJsonArray } from './sources/json-array.js';
export { DEFAULT_MAX_LINE_BYTES, type NdjsonOptions, readNdjson } from './sources/ndjson.js';
export {
  type OpenSourceOptions,
  openSource,
  type SourceFormat,
  sourceFormat,
  sourceSize,
} from './sources/open-source.js';
export { shareRecords } from './sources/share-source.js';
export { readTextShare, type TextShare, textShare } from './sources/text-share.js';
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
} from './types.js';
