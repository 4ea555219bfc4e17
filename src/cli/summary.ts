/** The last thing an import prints: counts, rejections by kind, speed, and where the rejects went. */
import type { StreamReport } from '../stream/types.js';
import { formatCount, formatDuration } from './progress.js';

export interface SummaryContext {
  /** The input file, absolute. */
  readonly file: string;
  readonly db: string;
  readonly collection: string;
  /** The dead-letter file, when at least one record went there. */
  readonly deadLetterFile?: string;
  /** Set when SIGINT stopped the run early. */
  readonly interrupted: boolean;
  readonly dryRun: boolean;
  /** Whether a checkpoint was kept, so that `--resume` can continue an interrupted run. */
  readonly checkpointed: boolean;
  /** `--resume` was given (the report's `resumedFrom` says whether there was anything to resume). */
  readonly resumeRequested?: boolean;
}

/** The exit code a finished import ends with: 0 all written, 1 some rejected, 130 interrupted. */
export function exitCodeOf(report: StreamReport, interrupted: boolean): number {
  if (interrupted) return 130;
  return report.rejected > 0 || report.notAttempted > 0 || !report.ok ? 1 : 0;
}

/** `--json`: the StreamReport, plus where the dead letters are and whether the run was cut short. */
export function summaryJson(report: StreamReport, context: SummaryContext): string {
  return JSON.stringify({
    ...report,
    deadLetterFile: context.deadLetterFile ?? null,
    interrupted: context.interrupted,
  });
}

/** The human summary, one string of several lines (no trailing newline). */
export function summaryText(report: StreamReport, context: SummaryContext): string {
  const head = context.interrupted
    ? 'bulkwright import: interrupted'
    : context.dryRun
      ? 'bulkwright import: dry run finished'
      : 'bulkwright import: finished';
  const width = formatCount(report.read).length;
  const n = (value: number) => formatCount(value).padStart(width);
  const written =
    report.mode === 'delete'
      ? [`deleted ${formatCount(report.deleted)}`]
      : [`inserted ${formatCount(report.inserted)}`];
  if (report.mode === 'upsert' || report.mode === 'merge') {
    written.push(`upserted ${formatCount(report.upserted)}`, `matched ${formatCount(report.matched)}`);
    written.push(`modified ${formatCount(report.modified)}`);
  }
  const kinds = Object.entries(report.rejectedByKind)
    .filter(([, k]) => k > 0)
    .sort(([, a], [, b]) => b - a)
    .map(([kind, k]) => `${kind} ${formatCount(k)}`);
  const rejected = `  rejected     ${n(report.rejected)}${kinds.length > 0 ? `  (${kinds.join(', ')})` : ''}`;
  const lines = [
    `${head} in ${formatDuration(report.durationMs)} (${report.mode} mode${context.dryRun ? ', nothing written' : ''})`,
    `  into         ${context.db}.${context.collection}`,
    `  from         ${context.file}`,
    `  read         ${n(report.read)}`,
  ];
  if (context.dryRun) {
    // A dry run counts the valid records as skipped: they are what a real run would write.
    lines.push(`  valid        ${n(report.skipped)}  (would be written)`, rejected);
  } else {
    const resumed =
      report.resumedFrom !== undefined
        ? `  (resumed after position ${formatCount(report.resumedFrom)})`
        : context.resumeRequested
          ? '  (no checkpoint to resume from: started at the beginning)'
          : '';
    lines.push(
      `  written      ${n(report.written)}  (${written.join(', ')})`,
      rejected,
      `  skipped      ${n(report.skipped)}${resumed}`,
    );
    if (report.notAttempted > 0)
      lines.push(`  not sent     ${n(report.notAttempted)}  (after the ordered stop)`);
    lines.push(
      `  speed        ${formatCount(report.docsPerSecond)} docs/s, ${formatCount(report.batches)} batches`,
    );
  }
  if (report.stoppedAt !== undefined) {
    lines.push(
      `  stopped      at record ${formatCount(report.stoppedAt)} (--ordered stops at the first rejection)`,
    );
  }
  if (context.deadLetterFile !== undefined) {
    lines.push(`  dead letter  ${context.deadLetterFile}`);
  }
  if (context.interrupted && context.checkpointed) {
    lines.push('  to continue, run the same command again with --resume');
  }
  return lines.join('\n');
}
