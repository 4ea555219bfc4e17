/** The children's progress and reports of a `--workers` run, summed into one. */
import type { StreamMode, StreamProgress, StreamReport } from '../stream/types.js';

export function mergeProgress(
  all: readonly (StreamProgress | undefined)[],
  elapsedMs: number,
): StreamProgress {
  const parts = all.filter((p): p is StreamProgress => p !== undefined);
  const sum = (
    key: 'read' | 'written' | 'inserted' | 'upserted' | 'matched' | 'deleted' | 'rejected' | 'skipped',
  ) => parts.reduce((total, p) => total + p[key], 0);
  const written = sum('written');
  return {
    type: 'progress',
    read: sum('read'),
    written,
    inserted: sum('inserted'),
    upserted: sum('upserted'),
    matched: sum('matched'),
    deleted: sum('deleted'),
    rejected: sum('rejected'),
    skipped: sum('skipped'),
    position: 0,
    bytesRead: parts.reduce((total, p) => total + (p.bytesRead ?? 0), 0),
    elapsedMs: Math.round(elapsedMs),
    docsPerSecond: elapsedMs > 0 ? Math.round((written / elapsedMs) * 1000) : 0,
  };
}

/** One report for the whole run; shares that had finished before count as written and rejected. */
export function mergeReports(
  reports: readonly StreamReport[],
  finishedBefore: readonly { written: number; rejected: number }[],
  durationMs: number,
  mode: StreamMode,
): StreamReport {
  const sum = (
    key:
      | 'read'
      | 'written'
      | 'inserted'
      | 'upserted'
      | 'matched'
      | 'modified'
      | 'deleted'
      | 'rejected'
      | 'skipped'
      | 'notAttempted'
      | 'batches',
  ) => reports.reduce((total, r) => total + r[key], 0);
  const rejectedByKind: Record<string, number> = {};
  for (const r of reports)
    for (const [kind, n] of Object.entries(r.rejectedByKind))
      rejectedByKind[kind] = (rejectedByKind[kind] ?? 0) + n;
  const written = sum('written');
  return {
    ok: reports.every((r) => r.ok) && finishedBefore.every((f) => f.rejected === 0),
    mode,
    read: sum('read'),
    written,
    inserted: sum('inserted'),
    upserted: sum('upserted'),
    matched: sum('matched'),
    modified: sum('modified'),
    deleted: sum('deleted'),
    rejected: sum('rejected'),
    skipped: sum('skipped'),
    notAttempted: sum('notAttempted'),
    rejectedByKind,
    ...(reports.some((r) => r.aborted) ? { aborted: true } : {}),
    ...(reports.some((r) => r.dryRun) ? { dryRun: true } : {}),
    batches: sum('batches'),
    durationMs: Math.round(durationMs),
    docsPerSecond: durationMs > 0 ? Math.round((written / durationMs) * 1000) : 0,
  };
}
