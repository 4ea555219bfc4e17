import type { Failure } from '../core/failure.js';

export type Operation = 'insert' | 'update' | 'delete' | 'write';

export interface Counts {
  inserted: number;
  matched: number;
  modified: number;
  deleted: number;
  upserted: number;
}

export interface BatchTiming {
  /** Caller index of the batch's first op. */
  readonly firstIndex: number;
  readonly ops: number;
  readonly ms: number;
  /** 1 for the first try, 2+ for retries. */
  readonly attempt: number;
}

export interface ReportStats {
  readonly batches: number;
  readonly attempts: number;
  readonly durationMs: number;
  /** Inputs written (inserted + matched + upserted + deleted) per second of wall time. */
  readonly docsPerSecond: number;
  readonly batchTimings: readonly BatchTiming[];
}

/**
 * The one result of every bulk call. Every input index appears exactly once across
 * "written" (in counts / ids), `failures` and `notAttempted`.
 */
export interface BulkReport<TId = unknown, TOp = unknown> {
  /** No failures and nothing left unattempted. */
  readonly ok: boolean;
  readonly operation: Operation;
  readonly ordered: boolean;
  /** How many inputs the caller passed. */
  readonly total: number;
  readonly insertedCount: number;
  readonly matchedCount: number;
  readonly modifiedCount: number;
  readonly deletedCount: number;
  readonly upsertedCount: number;
  /** `_id` of every inserted document, keyed by the caller's index. */
  readonly insertedIds: Readonly<Record<number, TId>>;
  /** `_id` of every upserted document, keyed by the caller's index of its op. */
  readonly upsertedIds: Readonly<Record<number, TId>>;
  /** Sorted by index. */
  readonly failures: readonly Failure<TOp>[];
  /** Indices an ordered run never sent because it stopped at a failure (or an atomic run rolled back). */
  readonly notAttempted: readonly number[];
  /** Set when `atomic` aborted the transaction: nothing from this call was committed. */
  readonly rolledBack?: boolean;
  readonly stats: ReportStats;
}
