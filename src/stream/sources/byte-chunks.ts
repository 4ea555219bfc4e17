/** The one way text sources are read: a file path or a stream, as Buffers, never the whole file. */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
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

/**
 * Bytes `start` to `end` (exclusive) of a file, read into one buffer reused for every chunk, so
 * each chunk is valid only until the next one is pulled. For readers that copy what they keep
 * (NDJSON cuts each line into a string): a stream's fresh buffer per read lives as long as the
 * records cut from it wait for their batch, long enough to be promoted, and its memory then stays
 * until a major collection (the import's peak RSS, measured in docs/performance.md).
 */
export async function* fileChunks(
  path: string,
  start = 0,
  end = Number.POSITIVE_INFINITY,
  chunkBytes = FILE_CHUNK_BYTES,
): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafeSlow(chunkBytes);
    for (let at = start; at < end; ) {
      const { bytesRead } = await file.read(buffer, 0, Math.min(chunkBytes, end - at), at);
      if (bytesRead === 0) return;
      at += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}
