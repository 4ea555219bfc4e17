/**
 * One share of an NDJSON or CSV file, read by seeking: the share owns every line that begins in
 * its byte range `[start, end)`; the reader seeks to the first line beginning at or after `start`
 * and stops after the last line beginning before `end` (it reads past `start - 1` and `end - 1`
 * only up to the next line break, to find those line starts). A CSV share with a header row reads
 * line 1 first, then its range.
 *
 * Positions are global and the same whatever the split: a record's `position` is the byte offset
 * of its first line in the file, plus 1 (so a resumed share, any other share, and a whole-file read
 * derive the same `_id` from it). `line` is the line number when it is known without reading the
 * prefix, i.e. in the share that starts at byte 0.
 */
import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { BulkwrightError } from '../../core/errors.js';
import type { Partition } from '../partition.js';
import { shareRange } from '../partition.js';
import type { SourceRecord } from '../types.js';
import { ndjsonRangeBatches } from './ndjson.js';
import { type OpenSourceOptions, openSource } from './open-source.js';
import { ownBatches, ownSource } from './own-source.js';

export interface TextShare {
  /** The first byte of the first line the share owns. */
  readonly start: number;
  /** Just past the last line the share owns (the file's size for the last share). */
  readonly end: number;
  readonly size: number;
}

const NEWLINE = 0x0a;
const PROBE_BYTES = 64 * 1024;
const CHUNK_BYTES = 64 * 1024;

/** Where share `partition` of the file really starts and ends (line-aligned), read by seeking. */
export async function textShare(path: string, partition: Partition): Promise<TextShare> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const nominal = shareRange(size, partition);
    const start = await lineStartAtOrAfter(file, nominal.start, size);
    const end =
      partition.index === partition.count - 1 ? size : await lineStartAtOrAfter(file, nominal.end, size);
    return { start, end: Math.max(start, end), size };
  } finally {
    await file.close();
  }
}

/** The offset of the first line that begins at or after `offset`. */
async function lineStartAtOrAfter(file: FileHandle, offset: number, size: number): Promise<number> {
  if (offset <= 0) return 0;
  const buffer = Buffer.allocUnsafe(PROBE_BYTES);
  // A line begins at `offset` when the byte before it is a line break.
  for (let at = offset - 1; at < size; at += PROBE_BYTES) {
    const { bytesRead } = await file.read(buffer, 0, PROBE_BYTES, at);
    if (bytesRead === 0) break;
    const newline = buffer.subarray(0, bytesRead).indexOf(NEWLINE);
    if (newline !== -1) return at + newline + 1;
  }
  return size;
}

export interface TextShareOptions extends OpenSourceOptions {
  readonly format: 'ndjson' | 'csv';
  /**
   * A resume: the checkpoint's byte position in this share. A share that does not start at byte 0
   * seeks to that line instead of reading up to it (its line numbers are unknown anyway); share 0
   * reads from its start, to keep them.
   */
  readonly resumeAfter?: number;
}

/** Reads one share of a file (`{ index: 0, count: 1 }`: the whole file, with byte positions). */
export function readTextShare(
  path: string,
  partition: Partition,
  options: TextShareOptions,
): AsyncGenerator<SourceRecord> {
  if (options.format === 'ndjson') return ownBatches(ndjsonShare(path, partition, options));
  return ownSource(read(path, partition, options));
}

/** Where reading starts: the share's first line, or a resumed share's checkpoint line. */
function readFrom(share: TextShare, resumeAfter: number | undefined): number {
  const seek = resumeAfter === undefined ? share.start : resumeAfter - 1;
  return share.start > 0 && seek > share.start && seek < share.end ? seek : share.start;
}

/** NDJSON places its records in the file itself: no line-start table, no second pass. */
async function* ndjsonShare(
  path: string,
  partition: Partition,
  options: TextShareOptions,
): AsyncGenerator<SourceRecord[]> {
  const share = await textShare(path, partition);
  const from = readFrom(share, options.resumeAfter);
  if (share.end <= from) return;
  const range = { start: from, end: share.end, chunkBytes: CHUNK_BYTES };
  yield* ndjsonRangeBatches(path, range, options, { offset: from, linesKnown: share.start === 0 });
}

async function* read(
  path: string,
  partition: Partition,
  options: TextShareOptions,
): AsyncGenerator<SourceRecord> {
  const share = await textShare(path, partition);
  const from = readFrom(share, options.resumeAfter);
  const header = options.format === 'csv' && !options.columns && from > 0 ? await firstLine(path) : undefined;
  // Line k of what the reader is fed starts at byte `lines[k - 1 - dropped]` of the file.
  const lines = new LineStarts();
  async function* bytes(): AsyncGenerator<Buffer> {
    if (header) {
      lines.push(0);
      yield header;
    }
    if (share.end <= from) return;
    let at = from;
    lines.push(at);
    for await (const chunk of createReadStream(path, {
      start: from,
      end: share.end - 1,
      highWaterMark: CHUNK_BYTES,
    }) as AsyncIterable<Buffer>) {
      for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) {
        if (at + i + 1 < share.end) lines.push(at + i + 1);
      }
      at += chunk.length;
      yield chunk;
    }
  }
  const known = share.start === 0;
  for await (const record of openSource(bytes(), options)) {
    if (
      options.format === 'csv' &&
      (record.raw?.includes('\n') || record.raw?.includes('\r')) &&
      partition.count > 1
    ) {
      throw new BulkwrightError(
        'BW_PARTITION_MULTILINE_CSV',
        `Line ${record.position} of share ${partition.index}/${partition.count}: a CSV record spans several lines (a line break inside a quoted field); such a file cannot be split by byte range, import it as one share`,
      );
    }
    // The reader's record is ours alone: renumbered in place (a copy per record costs ~0.5 µs).
    const renumbered = record as { position: number; line?: number };
    if (known) renumbered.line = record.position;
    renumbered.position = lines.at(record.position) + 1;
    yield record;
  }
}

/** The file's first line, line break included (a CSV header). */
async function firstLine(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const end = await lineStartAtOrAfter(file, 1, (await file.stat()).size);
    const buffer = Buffer.allocUnsafe(end);
    await file.read(buffer, 0, end, 0);
    return end > 0 && buffer[end - 1] !== NEWLINE ? Buffer.concat([buffer, Buffer.from('\n')]) : buffer;
  } finally {
    await file.close();
  }
}

/**
 * Line-start offsets by line number, forgetting those the reader has passed: memory holds the
 * lines between what was fed and what was parsed (about one chunk), not the whole share.
 */
class LineStarts {
  private starts: number[] = [];
  private dropped = 0;

  push(offset: number): void {
    this.starts.push(offset);
  }

  /** The start of line `line` (1-based) of what was fed. */
  at(line: number): number {
    const i = line - 1 - this.dropped;
    const offset = this.starts[Math.min(Math.max(i, 0), this.starts.length - 1)] ?? 0;
    // Lines before this one are behind the reader now: drop them once there are many.
    if (i > 4096) {
      this.starts = this.starts.slice(i);
      this.dropped += i;
    }
    return offset;
  }
}
