/**
 * Newline-delimited JSON, one record per line, in bounded memory: lines are cut from the byte
 * chunks as they come, and a line over `maxLineBytes` is dropped as it streams (only its first KiB
 * is kept for the error record), so no input can make the reader buffer without limit.
 */

import { positiveInteger } from '../../core/option-error.js';
import type { SourceRecord } from '../types.js';
import { byteChunks, type TextInput } from './byte-chunks.js';
import { type EjsonMode, ejsonMode, parseJsonText } from './ejson.js';

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
  const maxLineBytes = positiveInteger('maxLineBytes', options.maxLineBytes, DEFAULT_MAX_LINE_BYTES);
  const mode = ejsonMode(options.ejson);
  return read(input, maxLineBytes, mode);
}

async function* read(input: TextInput, maxLineBytes: number, mode: EjsonMode): AsyncGenerator<SourceRecord> {
  let line = 0;
  let bytesRead = 0;
  // The current line's bytes before this chunk: pieces while it fits, a prefix once it does not.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLongPrefix: string | undefined;

  for await (const chunk of byteChunks(input)) {
    let start = 0;
    let newline = chunk.indexOf(NEWLINE, start);
    while (newline !== -1) {
      line++;
      const lineBytes = pendingBytes + newline - start;
      bytesRead += lineBytes + 1;
      if (tooLongPrefix !== undefined || lineBytes > maxLineBytes) {
        yield tooLong(
          line,
          tooLongPrefix ?? prefixOf(pending, chunk, start),
          lineBytes,
          maxLineBytes,
          bytesRead,
        );
      } else {
        const text =
          pendingBytes === 0
            ? chunk.toString('utf8', start, newline)
            : Buffer.concat([...pending, chunk.subarray(start, newline)]).toString('utf8');
        const record = parseLine(line, text, bytesRead, mode);
        if (record) yield record;
      }
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
        pending.push(chunk.subarray(start));
      }
      pendingBytes += chunk.length - start;
    }
  }
  if (pendingBytes > 0) {
    line++;
    bytesRead += pendingBytes;
    if (tooLongPrefix !== undefined) {
      yield tooLong(line, tooLongPrefix, pendingBytes, maxLineBytes, bytesRead);
    } else {
      const record = parseLine(line, Buffer.concat(pending).toString('utf8'), bytesRead, mode);
      if (record) yield record;
    }
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
