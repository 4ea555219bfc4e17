import type { BatchTiming, Counts, ReportStats } from './report.js';

/** A report's stats from its timings and counts, since `started` (one formula for every writer). */
export function reportStats(
  started: number,
  counts: Counts,
  attempts: number,
  timings: readonly BatchTiming[],
): ReportStats {
  const durationMs = performance.now() - started;
  const written = counts.inserted + counts.matched + counts.upserted + counts.deleted;
  return {
    batches: timings.length,
    attempts,
    durationMs: Math.round(durationMs * 100) / 100,
    docsPerSecond: durationMs > 0 ? Math.round((written / durationMs) * 1000) : 0,
    batchTimings: timings,
  };
}
