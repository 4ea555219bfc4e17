/**
 * After a lost batch, a resent insert that meets a duplicate of its own `_id` may be our own
 * earlier landing. It is counted inserted only when the stored document is the one we sent;
 * anything else stays a duplicate-key failure.
 */
import { isDeepStrictEqual } from 'node:util';
import { BSON, type Collection, type Document } from 'mongodb';
import { type Failure, FailureKind } from '../core/failure.js';
import type { PlannedOp } from '../core/planned-op.js';
import type { ChunkOutcome } from '../report/chunk-outcome.js';

export async function confirmOwnInserts(
  collection: Collection<Document>,
  outcome: ChunkOutcome,
  previous: ReadonlyMap<number, Failure>,
): Promise<ChunkOutcome> {
  const candidates = outcome.failures.filter((f) => isOwnIdCollision(f, previous.get(f.index)));
  if (candidates.length === 0) return outcome;
  const sent = new Map(
    candidates.map((f) => [
      f.index,
      (f.op as Extract<PlannedOp['op'], { insertOne: unknown }>).insertOne.document,
    ]),
  );
  let stored: Document[];
  try {
    const ids = [...sent.values()].map((d) => d._id as unknown);
    // One batch, no getMore: a cursor may not outlive a connection the network just cut.
    stored = await collection
      .find({ _id: { $in: ids } } as Document, { batchSize: ids.length + 1 })
      .toArray();
  } catch {
    // The lookup rides the same faulty network: if it fails, nothing is learnt. The ops stay as
    // they were before this try (outcome unknown, retryable), for the next attempt to confirm.
    return {
      ...outcome,
      failures: outcome.failures.map((f) => (sent.has(f.index) ? (previous.get(f.index) ?? f) : f)),
    };
  }
  const confirmed = new Set<number>();
  for (const [index, doc] of sent) {
    const normalized = BSON.deserialize(BSON.serialize(doc));
    if (stored.some((s) => isDeepStrictEqual(s, normalized))) confirmed.add(index);
  }
  if (confirmed.size === 0) return outcome;
  let counted = 0;
  for (const index of confirmed) if (previous.get(index)?.applied !== 'yes') counted++;
  const failures = outcome.failures.filter((f) => !confirmed.has(f.index));
  return {
    ...outcome,
    counts: { ...outcome.counts, inserted: outcome.counts.inserted + counted },
    inserted: [...outcome.inserted, ...confirmed],
    failures,
    // An ordered chunk stopped at a collision that turned out to be its own landing: not a stop.
    stop: outcome.stop && failures.length > 0,
  };
}

function isOwnIdCollision(failure: Failure, previous: Failure | undefined): boolean {
  if (failure.kind !== FailureKind.duplicateKey || !previous || previous.applied === 'no') return false;
  // Which index collided is not always said (keyValue is optional): the `_id` lookup decides.
  return typeof failure.op === 'object' && failure.op !== null && 'insertOne' in failure.op;
}
