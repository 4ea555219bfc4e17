import type { Collection, Document } from 'mongodb';
import type { PlannedOp } from '../plan/planned-op.js';
import { FailureKind } from '../report/failure.js';
import type { BulkReport } from '../report/report.js';

/** What this needs of a record sent in a batch. */
export interface SentItem {
  readonly position: number;
  readonly op?: PlannedOp;
  readonly derivedId?: boolean;
}

/**
 * A resumed run resends what the crashed one may already have written. An insert whose derived
 * `_id` collides, and whose `_id` is in the collection, was ours: written, not a duplicate.
 */
export async function replayedInserts(
  collection: Collection<Document>,
  items: readonly SentItem[],
  report: BulkReport,
): Promise<Set<number>> {
  const derived = new Map<number, unknown>();
  const byPosition = new Map(items.map((item) => [item.position, item]));
  for (const failure of report.failures) {
    const item = byPosition.get(failure.index);
    if (
      failure.kind === FailureKind.duplicateKey &&
      item?.derivedId &&
      item.op &&
      'insertOne' in item.op.op
    ) {
      derived.set(failure.index, item.op.op.insertOne.document._id);
    }
  }
  if (derived.size === 0) return new Set();
  const ids = [...derived.values()];
  // One batch, no getMore: a cursor may not outlive a connection the network just cut.
  const found = await collection
    .find({ _id: { $in: ids } } as Document, { projection: { _id: 1 }, batchSize: ids.length + 1 })
    .toArray();
  const present = new Set(found.map((d) => String(d._id)));
  return new Set([...derived].filter(([, id]) => present.has(String(id))).map(([position]) => position));
}
