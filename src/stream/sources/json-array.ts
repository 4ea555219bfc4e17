/**
 * A file holding one top-level JSON array, streamed element by element with @streamparser/json
 * (`paths: ['$.*']`, `keepStack: false`, so the parser drops each element once emitted and memory
 * stays at one element plus one chunk).
 *
 * A JSON syntax error cannot be skipped over: nothing marks where the next element starts. The
 * source then ends with one final `BW_PARSE_JSON` record naming the byte offset of the error.
 */
import type { SourceRecord } from '../types.js';
import { byteChunks, type TextInput } from './byte-chunks.js';
import { type EjsonMode, ejsonMode, reviveJson } from './ejson.js';

export interface JsonArrayOptions {
  /**
   * How `{"$oid": …}`-style Extended JSON is read; see `EjsonMode`.
   * @default 'relaxed'
   */
  readonly ejson?: EjsonMode;
}

/**
 * Reads the elements of a top-level JSON array. `position` is the 1-based element number,
 * `bytesRead` the byte offset just past the element; there is no `raw`. An element that is not an
 * object becomes a `BW_NOT_AN_OBJECT` record and reading goes on.
 */
export function readJsonArray(
  input: TextInput,
  options: JsonArrayOptions = {},
): AsyncGenerator<SourceRecord> {
  const mode = ejsonMode(options.ejson);
  return read(input, mode);
}

async function* read(input: TextInput, mode: EjsonMode): AsyncGenerator<SourceRecord> {
  // Loaded on first use, like the CSV parser.
  const { JSONParser } = await import('@streamparser/json');
  const parser = new JSONParser({ paths: ['$.*'], keepStack: false });
  // Filled synchronously by `write`, emptied before the next chunk is read.
  const queue: SourceRecord[] = [];
  let position = 0;
  let lastOffset = -1;
  let fed = 0;
  let failure: string | undefined;
  let started = false;

  parser.onToken = ({ offset }) => {
    lastOffset = offset;
  };
  parser.onValue = ({ value }) => {
    position++;
    queue.push(toRecord(position, value, lastOffset + 1, mode));
  };
  parser.onError = (error) => {
    failure ??= error.message;
  };

  for await (const chunk of byteChunks(input)) {
    if (!started) {
      const first = firstSignificantByte(chunk);
      if (first === undefined) {
        fed += chunk.length;
        continue;
      }
      started = true;
      if (first !== 0x5b) {
        yield syntaxError(1, 'Expected the source to be a JSON array (to start with `[`)', fed);
        return;
      }
    }
    parser.write(chunk);
    fed += chunk.length;
    yield* queue;
    queue.length = 0;
    if (failure !== undefined) break;
  }
  if (failure === undefined && !parser.isEnded) parser.end();
  yield* queue;
  if (failure !== undefined) {
    yield syntaxError(position + 1, failure, errorOffset(failure, lastOffset + 1));
  }
}

function toRecord(position: number, parsed: unknown, bytesRead: number, mode: EjsonMode): SourceRecord {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    const got = parsed === null ? 'null' : Array.isArray(parsed) ? 'an array' : `a ${typeof parsed}`;
    return {
      position,
      bytesRead,
      error: { code: 'BW_NOT_AN_OBJECT', message: `Expected a JSON object, got ${got}` },
    };
  }
  try {
    return { position, bytesRead, value: reviveJson(parsed, mode) };
  } catch (error) {
    return { position, bytesRead, error: { code: 'BW_PARSE_JSON', message: (error as Error).message } };
  }
}

function syntaxError(position: number, message: string, offset: number): SourceRecord {
  return {
    position,
    error: {
      code: 'BW_PARSE_JSON',
      message: `${message} (near byte ${offset}); a JSON array cannot be read past a syntax error, so the source ends here`,
    },
  };
}

/** The tokenizer names the absolute position; the token parser's errors do not, so use the last token's. */
function errorOffset(message: string, fallback: number): number {
  const match = /absolute position "(\d+)"/.exec(message);
  return match ? Number(match[1]) : fallback;
}

function firstSignificantByte(chunk: Buffer): number | undefined {
  for (let i = 0; i < chunk.length; i++) {
    const byte = chunk[i]!;
    // Whitespace, and the three bytes of a UTF-8 byte-order mark.
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
    if (byte === 0xef || byte === 0xbb || byte === 0xbf) continue;
    return byte;
  }
  return undefined;
}
