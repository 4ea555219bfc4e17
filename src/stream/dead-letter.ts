/**
 * Where rejected records go. The file sink writes NDJSON, one `{position, line?, file?, reason, record}` per line,
 * as relaxed Extended JSON: ObjectIds and dates in `record` come out as `{"$oid": …}` and
 * `{"$date": …}`, which `readNdjson` reads back as ObjectId and Date, so a fixed dead-letter file
 * can be re-imported. `record` is the raw text when the source had one (an NDJSON line, a CSV row).
 */

import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { inspect } from 'node:util';
import { BSON } from 'mongodb';
import { ErrorCode } from '../core/codes.js';
import { BulkwrightError } from '../core/errors.js';
import { optionError } from '../core/option-error.js';
import { forgetLettersAfter } from './dead-letter-resume.js';
import type { DeadLetter, DeadLetterSink } from './types.js';

/** A sink that can be flushed and closed. */
export interface ClosableDeadLetterSink extends DeadLetterSink {
  close(): Promise<void>;
}

/**
 * Appends dead letters to an NDJSON file, creating it and its directories on the first letter (no
 * file when nothing was rejected). `write` resolves once the stream accepts more (backpressure);
 * `close` flushes and closes, and rethrows a write error the stream hit.
 */
export function deadLetterFile(path: string): ClosableDeadLetterSink {
  if (typeof path !== 'string' || path === '') throw optionError('path', 'a non-empty file path', path);
  let opening: Promise<WriteStream> | undefined;
  let failure: Error | undefined;
  let closed = false;
  let draining: Promise<void> | undefined;
  const open = async (): Promise<WriteStream> => {
    await mkdir(dirname(path), { recursive: true });
    const stream = createWriteStream(path, { flags: 'a' });
    stream.on('error', (error) => {
      failure ??= error;
    });
    await once(stream, 'open');
    return stream;
  };
  return {
    async write(letter) {
      if (closed) {
        throw new BulkwrightError(ErrorCode.DeadLetterClosed, `The dead-letter file ${path} is closed`);
      }
      if (failure) throw failure;
      opening ??= open();
      const stream = await opening;
      // Written at once, so lines keep call order; concurrent writers share one wait for 'drain'
      // (`once` rejects if the stream errors meanwhile).
      if (!stream.write(deadLetterLine(letter)) || draining) {
        draining ??= once(stream, 'drain').then(
          () => {
            draining = undefined;
          },
          (error: Error) => {
            draining = undefined;
            throw error;
          },
        );
        await draining;
      }
    },
    async resume(position) {
      // Before the first write only: the file is not open yet.
      if (!opening) await forgetLettersAfter(path, position);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (!opening) return;
      const stream = await opening;
      await new Promise<void>((resolve, reject) => {
        stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
      });
      if (failure) throw failure;
    },
  };
}

/** Calls `fn` with each dead letter; a rejected promise fails the write (and the run). */
export function deadLetterCallback(fn: (letter: DeadLetter) => void | Promise<void>): DeadLetterSink {
  if (typeof fn !== 'function') throw optionError('fn', 'a function', fn);
  return { write: (letter) => fn(letter) };
}

/** Writes every letter to all sinks (concurrently) and closes them all, even if one fails. */
export function combineSinks(...sinks: DeadLetterSink[]): ClosableDeadLetterSink {
  sinks.forEach((sink, i) => {
    if (typeof sink?.write !== 'function') throw optionError(`sinks[${i}]`, 'a DeadLetterSink', sink);
  });
  return {
    async write(letter) {
      await Promise.all(sinks.map(async (sink) => sink.write(letter)));
    },
    async resume(position) {
      await Promise.all(sinks.map(async (sink) => sink.resume?.(position)));
    },
    async close() {
      const results = await Promise.allSettled(sinks.map(async (sink) => sink.close?.()));
      const errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      if (errors.length === 1) throw errors[0];
      if (errors.length > 1) throw new AggregateError(errors, 'Several dead-letter sinks failed to close');
    },
  };
}

/** One dead letter as its NDJSON line, newline included. Never throws: a record EJSON cannot encode is kept as text. */
export function deadLetterLine(letter: DeadLetter): string {
  const { reason, record } = letter;
  // `position` first: a resume finds the letters to forget by it (dead-letter-resume.ts).
  const position = {
    position: letter.position,
    ...(letter.line !== undefined ? { line: letter.line } : {}),
    ...(letter.file !== undefined ? { file: letter.file } : {}),
  };
  try {
    return `${BSON.EJSON.stringify({ ...position, reason, record }, { relaxed: true })}\n`;
  } catch (error) {
    const unserializable = (error as Error).message;
    const text = inspect(record, { depth: 6, breakLength: Number.POSITIVE_INFINITY });
    try {
      return `${BSON.EJSON.stringify({ ...position, reason, record: text, unserializable }, { relaxed: true })}\n`;
    } catch {
      const { kind, code, message } = reason;
      return `${JSON.stringify({ ...position, reason: { kind, code, message }, record: text, unserializable })}\n`;
    }
  }
}
