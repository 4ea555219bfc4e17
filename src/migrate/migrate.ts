/**
 * `migrate(model, { filter | pipeline, transform, backup, checkpoint, … })`: reads the matching
 * documents page by page in `_id` order, turns each into an update, a replacement, a delete or
 * nothing, validates and writes each page through the shared run path, and records the last `_id`
 * so an interrupted run resumes where it stopped. With `backup`, each page's prior state is saved
 * first; a document a crashed run had already changed is recognised there and not changed twice.
 */

import type { Collection, Document, WithId } from 'mongodb';
import { ErrorCode } from '../core/codes.js';
import { clientFailure, type Failure, FailureKind } from '../core/failure.js';
import type { PlannedOp } from '../core/planned-op.js';
import { runPlan } from '../execute/run-plan.js';
import { runSettings } from '../execute/run-settings.js';
import { serverLimits } from '../execute/server-limits.js';
import type { AnyModel, DocOf, IdOfModel } from '../model/define-model.js';
import { prepare } from '../plan/prepare.js';
import type { BulkReport } from '../report/report.js';
import { ReportBuilder } from '../report/report-builder.js';
import { retryPending } from '../retry/retry.js';
import {
  type BackupEntry,
  backupOf,
  idKey,
  loadEntries,
  readByIds,
  recordAfter,
  saveEntries,
} from './backup.js';
import { changeToOp } from './change.js';
import { type DryRunSummary, DryRunTally } from './dry-run.js';
import {
  type MigrateOptions,
  type ResolvedMigrateOptions,
  resolveMigrateOptions,
} from './migrate-options.js';
import { readPage } from './read-page.js';
import { RunTotals } from './run-totals.js';
import { pick, stateHash, touchedFields } from './state-hash.js';

export interface MigrateReport<TId = unknown> extends BulkReport<TId> {
  readonly migrationId: string | undefined;
  /** Documents read; the report's indices are positions in this run's reading order. */
  readonly scanned: number;
  /** Documents the transform left as they were. */
  readonly unchangedCount: number;
  /** Documents an interrupted earlier run had already changed (recognised through the backup). */
  readonly alreadyAppliedCount: number;
  /** Where this run started after (a resumed run), or undefined. */
  readonly resumedAfter: unknown;
  /** The `_id` of the last document read. */
  readonly lastId: unknown;
  readonly dryRun?: DryRunSummary;
}

export const transformCode = ErrorCode.Transform;
const failed = Symbol('failed');

export async function migrate<M extends AnyModel, TSource = WithId<DocOf<M>>>(
  model: M,
  options: MigrateOptions<M, TSource>,
): Promise<MigrateReport<IdOfModel<M>>> {
  const db = model.db;
  if (!db) model.collection(); // throws the usual "not bound" error
  const o = resolveMigrateOptions(db!, options);
  const collection = model.collection() as Collection<Document>;
  const limits = await serverLimits(db!);
  const backup = o.backup && !o.dryRun ? backupOf(db!, o.id!) : undefined;
  const checkpoint = o.dryRun ? undefined : o.checkpoint;
  const resumedAfter = checkpoint ? await checkpoint.load() : undefined;
  const settings = runSettings(limits, {
    ordered: false,
    writeConcern: options.writeConcern,
    batchSize: o.batchSize,
    throttle: options,
  });
  const totals = new RunTotals();
  const tally = o.dryRun ? new DryRunTally(o.sampleSize) : undefined;
  let lastId = resumedAfter;
  let scanned = 0;
  let unchanged = 0;
  let alreadyApplied = 0;
  for (;;) {
    const page = await readPage(collection, o, lastId, o.batchSize);
    if (page.length === 0) break;
    const base = scanned;
    scanned += page.length;
    // With a pipeline the page may carry looked-up fields: the backup needs the stored documents.
    const ids = page.map((d) => d._id);
    const stored = backup && o.pipeline ? await readByIds(collection, ids) : undefined;
    const storedOf = (doc: Document) => (stored ? stored.get(idKey(doc._id)) : doc);
    const existing = backup ? await loadEntries(backup, ids) : new Map<string, BackupEntry>();
    const inputs: unknown[] = [];
    const indexOf: number[] = [];
    const failures: Failure[] = [];
    const seen: BackupEntry[] = [];
    for (let i = 0; i < page.length; i++) {
      const doc = page[i]!;
      const entry = existing.get(idKey(doc._id));
      if (entry && wasApplied(entry, storedOf(doc))) {
        alreadyApplied++;
        if (entry.afterHash === undefined) seen.push(entry);
        continue;
      }
      const op = await transformOne(o, doc, base + i, failures);
      if (op === failed) continue;
      if (op === undefined) {
        unchanged++;
        continue;
      }
      inputs.push(op);
      indexOf.push(base + i);
    }
    const plan = await prepare(model, inputs, 'write', { validate: o.validate, hooks: o.hooks });
    const ops: PlannedOp[] = plan.ops.map((p) => ({ index: indexOf[p.index]!, op: p.op }));
    failures.push(...plan.failures.map((f) => ({ ...f, index: indexOf[f.index]! })));
    totals.addFailures(failures);
    if (tally) {
      tally.add(ops, (index) => page[index - base]!);
    } else {
      const entries = backup ? ops.map((p) => entryFor(p, storedOf(page[p.index - base]!)!)) : [];
      if (backup) await saveEntries(backup, entries);
      const builder = new ReportBuilder('write', false, ops.length);
      await runPlan(collection, ops, builder, settings);
      await retryPending(collection, builder, settings, o.retry);
      totals.add(builder.finish());
      if (backup) await recordAfter(backup, collection, [...entries, ...seen]);
    }
    lastId = page.at(-1)!._id;
    if (checkpoint) await checkpoint.save(lastId);
    options.onBatch?.({
      scanned,
      changed: ops.length,
      unchanged,
      failed: totals.failureCount,
      lastId,
    });
  }
  const report: MigrateReport = {
    ...totals.finish(scanned),
    migrationId: o.id,
    scanned,
    unchangedCount: unchanged,
    alreadyAppliedCount: alreadyApplied,
    resumedAfter,
    lastId,
    ...(tally ? { dryRun: tally.summary() } : {}),
  };
  return report as MigrateReport<IdOfModel<M>>;
}

async function transformOne<TSource>(
  o: ResolvedMigrateOptions<TSource>,
  doc: Document,
  index: number,
  failures: Failure[],
): Promise<unknown> {
  let change: unknown;
  try {
    change = await o.transform(doc as TSource);
  } catch (error) {
    const message = `transform threw: ${error instanceof Error ? error.message : String(error)}`;
    failures.push(clientFailure(index, FailureKind.hook, transformCode, message, { _id: doc._id }));
    return failed;
  }
  const checked = changeToOp(change, doc._id, index);
  if (checked === undefined) return undefined;
  if (!checked.ok) {
    failures.push(checked.failure);
    return failed;
  }
  return checked.value;
}

/** The stored state no longer matches the saved "before": an earlier run already wrote it. */
function wasApplied(entry: BackupEntry, current: Document | undefined): boolean {
  return stateHash(current, entry.fields) !== stateHash(entry.before, entry.fields);
}

function entryFor(planned: PlannedOp, before: Document): BackupEntry {
  const fields = touchedFields(planned.op);
  return {
    _id: before._id,
    fields,
    before: fields === null ? before : pick(before, fields),
    savedAt: new Date(),
  };
}
