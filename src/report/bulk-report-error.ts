import { ErrorCode } from '../core/codes.js';
import { BulkwrightError } from '../core/errors.js';
import type { BulkReport } from './report.js';

/**
 * Thrown by a call with `throwOnFailure: true` whose report is not ok. Carries the whole report,
 * so catching it loses nothing that returning would have given. (An Error carrying a report; a
 * `Failure` is the plain data of one op.)
 */
export class BulkReportError<TReport extends BulkReport = BulkReport> extends BulkwrightError {
  override name = 'BulkReportError';
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

/** @deprecated Renamed `BulkReportError` (0.2); this alias goes in the next release. */
export const BulkWriteFailure = BulkReportError;
/** @deprecated Renamed `BulkReportError` (0.2); this alias goes in the next release. */
export type BulkWriteFailure<TReport extends BulkReport = BulkReport> = BulkReportError<TReport>;
