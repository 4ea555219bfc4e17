import type { Collection, Document } from 'mongodb';
import { serverLimits } from '../execute/server-limits.js';
import type { AnyModel } from '../model/define-model.js';
import { type RetryOptions, resolveRetry } from '../plan/options.js';
import { BulkWriteFailure } from '../report/errors.js';
import type { BulkReport } from '../report/report.js';
import { ReportBuilder } from '../report/report-builder.js';
import { retryPending } from '../retry/retry.js';

export interface RetryFailedOptions {
  /** Resends: `attempts: 1` (the default) resends once. */
  readonly retry?: RetryOptions;
  readonly batchSize?: number;
  readonly concurrency?: number;
  readonly throwOnFailure?: boolean;
}

/**
 * Resends, later, what a report says failed and may pass (and what an ordered run did not
 * reach). Returns the report of the whole call as it stands after the resend.
 */
export async function retryFailed<R extends BulkReport>(
  model: AnyModel,
  report: R,
  options: RetryFailedOptions = {},
): Promise<R> {
  const retry = resolveRetry({ delayMs: 0, ...options.retry, attempts: (options.retry?.attempts ?? 1) + 1 });
  const collection = model.collection() as Collection<Document>;
  const limits = await serverLimits(model.db!);
  const builder = ReportBuilder.resume(report);
  await retryPending(
    collection,
    builder,
    {
      ordered: report.ordered,
      session: undefined,
      writeConcern: undefined,
      bypassDocumentValidation: undefined,
      maxBsonObjectSize: limits.maxBsonObjectSize,
      batchSize: options.batchSize ?? limits.maxWriteBatchSize,
      concurrency: report.ordered ? 1 : (options.concurrency ?? 4),
      attempt: report.stats.attempts + 1,
      total: report.total,
      onProgress: undefined,
    },
    retry,
  );
  const next = builder.finish() as R;
  if (options.throwOnFailure && !next.ok) throw new BulkWriteFailure(next);
  return next;
}
