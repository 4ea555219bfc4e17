/**
 * `rollback(model, migrationId)`: puts back what a `migrate` with `backup: true` changed, batch by
 * batch in `_id` order, through the shared run path. Each entry is checked against the document as
 * it is now: already back to its saved state → nothing to do (a resumed rollback); equal to what
 * the migration wrote → restored; anything else was changed since by someone else → a `conflict`
 * failure, unless `force`. Restored entries are marked, so running it again resumes. When every
 * entry is restored the backup and the migration's checkpoint are removed.
 */

import type { Collection, Document } from 'mongodb';
import { ErrorCode } from '../core/codes.js';
import { BulkwrightError } from '../core/errors.js';
import { clientFailure, type Failure, FailureKind } from '../core/failure.js';
import type { PlannedOp } from '../core/planned-op.js';
import { runPlan } from '../execute/run-plan.js';
import { runSettings } from '../execute/run-settings.js';
import { serverLimits } from '../execute/server-limits.js';
import type { AnyModel } from '../model/define-model.js';
import type { BulkReport } from '../report/report.js';
import { ReportBuilder } from '../report/report-builder.js';
import { retryPending } from '../retry/retry.js';
import {
  type BackupEntry,
  backupCollectionName,
  backupOf,
  idKey,
  markRestored,
  readByIds,
} from './backup.js';
import { migrationCheckpoint } from './id-checkpoint.js';
import { type RollbackOptions, resolveRollbackOptions } from './rollback-options.js';
import { RunTotals } from './run-totals.js';
import { pick, stateHash } from './state-hash.js';

export interface RollbackReport extends BulkReport {
  readonly migrationId: string;
  /** Backup entries read; the report's indices are positions in this reading order. */
  readonly scanned: number;
  /** Entries whose document was already in its saved state (a resumed rollback, or a failed write). */
  readonly alreadyRestoredCount: number;
  /** Whether the backup and checkpoint were removed (every entry restored, `keepBackup` not set). */
  readonly backupRemoved: boolean;
}

export const conflictCode = ErrorCode.RollbackConflict;

export async function rollback(
  model: AnyModel,
  migrationId: string,
  options?: RollbackOptions,
): Promise<RollbackReport> {
  const o = resolveRollbackOptions(migrationId, options);
  const collection = model.collection() as Collection<Document>;
  const db = model.db!;
  const exists = await db
    .listCollections({ name: backupCollectionName(migrationId) }, { nameOnly: true })
    .toArray();
  if (exists.length === 0) {
    throw new BulkwrightError(
      ErrorCode.NoBackup,
      `No backup for migration "${migrationId}" in ${db.databaseName}: it ran without \`backup: true\`, or was rolled back already`,
    );
  }
  const backup = backupOf(db, migrationId);
  const limits = await serverLimits(db);
  const settings = runSettings(limits, {
    ordered: false,
    writeConcern: o.writeConcern,
    batchSize: o.batchSize,
    throttle: o,
  });
  const totals = new RunTotals();
  let scanned = 0;
  let alreadyRestored = 0;
  let restoredCount = 0;
  let last: unknown;
  for (;;) {
    const filter: Document = {
      restored: { $ne: true },
      ...(last === undefined ? {} : { _id: { $gt: last } }),
    };
    const entries = (await backup
      .find(filter)
      .sort({ _id: 1 })
      .limit(o.batchSize)
      .toArray()) as BackupEntry[];
    if (entries.length === 0) break;
    const base = scanned;
    scanned += entries.length;
    const current = await readByIds(
      collection,
      entries.map((e) => e._id),
    );
    const ops: PlannedOp[] = [];
    const untouched: unknown[] = [];
    const conflicts: Failure[] = [];
    entries.forEach((entry, i) => {
      const now = current.get(idKey(entry._id));
      const hash = stateHash(now, entry.fields);
      if (hash === stateHash(entry.before, entry.fields)) {
        alreadyRestored++;
        untouched.push(entry._id);
      } else if (!o.force && entry.afterHash !== undefined && hash !== entry.afterHash) {
        const message = `document ${idKey(entry._id)} changed since the migration wrote it; pass \`force: true\` to restore it anyway`;
        conflicts.push(
          clientFailure(base + i, FailureKind.conflict, conflictCode, message, { _id: entry._id }),
        );
      } else {
        ops.push({ index: base + i, op: restoreOp(entry, now) });
      }
    });
    totals.addFailures(conflicts);
    const builder = new ReportBuilder('write', false, ops.length);
    await runPlan(collection, ops, builder, settings);
    await retryPending(collection, builder, settings, o.retry);
    const page = builder.finish();
    totals.add(page);
    const notDone = new Set([...page.failures.map((f) => f.index), ...page.notAttempted]);
    const restored = ops.filter((p) => !notDone.has(p.index)).map((p) => entries[p.index - base]!._id);
    await markRestored(backup, [...untouched, ...restored]);
    restoredCount += restored.length;
    last = entries.at(-1)!._id;
    o.onBatch?.({ scanned, restored: restoredCount, failed: totals.failureCount });
  }
  const report = totals.finish(scanned);
  const removable = report.ok && !o.keepBackup;
  if (removable) {
    await backup.drop();
    await migrationCheckpoint(db, migrationId).clear();
  }
  return { ...report, migrationId, scanned, alreadyRestoredCount: alreadyRestored, backupRemoved: removable };
}

/** The op that puts the saved state back: the whole document, or `$set`/`$unset` of its fields. */
function restoreOp(entry: BackupEntry, now: Document | undefined): PlannedOp['op'] {
  if (entry.fields === null) {
    if (now === undefined) return { insertOne: { document: entry.before } };
    return { replaceOne: { filter: { _id: entry._id } as Document, replacement: entry.before } };
  }
  const $set = pick(entry.before, entry.fields);
  const $unset: Document = {};
  for (const f of entry.fields) if (!Object.hasOwn(entry.before, f)) $unset[f] = '';
  const update: Document = {};
  if (Object.keys($set).length > 0) update.$set = $set;
  if (Object.keys($unset).length > 0) update.$unset = $unset;
  return { updateOne: { filter: { _id: entry._id } as Document, update } };
}
