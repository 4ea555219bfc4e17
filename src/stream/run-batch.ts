/** Sends one stream batch through the runner the verbs use, and finds which inserts were replays. */
import type { Collection, Document } from 'mongodb';
import type { PlannedOp } from '../core/planned-op.js';
import type { RunSettings } from '../execute/run-plan.js';
import type { BulkReport } from '../report/report.js';
import { ReportBuilder } from '../report/report-builder.js';
import { runWithRetries } from '../retry/run-with-retries.js';
import type { Item } from './batch-item.js';
import type { ReplayDetector } from './replayed-inserts.js';
import type { ResolvedStreamOptions } from './stream-options.js';

export interface BatchResult {
  readonly sequence: number;
  readonly items: readonly Item[];
  readonly report: BulkReport | undefined;
  /** Positions whose insert had landed in an earlier run (resume): written, not rejected. */
  readonly replayed: ReadonlySet<number>;
}

export async function runBatch(
  collection: Collection<Document>,
  items: readonly Item[],
  sequence: number,
  o: ResolvedStreamOptions,
  settings: RunSettings,
  replayedOf: ReplayDetector,
): Promise<BatchResult> {
  const ops: PlannedOp[] = [];
  for (const item of items) if (item.op) ops.push(item as PlannedOp);
  if (o.dryRun || ops.length === 0) return { sequence, items, report: undefined, replayed: new Set() };
  const builder = new ReportBuilder('write', o.ordered, ops.length, false);
  const report = await runWithRetries(collection, ops, builder, settings, o.retry);
  return { sequence, items, report, replayed: await replayedOf(items, report) };
}
