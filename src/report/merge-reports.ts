/** One report from the reports of parts of one call whose failures already carry caller indices. */
import type { BulkReport, Operation } from './report.js';

export function mergeReports(
  parts: readonly BulkReport[],
  extra: { operation: Operation; ordered: boolean; total: number; notAttempted: readonly number[] },
): BulkReport {
  const sum = (pick: (r: BulkReport) => number) => parts.reduce((n, r) => n + pick(r), 0);
  const failures = parts.flatMap((r) => r.failures).sort((a, b) => a.index - b.index);
  const notAttempted = [...parts.flatMap((r) => r.notAttempted), ...extra.notAttempted].sort((a, b) => a - b);
  const durationMs = sum((r) => r.stats.durationMs);
  const written = sum((r) => r.insertedCount + r.matchedCount + r.upsertedCount + r.deletedCount);
  return {
    ok: failures.length === 0 && notAttempted.length === 0,
    operation: extra.operation,
    ordered: extra.ordered,
    total: extra.total,
    insertedCount: sum((r) => r.insertedCount),
    matchedCount: sum((r) => r.matchedCount),
    modifiedCount: sum((r) => r.modifiedCount),
    deletedCount: sum((r) => r.deletedCount),
    upsertedCount: sum((r) => r.upsertedCount),
    insertedIds: Object.assign({}, ...parts.map((r) => r.insertedIds)),
    upsertedIds: Object.assign({}, ...parts.map((r) => r.upsertedIds)),
    failures,
    notAttempted,
    stats: {
      batches: sum((r) => r.stats.batches),
      attempts: Math.max(1, ...parts.map((r) => r.stats.attempts)),
      durationMs: Math.round(durationMs * 100) / 100,
      docsPerSecond: durationMs > 0 ? Math.round((written / durationMs) * 1000) : 0,
      batchTimings: parts.flatMap((r) => r.stats.batchTimings),
    },
  };
}
