/**
 * A stream's running counts, and how a settled batch moves them: written, rejected (to the
 * dead-letter sink), skipped, not attempted. Progress and the final report are read from here.
 */
import { BulkwrightError } from '../core/errors.js';
import { type Failure, FailureKind } from '../core/failure.js';
import { reasonOf } from './batch-item.js';
import type { BatchResult } from './run-batch.js';
import type { ResolvedStreamOptions } from './stream-options.js';
import type { DeadLetterSink, StreamProgress, StreamReport } from './types.js';

const lostKinds = new Set<string>([FailureKind.network, FailureKind.transient]);

/** How a run ends early: the error it throws, or the ordered run's first rejected record. */
export interface RunState {
  fatal?: Error | undefined;
  stoppedAt?: number | undefined;
}

export class StreamTally {
  read = 0;
  inserted = 0;
  upserted = 0;
  matched = 0;
  modified = 0;
  deleted = 0;
  deletesAcknowledged = 0;
  rejected = 0;
  skipped = 0;
  notAttempted = 0;
  batches = 0;
  readonly rejectedByKind: Record<string, number> = {};

  get written(): number {
    return this.inserted + this.upserted + this.matched + this.deletesAcknowledged;
  }

  /** Counts a settled batch and dead-letters its rejected records (in order). */
  async settle(
    result: BatchResult,
    o: ResolvedStreamOptions,
    deadLetter: DeadLetterSink | undefined,
    state: RunState,
  ): Promise<void> {
    const report = result.report;
    const failures = new Map<number, Failure>(report?.failures.map((f) => [f.index, f]));
    const notAttempted = new Set(report?.notAttempted);
    if (report) {
      this.inserted += report.insertedCount + result.replayed.size;
      this.upserted += report.upsertedCount;
      this.matched += report.matchedCount;
      this.modified += report.modifiedCount;
      this.deleted += report.deletedCount;
    }
    for (const item of result.items) {
      if (item.skipped) {
        this.skipped++;
        continue;
      }
      if (notAttempted.has(item.position)) {
        this.notAttempted++;
        continue;
      }
      const failure = failures.get(item.position);
      if (failure && lostKinds.has(failure.kind)) {
        state.fatal ??= new BulkwrightError(
          'BW_STREAM_ABORTED',
          `record ${item.position}: ${failure.message} (retries exhausted; resume from the checkpoint once the server is back)`,
        );
        continue;
      }
      const reason =
        item.rejection ?? (failure && !result.replayed.has(item.position) ? reasonOf(failure) : undefined);
      if (!reason) {
        if (o.dryRun) this.skipped++;
        // A delete that matched nothing is acknowledged all the same: it counts as written.
        else if (o.mode === 'delete') this.deletesAcknowledged++;
        continue;
      }
      this.rejected++;
      this.rejectedByKind[reason.kind] = (this.rejectedByKind[reason.kind] ?? 0) + 1;
      await deadLetter?.write({
        position: item.position,
        ...(item.line !== undefined ? { line: item.line } : {}),
        record: item.record,
        reason,
      });
      if (o.ordered) state.stoppedAt ??= item.position;
    }
  }

  progress(position: number, bytesRead: number | undefined, started: number): StreamProgress {
    const elapsedMs = performance.now() - started;
    const written = this.written;
    return {
      type: 'progress',
      read: this.read,
      written,
      inserted: this.inserted,
      upserted: this.upserted,
      matched: this.matched,
      deleted: this.deleted,
      rejected: this.rejected,
      skipped: this.skipped,
      position,
      ...(bytesRead !== undefined ? { bytesRead } : {}),
      elapsedMs: Math.round(elapsedMs),
      docsPerSecond: elapsedMs > 0 ? Math.round((written / elapsedMs) * 1000) : 0,
    };
  }

  report(
    o: ResolvedStreamOptions,
    finished: boolean,
    started: number,
    extra: { resumedFrom: number | undefined; stoppedAt: number | undefined; aborted: boolean },
  ): StreamReport {
    const durationMs = performance.now() - started;
    const written = this.written;
    return {
      ok: this.rejected === 0 && this.notAttempted === 0 && finished,
      mode: o.mode,
      read: this.read,
      written,
      inserted: this.inserted,
      upserted: this.upserted,
      matched: this.matched,
      modified: this.modified,
      deleted: this.deleted,
      rejected: this.rejected,
      skipped: this.skipped,
      notAttempted: this.notAttempted,
      rejectedByKind: this.rejectedByKind,
      ...(extra.resumedFrom !== undefined ? { resumedFrom: extra.resumedFrom } : {}),
      ...(extra.stoppedAt !== undefined ? { stoppedAt: extra.stoppedAt } : {}),
      ...(extra.aborted ? { aborted: true } : {}),
      ...(o.dryRun ? { dryRun: true } : {}),
      batches: this.batches,
      durationMs: Math.round(durationMs),
      docsPerSecond: durationMs > 0 ? Math.round((written / durationMs) * 1000) : 0,
    };
  }
}
