/**
 * What an import reads and where it keeps its progress, for its share of the input (the whole input
 * is share 0/1). NDJSON and CSV are read by byte range with byte positions, so a record gets the
 * same derived `_id` whether one process imports the file or any share does; a JSON array is split
 * by element number. Checkpoints and dead-letter files are per (input, target, share).
 */
import { basename, extname, resolve } from 'node:path';
import type { Db } from 'mongodb';
import { fileCheckpoint } from '../stream/checkpoint.js';
import { moduloShare, type Partition } from '../stream/partition.js';
import { type ShareCheckpointStore, shareCheckpoint } from '../stream/share-checkpoint.js';
import { type OpenSourceOptions, openSource, sourceSize } from '../stream/sources/open-source.js';
import { readTextShare, textShare } from '../stream/sources/text-share.js';
import type { CheckpointStore, SourceRecord } from '../stream/types.js';
import type { ImportCommand } from './args.js';

export interface ShareSetup {
  /** The share's records; `resumeAfter`: the checkpoint's position, to seek to (shares past byte 0). */
  readonly open: (resumeAfter?: number) => AsyncIterable<SourceRecord>;
  /** Absent for a dry run without `--dead-letter`. */
  readonly deadLetterPath?: string;
  /** Bytes the share covers (for the progress bar), when known. */
  readonly totalBytes?: number;
  readonly checkpoint?: CheckpointStore;
  /** The collection store, when there is one: `begin` it before the run. */
  readonly shareStore?: ShareCheckpointStore;
}

/** `<import>`: names the input and the target, for checkpoints and derived `_id`s. */
export function importIdOf(file: string, db: string, collection: string): string {
  return `${resolve(file)}|${db}.${collection}`;
}

export async function setupShare(
  command: ImportCommand,
  file: string,
  db: Db,
  collection: string,
  schema: OpenSourceOptions['schema'],
): Promise<ShareSetup> {
  const { partition } = command.shares;
  const readerOptions: OpenSourceOptions = {
    ...(command.delimiter !== undefined ? { delimiter: command.delimiter } : {}),
    ...(command.columns !== undefined ? { columns: command.columns } : {}),
    ...(command.types !== undefined ? { types: command.types } : {}),
    ...(command.timeZone !== undefined ? { timeZone: command.timeZone } : {}),
    columnsHaveTypes: command.columnsHaveTypes,
    ignoreBlanks: command.ignoreBlanks,
    ...(schema ? { schema } : {}),
  };
  const deadLetterPath =
    command.dryRun && command.deadLetter === undefined
      ? undefined
      : shareDeadLetterPath(command.deadLetter, file, partition);
  const format = command.format;
  let open: ShareSetup['open'];
  let totalBytes: number | undefined;
  let range: { start: number; end: number } | undefined;
  if (format === 'json') {
    const all = openSource(file, readerOptions);
    open = () => (partition.count > 1 ? moduloShare(all, partition) : all);
    totalBytes = await sourceSize(file).catch(() => undefined);
  } else {
    const share = await textShare(file, partition);
    range = { start: share.start, end: share.end };
    open = (resumeAfter) =>
      readTextShare(file, partition, {
        ...readerOptions,
        format,
        ...(resumeAfter !== undefined ? { resumeAfter } : {}),
      });
    totalBytes = share.end - share.start;
  }
  const unit = format === 'json' ? 'records' : 'bytes';
  const base = {
    open,
    ...(totalBytes !== undefined ? { totalBytes } : {}),
    ...(deadLetterPath !== undefined ? { deadLetterPath } : {}),
  };
  if (command.checkpoint.kind === 'file') {
    const checkpoint = fileCheckpoint(resolve(command.checkpoint.path), unit === 'bytes' ? { unit } : {});
    return { ...base, checkpoint };
  }
  if (command.checkpoint.kind === 'none') return base;
  const shareStore = shareCheckpoint(db, {
    importId: importIdOf(file, db.databaseName, collection),
    partition,
    unit,
    ...(range ? { range } : {}),
    timeoutMs: command.batchTimeoutMs,
  });
  return { ...base, checkpoint: shareStore, shareStore };
}

/** The dead-letter file of a share: `x.rejected.ndjson` → `x.share-3-of-8.rejected.ndjson`. */
export function shareDeadLetterPath(given: string | undefined, file: string, partition: Partition): string {
  const base = given ?? `${basename(file)}.rejected.ndjson`;
  if (partition.count === 1) return resolve(base);
  const tag = `share-${partition.index}-of-${partition.count}`;
  if (given === undefined) return resolve(`${basename(file)}.${tag}.rejected.ndjson`);
  const ext = extname(base);
  return resolve(ext ? `${base.slice(0, -ext.length)}.${tag}${ext}` : `${base}.${tag}`);
}
