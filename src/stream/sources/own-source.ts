/**
 * The readers' own record streams, known by identity: `streamInsert({ records: true })` reads them
 * as they are instead of checking every item's shape through one more async generator, a layer
 * that cost ~0.3 µs a record (docs/performance.md).
 */
import type { SourceRecord } from '../types.js';

const own = new WeakSet<object>();

export function ownSource<T extends AsyncGenerator<SourceRecord>>(source: T): T {
  own.add(source);
  return source;
}

export function isOwnSource(source: unknown): source is AsyncGenerator<SourceRecord> {
  return typeof source === 'object' && source !== null && own.has(source);
}
