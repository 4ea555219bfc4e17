import type { Collection, Document } from 'mongodb';
import { checkKnownOptions, optionError } from '../core/option-error.js';
import { runSettings } from '../execute/run-settings.js';
import { serverLimits } from '../execute/server-limits.js';
import type { AnyModel } from '../model/define-model.js';
import { checkInteger, type RetryOptions, resolveOptions, resolveRetry } from '../plan/options.js';
import { BulkReportError } from '../report/bulk-report-error.js';
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

const retryFailedOptionNames: Readonly<Record<keyof RetryFailedOptions, true>> = {
  retry: true,
  batchSize: true,
  concurrency: true,
  throwOnFailure: true,
};

/**
 * Resends, later, what a report says failed and may pass (and what an ordered run did not
 * reach). Returns the report of the whole call as it stands after the resend.
 */
export async function retryFailed<R extends BulkReport>(
  model: AnyModel,
  report: R,
  options: RetryFailedOptions = {},
): Promise<R> {
  // The verbs' own checks, before any I/O; `retry` is checked as given, then counted past the first try.
  if (typeof options !== 'object' || options === null) throw optionError('options', 'an object', options);
  checkKnownOptions(options, retryFailedOptionNames);
  const { retry: given, ...rest } = options;
  const o = resolveOptions({ ...rest, ordered: report.ordered });
  if (given !== undefined && (typeof given !== 'object' || given === null)) {
    throw optionError('retry', 'an object { attempts, delayMs, backoff, maxDelayMs }', given);
  }
  resolveRetry(given ?? {});
  const retry = resolveRetry({ delayMs: 0, ...given, attempts: (given?.attempts ?? 1) + 1 });
  const collection = model.collection() as Collection<Document>;
  const limits = await serverLimits(model.db!);
  checkInteger(o.batchSize, 'batchSize', 1, limits.maxWriteBatchSize);
  const builder = ReportBuilder.resume(report);
  await retryPending(
    collection,
    builder,
    runSettings(limits, {
      ordered: report.ordered,
      batchSize: o.batchSize,
      concurrency: o.concurrency,
      attempt: report.stats.attempts + 1,
      total: report.total,
    }),
    retry,
  );
  const next = builder.finish() as R;
  if (o.throwOnFailure && !next.ok) throw new BulkReportError(next);
  return next;
}
