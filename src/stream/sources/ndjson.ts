/**
 * Newline-delimited JSON, one record per line, in bounded memory: lines are cut from the byte
 * chunks as they come, and a line over `maxLineBytes` is dropped as it streams (only its first KiB
 * is kept for the error record), so no input can make the reader buffer without limit.
 */

import { positiveInteger } from '../../core/option-error.js';
import type { SourceRecord } from '../types.js';
import { byteChunks, fileChunks, type TextInput } from './byte-chunks.js';
import { type EjsonMode, ejsonMode, parseJsonText } from './ejson.js';
import { ownBatches } from './own-source.js';

export interface NdjsonOptions {
  /**
   * Longest line accepted, in bytes. A longer line becomes a `BW_LINE_TOO_LONG` error record.
   * @default 17 MiB (the server's 16 MiB document limit, plus room for JSON's wordier text)
   */
  readonly maxLineBytes?: number;
  /**
   * How `{"$oid": …}`-style Extended JSON is read; see `EjsonMode`.
   * @default 'relaxed'
   */
  readonly ejson?: EjsonMode;
}

export const DEFAULT_MAX_LINE_BYTES = 17 * 1024 * 1024;
/** How much of an over-long line the error record keeps, to show what it was. */
const TOO_LONG_PREFIX_BYTES = 1024;
const NEWLINE = 0x0a;

/**
 * Reads NDJSON from a file path or a stream. `position` is the 1-based line number (blank lines
 * are skipped but counted), `raw` the line without its line break, `bytesRead` the bytes consumed
 * through the end of the line. Malformed lines become error records and reading goes on.
 */
export function readNdjson(input: TextInput, options: NdjsonOptions = {}): AsyncGenerator<SourceRecord> {
  return ownBatches(ndjsonBatches(input, options));
}

/** Where a share of a file begins, so records carry positions in the whole file. */
export interface ByteOrigin {
  /** The file offset of the first byte read: `position` becomes the line's file offset + 1. */
  readonly offset: number;
  /** The reader starts at line 1 of the file: records also carry `line`. */
  readonly linesKnown: boolean;
}

/** The records of each chunk read, as one array (see own-source.ts). */
export function ndjsonBatches(
  input: TextInput,
  options: NdjsonOptions = {},
  origin?: ByteOrigin,
): AsyncGenerator<SourceRecord[]> {
  const chunks = typeof input === 'string' ? fileChunks(input) : byteChunks(input);
  return batchesOf(chunks, options, origin);
}

/** Bytes `start` to `end` (exclusive) of an NDJSON file, as ndjsonBatches reads them. */
export function ndjsonRangeBatches(
  path: string,
  range: { readonly start: number; readonly end: number; readonly chunkBytes?: number },
  options: NdjsonOptions,
  origin: ByteOrigin,
): AsyncGenerator<SourceRecord[]> {
  return batchesOf(fileChunks(path, range.start, range.end, range.chunkBytes), options, origin);
}

/** Options are checked here, before the first chunk is read. */
function batchesOf(
  chunks: AsyncIterable<Buffer>,
  options: NdjsonOptions,
  origin: ByteOrigin | undefined,
): AsyncGenerator<SourceRecord[]> {
  const maxLineBytes = positiveInteger('maxLineBytes', options.maxLineBytes, DEFAULT_MAX_LINE_BYTES);
  return read(chunks, maxLineBytes, ejsonMode(options.ejson), origin);
}

/** Each chunk is used up before the next is pulled, and nothing keeps a view of it (fileChunks). */
async function* read(
  chunks: AsyncIterable<Buffer>,
  maxLineBytes: number,
  mode: EjsonMode,
  origin: ByteOrigin | undefined,
): AsyncGenerator<SourceRecord[]> {
  let line = 0;
  let bytesRead = 0;
  // The current line's bytes before this chunk: pieces while it fits, a prefix once it does not.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLongPrefix: string | undefined;
  const place = (record: SourceRecord, lineStart: number): SourceRecord => {
    if (!origin) return record;
    // The record is ours alone: placed in the file in place (a copy per record cost ~0.5 µs).
    const placed = record as { position: number; line?: number };
    if (origin.linesKnown) placed.line = record.position;
    placed.position = origin.offset + lineStart + 1;
    return record;
  };

  for await (const chunk of chunks) {
    const out: SourceRecord[] = [];
    let start = 0;
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      line++;
      const lineBytes = pendingBytes + newline - start;
      const lineStart = bytesRead;
      bytesRead += lineBytes + 1;
      let record: SourceRecord | undefined;
      if (tooLongPrefix !== undefined || lineBytes > maxLineBytes) {
        const prefix = tooLongPrefix ?? prefixOf(pending, chunk, start);
        record = tooLong(line, prefix, lineBytes, maxLineBytes, bytesRead);
      } else {
        const text =
          pendingBytes === 0
            ? chunk.toString('utf8', start, newline)
            : Buffer.concat([...pending, chunk.subarray(start, newline)]).toString('utf8');
        record = parseLine(line, text, bytesRead, mode);
      }
      if (record) out.push(place(record, lineStart));
      pending = [];
      pendingBytes = 0;
      tooLongPrefix = undefined;
      start = newline + 1;
      newline = chunk.indexOf(NEWLINE, start);
    }
    if (start < chunk.length) {
      if (tooLongPrefix === undefined && pendingBytes + chunk.length - start > maxLineBytes) {
        tooLongPrefix = prefixOf(pending, chunk, start);
        pending = [];
      } else if (tooLongPrefix === undefined) {
        pending.push(Buffer.from(chunk.subarray(start))); // a copy: the chunk’s memory is reused
      }
      pendingBytes += chunk.length - start;
    }
    if (out.length > 0) yield out;
  }
  if (pendingBytes > 0) {
    line++;
    const lineStart = bytesRead;
    bytesRead += pendingBytes;
    const record =
      tooLongPrefix !== undefined
        ? tooLong(line, tooLongPrefix, pendingBytes, maxLineBytes, bytesRead)
        : parseLine(line, Buffer.concat(pending).toString('utf8'), bytesRead, mode);
    if (record) yield [place(record, lineStart)];
  }
}

/** One line to one record; `undefined` for a blank line. */
function parseLine(
  position: number,
  text: string,
  bytesRead: number,
  mode: EjsonMode,
): SourceRecord | undefined {
  let raw = text.charCodeAt(text.length - 1) === 0x0d ? text.slice(0, -1) : text;
  // Decoded, a UTF-8 byte-order mark is U+FEFF; only the file's first line can carry one.
  if (position === 1 && raw.charCodeAt(0) === 0xfeff) raw = raw.slice(1);
  if (raw.length === 0 || (raw.charCodeAt(0) <= 0x20 && raw.trim() === '')) return undefined;
  let value: unknown;
  try {
    value = parseJsonText(raw, mode);
  } catch (error) {
    return { position, raw, bytesRead, error: { code: 'BW_PARSE_JSON', message: (error as Error).message } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return {
      position,
      raw,
      bytesRead,
      error: { code: 'BW_NOT_AN_OBJECT', message: `Expected a JSON object, got ${got}` },
    };
  }
  return { position, raw, value, bytesRead };
}

function prefixOf(pending: readonly Buffer[], chunk: Buffer, start: number): string {
  const head = Buffer.concat([...pending, chunk.subarray(start, start + TOO_LONG_PREFIX_BYTES)]);
  // May cut a multi-byte character: the decoder turns the stub into U+FFFD, harmless in a prefix.
  return head.toString('utf8', 0, Math.min(head.length, TOO_LONG_PREFIX_BYTES));
}

function tooLong(
  position: number,
  prefix: string,
  lineBytes: number,
  maxLineBytes: number,
  bytesRead: number,
): SourceRecord {
  return {
    position,
    raw: prefix,
    bytesRead,
    error: {
      code: 'BW_LINE_TOO_LONG',
      message: `Line of ${lineBytes} bytes is longer than maxLineBytes (${maxLineBytes}); raw holds its first ${TOO_LONG_PREFIX_BYTES} bytes`,
    },
  };
}
