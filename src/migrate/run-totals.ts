/**
 * Folds the report of each page of a migration or rollback into one report: every page has its
 * own builder (so retries never resend an earlier page's exhausted failures), and failures carry
 * the run's own indices (position in the run's reading order).
 */

import type { Failure } from '../core/failure.js';
import type { BatchTiming, BulkReport, Counts } from '../report/report.js';
import { reportStats } from '../report/report-stats.js';

export class RunTotals {
  private readonly counts: Counts = { inserted: 0, matched: 0, modified: 0, deleted: 0, upserted: 0 };
  private readonly failures: Failure[] = [];
  private readonly notAttempted: number[] = [];
  private readonly timings: BatchTiming[] = [];
  private attempts = 1;
  private readonly started = performance.now();

  addFailures(failures: readonly Failure[]): void {
    this.failures.push(...failures);
  }

  add(page: BulkReport): void {
    const c = this.counts;
    c.inserted += page.insertedCount;
    c.matched += page.matchedCount;
    c.modified += page.modifiedCount;
    c.deleted += page.deletedCount;
    c.upserted += page.upsertedCount;
    this.failures.push(...page.failures);
    this.notAttempted.push(...page.notAttempted);
    this.timings.push(...page.stats.batchTimings);
    this.attempts = Math.max(this.attempts, page.stats.attempts);
  }

  get failureCount(): number {
    return this.failures.length;
  }

  finish(total: number): BulkReport {
    const c = this.counts;
    const failures = [...this.failures].sort((a, b) => a.index - b.index);
    const notAttempted = [...this.notAttempted].sort((a, b) => a - b);
    return {
      ok: failures.length === 0 && notAttempted.length === 0,
      operation: 'write',
      ordered: false,
      total,
      insertedCount: c.inserted,
      matchedCount: c.matched,
      modifiedCount: c.modified,
      deletedCount: c.deleted,
      upsertedCount: c.upserted,
      insertedIds: {},
      upsertedIds: {},
      failures,
      notAttempted,
      stats: reportStats(this.started, c, this.attempts, this.timings),
    };
  }
}
