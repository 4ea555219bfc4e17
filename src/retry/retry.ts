/**
 * Resends what failed and may pass, with backoff, until it is written or the attempts run out.
 * Only ops marked retryable are resent (plus what an ordered run did not reach), so nothing that
 * failed for good is hammered, and nothing that may have landed is applied twice.
 */
import type { Collection, Document } from 'mongodb';
import type { Failure } from '../core/failure.js';
import type { PlannedOp } from '../core/planned-op.js';
import { runChunk } from '../execute/run-chunk.js';
import type { RunSettings } from '../execute/run-plan.js';
import { runPlan } from '../execute/run-plan.js';
import type { ResolvedRetry } from '../plan/options.js';
import type { ChunkOutcome } from '../report/chunk-outcome.js';
import type { ReportBuilder } from '../report/report-builder.js';
import { confirmOwnInserts } from './confirm-inserts.js';

export async function retryPending(
  collection: Collection<Document>,
  builder: ReportBuilder,
  settings: RunSettings,
  retry: ResolvedRetry,
): Promise<void> {
  let delay = retry.delayMs;
  for (let attempt = 2; attempt <= retry.attempts; attempt++) {
    const candidates = builder.takeRetryable();
    if (candidates.length === 0) return;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * retry.backoff, retry.maxDelayMs);
    const previous = new Map<number, Failure>();
    for (const c of candidates) if (c.previous) previous.set(c.planned.index, c.previous);
    await runPlan(
      collection,
      candidates.map((c) => c.planned),
      builder,
      {
        ...settings,
        attempt,
        review: (chunk, outcome) => reviewRetried(collection, chunk, outcome, previous, settings),
      },
    );
  }
}

/**
 * Confirms resent inserts that met their own earlier landing. An ordered chunk stops at such a
 * collision; once it is confirmed the chunk goes on from there, as if it had not stopped.
 */
async function reviewRetried(
  collection: Collection<Document>,
  chunk: readonly PlannedOp[],
  first: ChunkOutcome,
  previous: ReadonlyMap<number, Failure>,
  settings: RunSettings,
): Promise<ChunkOutcome> {
  let outcome = await confirmOwnInserts(collection, first, previous);
  while (settings.ordered && outcome.failures.length === 0 && outcome.notAttempted.length > 0) {
    const waiting = new Set(outcome.notAttempted);
    const rest = chunk.filter((p) => waiting.has(p.index));
    const next = await confirmOwnInserts(collection, await runChunk(collection, rest, settings), previous);
    const c = outcome.counts;
    outcome = {
      ...next,
      counts: {
        inserted: c.inserted + next.counts.inserted,
        matched: c.matched + next.counts.matched,
        modified: c.modified + next.counts.modified,
        deleted: c.deleted + next.counts.deleted,
        upserted: c.upserted + next.counts.upserted,
      },
      inserted: [...outcome.inserted, ...next.inserted],
      upserted: [...outcome.upserted, ...next.upserted],
    };
  }
  return outcome;
}
