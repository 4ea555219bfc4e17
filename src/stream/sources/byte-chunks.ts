/** The one way text sources are read: a file path or a stream, as Buffers, never the whole file. */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { ErrorCode } from '../../core/codes.js';
import { BulkwrightError } from '../../core/errors.js';

/** A file path, or a stream / async iterable of text or bytes. */
export type TextInput = string | Readable | AsyncIterable<string | Uint8Array>;

/** Big enough that per-chunk overhead vanishes, small enough to stay cache-friendly. */
const FILE_CHUNK_BYTES = 256 * 1024;

export async function* byteChunks(input: TextInput): AsyncGenerator<Buffer> {
  const source: AsyncIterable<unknown> =
    typeof input === 'string' ? createReadStream(input, { highWaterMark: FILE_CHUNK_BYTES }) : input;
  for await (const chunk of source) {
    if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else if (Buffer.isBuffer(chunk)) yield chunk;
    else if (chunk instanceof Uint8Array) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else
      throw new BulkwrightError(
        ErrorCode.InvalidSource,
        `Expected the source to yield strings or bytes, got a chunk of type ${typeof chunk}`,
      );
  }
}
