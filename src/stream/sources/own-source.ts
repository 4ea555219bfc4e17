/**
 * The readers' own record streams, known by identity. A reader produces records an array per
 * chunk of input; users iterate them one by one, and `streamInsert` takes the arrays as they are,
 * so its hot loop pays one async step per chunk instead of one or more per record (each step cost
 * ~0.3 µs a record and its promises kept the garbage collector busy: docs/performance.md).
 */
import type { SourceRecord } from '../types.js';

/** Records an array at a time, in source order. */
export type RecordBatches = AsyncIterable<readonly SourceRecord[]>;

interface Own {
  readonly batches: RecordBatches | undefined;
  /** The record-by-record view was pulled from: its batches are no longer whole. */
  started: boolean;
}

const own = new WeakMap<object, Own>();

/** Marks a reader's record generator as ours (checked shapes, values nobody else holds). */
export function ownSource<T extends AsyncGenerator<SourceRecord>>(source: T): T {
  own.set(source, { batches: undefined, started: false });
  return source;
}

/** A reader's batches as the record generator users see; `recordBatches` gets the batches back. */
export function ownBatches(batches: RecordBatches): AsyncGenerator<SourceRecord> {
  const state: Own = { batches, started: false };
  const records = (async function* () {
    state.started = true;
    for await (const batch of batches) for (const record of batch) yield record;
  })();
  own.set(records, state);
  return records;
}

export function isOwnSource(source: unknown): source is AsyncGenerator<SourceRecord> {
  return typeof source === 'object' && source !== null && own.has(source);
}

/** The records of `source` an array at a time: a reader's own batches, else one record each. */
export function recordBatches(source: AsyncIterable<SourceRecord>): RecordBatches {
  const known = own.get(source);
  if (known?.batches && !known.started) return known.batches;
  return singles(source);
}

/** Wraps each record in an array; a plain iterator, not one more async generator step. */
function singles(source: AsyncIterable<SourceRecord>): RecordBatches {
  return {
    [Symbol.asyncIterator]() {
      const it = source[Symbol.asyncIterator]();
      return {
        next: () =>
          it
            .next()
            .then(
              (r): IteratorResult<readonly SourceRecord[]> =>
                r.done ? { done: true, value: undefined } : { done: false, value: [r.value] },
            ),
        return: async () => {
          await it.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
