/**
 * The runner every non-atomic writer calls (the verbs, streamInsert's batches): send the planned
 * ops in chunks, resend what may pass, and finish the report.
 */
import type { Collection, Document } from 'mongodb';
import type { PlannedOp } from '../core/planned-op.js';
import type { RunSettings } from '../execute/run-plan.js';
import { runPlan } from '../execute/run-plan.js';
import type { ResolvedRetry } from '../plan/options.js';
import type { BulkReport } from '../report/report.js';
import type { ReportBuilder } from '../report/report-builder.js';
import { retryPending } from './retry.js';

export async function runWithRetries(
  collection: Collection<Document>,
  ops: readonly PlannedOp[],
  builder: ReportBuilder,
  settings: RunSettings,
  retry: ResolvedRetry,
): Promise<BulkReport> {
  await runPlan(collection, ops, builder, settings);
  await retryPending(collection, builder, settings, retry);
  return builder.finish();
}
