/** The records of one share of a source: by byte range for NDJSON/CSV files, by record number otherwise. */
import { moduloShare, type Partition } from '../partition.js';
import type { SourceRecord } from '../types.js';
import { type OpenSourceOptions, openSource, sourceFormat } from './open-source.js';
import { readTextShare } from './text-share.js';

export function shareRecords(
  input: string,
  partition: Partition,
  options: OpenSourceOptions = {},
): AsyncGenerator<SourceRecord> {
  const format = sourceFormat(input, options.format);
  if (format === 'json') return moduloShare(openSource(input, options), partition);
  return readTextShare(input, partition, { ...options, format });
}
