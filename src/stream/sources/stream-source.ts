/**
 * What `streamInsert` reads from its source argument: a path through the readers (by share when
 * `partition` is set), the readers' own streams as they are, anything else numbered by `fromIterable`;
 * all of it an array of records at a time.
 */
import type { Readable } from 'node:stream';
import { moduloShare, type Partition } from '../partition.js';
import type { SourceRecord } from '../types.js';
import { fromIterable } from './from-iterable.js';
import { openSource, type SourceFormat } from './open-source.js';
import { isOwnSource, type RecordBatches, recordBatches } from './own-source.js';
import { shareRecords } from './share-source.js';

export type StreamSource = string | Iterable<unknown> | AsyncIterable<unknown> | Readable;

/** The records of `source`, an array at a time (a reader's own arrays where it has them). */
export function streamRecords(
  source: StreamSource,
  options: { readonly format?: SourceFormat; readonly records?: boolean; readonly partition?: Partition },
): RecordBatches {
  return recordBatches(records(source, options));
}

function records(
  source: StreamSource,
  options: { readonly format?: SourceFormat; readonly records?: boolean; readonly partition?: Partition },
): AsyncIterable<SourceRecord> {
  const { partition } = options;
  if (typeof source === 'string') {
    const format = options.format ? { format: options.format } : {};
    return partition ? shareRecords(source, partition, format) : openSource(source, format);
  }
  if (options.records && isOwnSource(source)) return partition ? moduloShare(source, partition) : source;
  const records = fromIterable(source as Iterable<unknown> | AsyncIterable<unknown>, {
    records: options.records ?? false,
  });
  return partition ? moduloShare(records, partition) : records;
}
