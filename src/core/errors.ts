import type { ErrorCode } from './codes.js';

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
