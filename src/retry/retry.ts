/**
 * Resends what failed and may pass, with backoff, until it is written or the attempts run out.
 * Only ops marked retryable are resent (plus what an ordered run did not reach), so nothing that
 * failed for good is hammered, and nothing that may have landed is applied twice.
 */
import type { Collection, Document } from 'mongodb';
import type { RunSettings } from '../execute/run-plan.js';
import { runPlan } from '../execute/run-plan.js';
import type { ResolvedRetry } from '../plan/options.js';
import type { Failure } from '../report/failure.js';
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
      { ...settings, attempt, review: (outcome) => confirmOwnInserts(collection, outcome, previous) },
    );
  }
}
