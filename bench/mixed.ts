/**
 * The mixed bulkWrite workload: inserts, updates, upserts and deletes in driver format, on a seeded
 * collection. Targets are disjoint (deletes hit ids no update touches; upserts either hit a seeded id
 * or a fresh one), so the outcome counts do not depend on the order the server applies the ops in.
 */
import { type AnyBulkWriteOperation, ObjectId } from 'mongodb';
import { rng, type SmallDoc, smallDoc } from './data.js';

export interface MixedPlan {
  /** Documents in the collection before the ops: ids 0 .. seed-1. */
  readonly seed: number;
  readonly ops: number;
  /**
   * Ops per bulkWrite call, the same for every implementation. FerretDB 1.24 (SQLite) deadlocks on an
   * `update` command of 100 or more updates, so on that server this stays well under 100 even with
   * 4 batches in flight.
   */
  readonly batchSize: number;
}

export interface MixedCounts {
  inserted: number;
  matched: number;
  upserted: number;
  deleted: number;
}

/** A deterministic ObjectId for document `i`, so seed, ops and every implementation agree. */
export const oid = (i: number): ObjectId => new ObjectId(i.toString(16).padStart(24, '0'));

export function seedDocs(plan: Pick<MixedPlan, 'seed'>): (SmallDoc & { _id: ObjectId })[] {
  const docs: (SmallDoc & { _id: ObjectId })[] = [];
  for (let i = 0; i < plan.seed; i++) docs.push({ _id: oid(i), ...smallDoc(i) });
  return docs;
}

/**
 * 20% inserts, 20% upserts (half on seeded ids, half new), deletes on the first quarter of the seeded
 * ids, the rest updates on the other three quarters.
 */
export function mixedOps(plan: Pick<MixedPlan, 'seed' | 'ops'>): {
  ops: AnyBulkWriteOperation<SmallDoc>[];
  expected: MixedCounts;
} {
  const r = rng(424242);
  const inserts = Math.floor(plan.ops * 0.2);
  const upserts = Math.floor(plan.ops * 0.2);
  const deletes = Math.min(Math.floor(plan.seed / 4), Math.floor(plan.ops * 0.1));
  const updates = plan.ops - inserts - upserts - deletes;
  const low = Math.floor(plan.seed / 4);
  const updatable = () => low + Math.floor(r() * (plan.seed - low));
  const ops: AnyBulkWriteOperation<SmallDoc>[] = [];
  for (let k = 0; k < inserts; k++) {
    const i = 1_000_000 + k;
    ops.push({ insertOne: { document: { _id: oid(i), ...smallDoc(i) } } });
  }
  for (let k = 0; k < updates; k++) {
    ops.push({
      updateOne: {
        filter: { _id: oid(updatable()) },
        update: { $set: { score: Math.round(r() * 1e5) / 100, 'address.city': 'Lisbon' } },
      },
    });
  }
  let newUpserts = 0;
  for (let k = 0; k < upserts; k++) {
    const fresh = k % 2 === 1;
    const i = fresh ? 2_000_000 + k : updatable();
    if (fresh) newUpserts++;
    const { score, active, ...rest } = smallDoc(i);
    ops.push({
      updateOne: {
        filter: { _id: oid(i) },
        update: { $set: { score, active }, $setOnInsert: rest },
        upsert: true,
      },
    });
  }
  for (let k = 0; k < deletes; k++) ops.push({ deleteOne: { filter: { _id: oid(k) } } });
  // Deterministic shuffle (Fisher-Yates), so each kind is spread over every batch.
  for (let k = ops.length - 1; k > 0; k--) {
    const j = Math.floor(r() * (k + 1));
    [ops[k], ops[j]] = [ops[j]!, ops[k]!];
  }
  return {
    ops,
    expected: {
      inserted: inserts,
      matched: updates + (upserts - newUpserts),
      upserted: newUpserts,
      deleted: deletes,
    },
  };
}

/** Consecutive slices of at most `size` items. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function addCounts(a: MixedCounts, b: MixedCounts): MixedCounts {
  return {
    inserted: a.inserted + b.inserted,
    matched: a.matched + b.matched,
    upserted: a.upserted + b.upserted,
    deleted: a.deleted + b.deleted,
  };
}
