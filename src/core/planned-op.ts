import type { AnyBulkWriteOperation, Document } from 'mongodb';

/** One op ready to send, carrying the caller's index from planning to the report. */
export interface PlannedOp {
  readonly index: number;
  readonly op: AnyBulkWriteOperation<Document>;
}

/** Splits ops into consecutive chunks of at most `size`; items that fit in one are not copied. */
export function chunk<T>(items: readonly T[], size: number): (readonly T[])[] {
  if (items.length <= size) return items.length > 0 ? [items] : [];
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
