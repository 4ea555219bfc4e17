/**
 * Shares of one input, so that several processes (or machines) import it together. A share is
 * `{ index, count }` (0-based index). Text files (NDJSON, CSV) split by byte range, aligned to line
 * starts; other sources by record number modulo the count; several files by a stable hash of the
 * path. Every split keeps positions global, so a record's derived `_id` does not depend on it.
 */
import { createHash } from 'node:crypto';
import { optionError } from '../core/option-error.js';
import { ownSource } from './sources/own-source.js';
import type { SourceRecord } from './types.js';

export interface Partition {
  /** 0-based: this process imports share `index` of `count`. */
  readonly index: number;
  readonly count: number;
}

/** The most shares one input can be split into. */
export const MAX_PARTITIONS = 10_000;

export function checkPartition(partition: unknown): Partition {
  const p = partition as Partial<Partition> | null;
  const count = p?.count;
  const index = p?.index;
  if (
    typeof p !== 'object' ||
    p === null ||
    !Number.isSafeInteger(count) ||
    (count as number) < 1 ||
    (count as number) > MAX_PARTITIONS ||
    !Number.isSafeInteger(index) ||
    (index as number) < 0 ||
    (index as number) >= (count as number)
  ) {
    throw optionError(
      'partition',
      `{ index, count } with 1 <= count <= ${MAX_PARTITIONS} and 0 <= index < count`,
      partition,
    );
  }
  return { index: index as number, count: count as number };
}

/** `"3/8"` → `{ index: 3, count: 8 }`; `undefined` when the text is not of that form. */
export function parsePartition(text: string): Partition | undefined {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) return undefined;
  try {
    return checkPartition({ index: Number(match[1]), count: Number(match[2]) });
  } catch {
    return undefined;
  }
}

/** The nominal byte range `[start, end)` of share `index` in a file of `size` bytes. */
export function shareRange(size: number, partition: Partition): { start: number; end: number } {
  const { index, count } = partition;
  const start = Math.floor((size * index) / count);
  const end = index === count - 1 ? size : Math.floor((size * (index + 1)) / count);
  return { start, end };
}

/** The records of a modulo share: record number `position` belongs to share `(position - 1) % count`. */
export function moduloShare(
  records: AsyncIterable<SourceRecord>,
  partition: Partition,
): AsyncGenerator<SourceRecord> {
  return ownSource(modulo(records, partition));
}

async function* modulo(
  records: AsyncIterable<SourceRecord>,
  partition: Partition,
): AsyncGenerator<SourceRecord> {
  const { index, count } = partition;
  for await (const record of records) {
    if ((record.position - 1) % count === index) yield record;
  }
}

/**
 * The files of a share, from a list: each path goes to share `hash(path) mod count`, the same on
 * every machine. Balanced only on average: a share may get more (or bigger) files than another.
 */
export function filesOfShare(paths: readonly string[], partition: Partition): string[] {
  return paths.filter((path) => shareOfPath(path, partition.count) === partition.index);
}

export function shareOfPath(path: string, count: number): number {
  return createHash('sha1').update(path).digest().readUInt32BE(0) % count;
}
