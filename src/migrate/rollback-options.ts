/** Options of `rollback`, checked and defaulted before any I/O. */
import type { WriteConcernSettings } from 'mongodb';
import { optionError } from '../core/option-error.js';
import { checkInteger, type ResolvedRetry, type RetryOptions, resolveRetry } from '../plan/options.js';
import { checkThrottle, type ThrottleOptions } from '../plan/throttle-options.js';

export interface RollbackProgress {
  readonly scanned: number;
  readonly restored: number;
  readonly failed: number;
}

export interface RollbackOptions extends ThrottleOptions {
  /** Restore documents changed since the migration wrote them too. @default false */
  readonly force?: boolean;
  /** Backup entries read, and restore ops written, per batch. @default 500 */
  readonly batchSize?: number;
  /** Keep the backup (marked restored) and the checkpoint after a complete rollback. @default false */
  readonly keepBackup?: boolean;
  /** Resend what failed and may pass. @default false */
  readonly retry?: boolean | RetryOptions;
  readonly writeConcern?: WriteConcernSettings;
  /** Called after each batch. */
  readonly onBatch?: (progress: RollbackProgress) => void;
}

export interface ResolvedRollbackOptions extends ThrottleOptions {
  readonly force: boolean;
  readonly batchSize: number;
  readonly keepBackup: boolean;
  readonly retry: ResolvedRetry;
  readonly writeConcern: WriteConcernSettings | undefined;
  readonly onBatch: ((progress: RollbackProgress) => void) | undefined;
}

export function resolveRollbackOptions(
  migrationId: unknown,
  options: RollbackOptions | undefined,
): ResolvedRollbackOptions {
  if (typeof migrationId !== 'string' || migrationId === '')
    throw optionError('migrationId', 'a non-empty string', migrationId);
  const o = options ?? {};
  if (typeof o !== 'object' || o === null) throw optionError('options', 'an object', o);
  for (const name of ['force', 'keepBackup'] as const)
    if (o[name] !== undefined && typeof o[name] !== 'boolean') throw optionError(name, 'a boolean', o[name]);
  checkInteger(o.batchSize, 'batchSize', 1, 100_000);
  checkThrottle(o);
  if (o.onBatch !== undefined && typeof o.onBatch !== 'function')
    throw optionError('onBatch', 'a function', o.onBatch);
  return {
    force: o.force ?? false,
    batchSize: o.batchSize ?? 500,
    keepBackup: o.keepBackup ?? false,
    retry: resolveRetry(o.retry),
    writeConcern: o.writeConcern,
    onBatch: o.onBatch,
    maxOpsPerSecond: o.maxOpsPerSecond,
    pauseMs: o.pauseMs,
  };
}
