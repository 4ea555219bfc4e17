/** In-memory or object-mode sources: arrays, generators, object-mode streams, cursors. */

import { optionError } from '../../core/option-error.js';
import type { SourceRecord } from '../types.js';

export interface FromIterableOptions {
  /**
   * The source already yields `SourceRecord`s (its own positions, raw text, errors): pass them
   * through unchanged. An item that is not record-shaped becomes a `BW_NOT_A_RECORD` error record.
   * @default false
   */
  readonly records?: boolean;
}

/**
 * Numbers the elements of an iterable, a 1-based `position` each, `value` the element as is:
 * nothing is parsed or checked here (the model's schema does that). An object-mode `Readable` is an
 * async iterable, so it fits too.
 */
export function fromIterable(
  source: Iterable<unknown> | AsyncIterable<unknown>,
  options: FromIterableOptions = {},
): AsyncGenerator<SourceRecord> {
  const isIterable =
    typeof source === 'object' &&
    source !== null &&
    (Symbol.asyncIterator in source || Symbol.iterator in source);
  if (!isIterable) throw optionError('source', 'an iterable or async iterable', source);
  if (options.records !== undefined && typeof options.records !== 'boolean') {
    throw optionError('records', 'a boolean', options.records);
  }
  return options.records ? passThrough(source) : numbered(source);
}

async function* numbered(source: Iterable<unknown> | AsyncIterable<unknown>): AsyncGenerator<SourceRecord> {
  let position = 0;
  for await (const value of source) yield { position: ++position, value };
}

async function* passThrough(
  source: Iterable<unknown> | AsyncIterable<unknown>,
): AsyncGenerator<SourceRecord> {
  let element = 0;
  for await (const item of source) {
    element++;
    if (isSourceRecord(item)) yield item;
    else {
      const message = 'Expected a SourceRecord (an object with a positive integer `position`)';
      yield { position: element, error: { code: 'BW_NOT_A_RECORD', message } };
    }
  }
}

function isSourceRecord(item: unknown): item is SourceRecord {
  if (typeof item !== 'object' || item === null) return false;
  const { position } = item as { position?: unknown };
  return typeof position === 'number' && Number.isSafeInteger(position) && position > 0;
}
