/**
 * A resumed run resends what the crashed one may already have written. An insert whose derived
 * `_id` collides on the `_id` index was ours: written, not a duplicate. The reply usually says
 * which index collided (MongoDB: `keyValue`, and `index: _id_` in the message); where it does not
 * (FerretDB says neither), a collection whose only unique index is `_id_` can collide nowhere else.
 * Only a collision that neither the reply nor the indexes place is looked up by `_id`: on a server
 * without an `_id` index lookup (FerretDB) that lookup scans the collection, once per batch.
 */
import type { Collection, Document } from 'mongodb';
import { type Failure, FailureKind } from '../core/failure.js';
import type { BulkReport } from '../report/report.js';

/** What the detector needs of a batch's records. */
export interface ReplayCandidate {
  readonly position: number;
  readonly derivedId?: boolean;
  readonly op?: object | undefined;
}

export type ReplayDetector = (items: readonly ReplayCandidate[], report: BulkReport) => Promise<Set<number>>;

/** Where a duplicate-key failure collided, as far as the reply tells. */
export function collidedIndex(failure: Failure): '_id' | 'other' | undefined {
  if (failure.keyValue) {
    const keys = Object.keys(failure.keyValue);
    return keys.length === 1 && keys[0] === '_id' ? '_id' : 'other';
  }
  const named = /\bindex: (\S+)/.exec(failure.message);
  if (named) return named[1] === '_id_' ? '_id' : 'other';
  return undefined;
}

/** One detector per run: it lists the collection's indexes at most once, on first need. */
export function replayDetector(collection: Collection<Document>): ReplayDetector {
  let onlyIdUnique: Promise<boolean> | undefined;
  const idIsTheOnlyUniqueIndex = () => {
    onlyIdUnique ??= collection.indexes().then(
      (indexes) => indexes.every((index) => index.name === '_id_' || index.unique !== true),
      () => false,
    );
    return onlyIdUnique;
  };

  return async (items, report) => {
    const replayed = new Set<number>();
    const unplaced = new Map<number, unknown>();
    if (!report.failures.some((f) => f.kind === FailureKind.duplicateKey)) return replayed;
    const byPosition = new Map(items.map((item) => [item.position, item]));
    for (const failure of report.failures) {
      if (failure.kind !== FailureKind.duplicateKey) continue;
      const op = byPosition.get(failure.index)?.derivedId ? byPosition.get(failure.index)?.op : undefined;
      if (!op || !('insertOne' in op)) continue;
      const where = collidedIndex(failure);
      if (where === '_id') replayed.add(failure.index);
      else if (where === undefined) {
        unplaced.set(failure.index, (op.insertOne as { document: Document }).document._id);
      }
    }
    if (unplaced.size === 0) return replayed;
    if (await idIsTheOnlyUniqueIndex()) {
      for (const position of unplaced.keys()) replayed.add(position);
      return replayed;
    }
    const ids = [...unplaced.values()];
    // One batch, no getMore: a cursor may not outlive a connection the network just cut.
    const found = await collection
      .find({ _id: { $in: ids } } as Document, { projection: { _id: 1 }, batchSize: ids.length + 1 })
      .toArray();
    const present = new Set(found.map((d) => String(d._id)));
    for (const [position, id] of unplaced) if (present.has(String(id))) replayed.add(position);
    return replayed;
  };
}
