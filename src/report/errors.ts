import { ErrorCode } from '../core/codes.js';
import type { BulkReport } from './report.js';

/**
 * An error of bulkwright's own: a misuse or an impossible request, with a stable code from the
 * `ErrorCode` catalogue (src/core/codes.ts).
 */
export class BulkwrightError extends Error {
  override name = 'BulkwrightError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Thrown by a call with `throwOnFailure: true` whose report is not ok. Carries the whole report,
 * so catching it loses nothing that returning would have given.
 */
export class BulkWriteFailure<TReport extends BulkReport = BulkReport> extends BulkwrightError {
  override name = 'BulkWriteFailure';
  constructor(readonly report: TReport) {
    const first = report.failures[0];
    const what = first
      ? `first at index ${first.index}: ${first.message}`
      : `${report.notAttempted.length} not attempted`;
    super(
      ErrorCode.BulkWriteFailed,
      `${report.failures.length} of ${report.total} ${report.operation} ops failed (${what})`,
    );
  }
}
