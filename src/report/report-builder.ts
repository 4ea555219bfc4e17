/**
 * Accumulates chunk outcomes into one BulkReport. Each caller index ends up in exactly one of:
 * written (counts and ids), `failures`, `notAttempted` — except a write-concern failure, which is
 * written *and* listed, because the server applied it without confirming it.
 */

import type { Failure } from '../core/failure.js';
import type { PlannedOp } from '../core/planned-op.js';
import type { ChunkOutcome } from './chunk-outcome.js';
import type { BatchTiming, BulkReport, Counts, Operation } from './report.js';
import { reportStats } from './report-stats.js';

/** What a retry resends: the op, and how its previous try ended. */
export interface RetryCandidate {
  readonly planned: PlannedOp;
  readonly previous: Failure | undefined;
}

export class ReportBuilder {
  readonly counts: Counts = { inserted: 0, matched: 0, modified: 0, deleted: 0, upserted: 0 };
  private readonly insertedIds: Record<number, unknown> = {};
  private readonly upsertedIds: Record<number, unknown> = {};
  private readonly failures = new Map<number, Failure>();
  private readonly notAttempted = new Map<number, PlannedOp>();
  private readonly timings: BatchTiming[] = [];
  private attempts = 1;
  /** Inputs with an outcome: planned-out failures, first-try chunks, and what was not attempted. */
  private settled = 0;
  private readonly started = performance.now();

  constructor(
    private readonly operation: Operation,
    private readonly ordered: boolean,
    private readonly total: number,
    /** Keep each inserted `_id` by index (the stream does not report them: ~0.16 µs an op). */
    private readonly keepIds = true,
  ) {}

  /** Continues a finished report, for `retryFailed`. */
  static resume(report: BulkReport): ReportBuilder {
    const builder = new ReportBuilder(report.operation, report.ordered, report.total);
    Object.assign(builder.counts, {
      inserted: report.insertedCount,
      matched: report.matchedCount,
      modified: report.modifiedCount,
      deleted: report.deletedCount,
      upserted: report.upsertedCount,
    });
    Object.assign(builder.insertedIds, report.insertedIds);
    Object.assign(builder.upsertedIds, report.upsertedIds);
    builder.addFailures(report.failures);
    builder.addNotAttempted((report as { [pendingKey]?: PlannedOp[] })[pendingKey] ?? []);
    builder.attempts = report.stats.attempts;
    return builder;
  }

  /** Failures found while planning: they settle their inputs without a round trip. */
  addPlanFailures(failures: readonly Failure[]): void {
    this.addFailures(failures);
    this.settled += failures.length;
  }

  addFailures(failures: readonly Failure[]): void {
    for (const failure of failures) this.failures.set(failure.index, failure);
  }

  addNotAttempted(ops: readonly PlannedOp[]): void {
    for (const planned of ops) this.notAttempted.set(planned.index, planned);
    this.settled += ops.length;
  }

  addChunk(chunk: readonly PlannedOp[], outcome: ChunkOutcome, ms: number, attempt: number): void {
    const c = this.counts;
    c.inserted += outcome.counts.inserted;
    c.matched += outcome.counts.matched;
    c.modified += outcome.counts.modified;
    c.deleted += outcome.counts.deleted;
    c.upserted += outcome.counts.upserted;
    if (this.keepIds && outcome.inserted.length === chunk.length) {
      // Every op of the chunk an insert that landed: no lookups per op.
      for (const p of chunk) this.insertedIds[p.index] = (p.op as InsertOp).insertOne.document._id;
    } else if (this.keepIds && outcome.inserted.length > 0) {
      const some = new Set(outcome.inserted);
      for (const p of chunk) {
        if ('insertOne' in p.op && some.has(p.index)) this.insertedIds[p.index] = p.op.insertOne.document._id;
      }
    }
    for (const [index, id] of outcome.upserted) this.upsertedIds[index] = id;
    this.addFailures(outcome.failures);
    if (outcome.notAttempted.length > 0) {
      const wanted = new Set(outcome.notAttempted);
      for (const p of chunk) if (wanted.has(p.index)) this.notAttempted.set(p.index, p);
    }
    if (attempt === 1) this.settled += chunk.length;
    this.timings.push({
      firstIndex: chunk[0]?.index ?? -1,
      ops: chunk.length,
      ms: Math.round(ms * 100) / 100,
      attempt,
    });
  }

  /** An insert whose earlier try was lost turned out to have landed: count it once. */
  confirmInserted(index: number, id: unknown, previous: Failure | undefined): void {
    this.failures.delete(index);
    if (previous?.applied !== 'yes') this.counts.inserted++;
    this.insertedIds[index] = id;
  }

  get failureCount(): number {
    return this.failures.size;
  }

  /** Inputs with a final outcome so far. */
  get done(): number {
    return this.settled;
  }

  /**
   * Takes out what may be resent, in index order: every retryable failure and, for an ordered run,
   * what it did not reach — but never past a failure that cannot pass, where an ordered run stops.
   */
  takeRetryable(): RetryCandidate[] {
    let stopAt = Number.POSITIVE_INFINITY;
    if (this.ordered)
      for (const f of this.failures.values()) if (!f.retryable) stopAt = Math.min(stopAt, f.index);
    const taken: RetryCandidate[] = [];
    for (const failure of [...this.failures.values()]) {
      if (!failure.retryable || failure.index > stopAt) continue;
      this.failures.delete(failure.index);
      taken.push({ planned: { index: failure.index, op: failure.op as PlannedOp['op'] }, previous: failure });
    }
    for (const planned of [...this.notAttempted.values()]) {
      if (planned.index > stopAt) continue;
      this.notAttempted.delete(planned.index);
      taken.push({ planned, previous: undefined });
    }
    if (taken.length > 0) this.attempts++;
    return taken.sort((a, b) => a.planned.index - b.planned.index);
  }

  /** Ops a caller can still resend later with `retryFailed`. */
  pendingOps(): PlannedOp[] {
    return [...this.notAttempted.values()];
  }

  finish(extra?: { rolledBack?: boolean }): BulkReport {
    const failures = [...this.failures.values()].sort((a, b) => a.index - b.index);
    const notAttempted = [...this.notAttempted.keys()].sort((a, b) => a - b);
    const c = this.counts;
    const report: BulkReport = {
      ok: failures.length === 0 && notAttempted.length === 0 && !extra?.rolledBack,
      operation: this.operation,
      ordered: this.ordered,
      total: this.total,
      insertedCount: c.inserted,
      matchedCount: c.matched,
      modifiedCount: c.modified,
      deletedCount: c.deleted,
      upsertedCount: c.upserted,
      insertedIds: this.insertedIds,
      upsertedIds: this.upsertedIds,
      failures,
      notAttempted,
      ...(extra?.rolledBack ? { rolledBack: true } : {}),
      stats: reportStats(this.started, c, this.attempts, this.timings),
    };
    // Kept off the enumerable data (and so off JSON), for `retryFailed`.
    Object.defineProperty(report, pendingKey, { value: this.pendingOps(), enumerable: false });
    return report;
  }
}

type InsertOp = Extract<PlannedOp['op'], { insertOne: unknown }>;

export const pendingKey = Symbol('bulkwright.pendingOps');

/** A copy of a report with some fields replaced, keeping what `retryFailed` needs. */
export function patchReport<R extends BulkReport>(report: R, patch: Partial<BulkReport>): R {
  const patched = { ...report, ...patch };
  Object.defineProperty(patched, pendingKey, {
    value: (report as { [pendingKey]?: unknown })[pendingKey],
    enumerable: false,
  });
  return patched;
}
