/**
 * The one path every verb takes: check options, plan (validate, shape), run the chunks, retry
 * what may pass, and build the report. Atomic calls run the same plan inside one transaction.
 */
import type { Collection, Document } from 'mongodb';
import { ErrorCode } from '../core/codes.js';
import { BulkwrightError } from '../core/errors.js';
import { optionError } from '../core/option-error.js';
import type { PlannedOp } from '../core/planned-op.js';
import { type RunSettings, runPlan } from '../execute/run-plan.js';
import { runSettings } from '../execute/run-settings.js';
import { serverLimits } from '../execute/server-limits.js';
import type { AnyModel } from '../model/define-model.js';
import {
  type BulkOptions,
  bulkOptionNames,
  checkInteger,
  type ResolvedOptions,
  resolveOptions,
} from '../plan/options.js';
import { type InputKind, type Plan, prepare } from '../plan/prepare.js';
import { BulkReportError } from '../report/bulk-report-error.js';
import type { BulkReport, Operation } from '../report/report.js';
import { ReportBuilder } from '../report/report-builder.js';
import { runWithRetries } from '../retry/run-with-retries.js';

const deleteOptionNames = { ...bulkOptionNames, hard: true } as const;

const operationOf: Record<InputKind, Operation> = {
  insert: 'insert',
  update: 'update',
  delete: 'delete',
  write: 'write',
};

export async function runBulk(
  model: AnyModel,
  inputs: readonly unknown[],
  kind: InputKind,
  options: BulkOptions | undefined,
  extra: { hard?: boolean } = {},
): Promise<BulkReport> {
  const o = resolveOptions(options, kind === 'delete' ? deleteOptionNames : bulkOptionNames);
  if (!Array.isArray(inputs)) throw optionError('inputs', 'an array', inputs);
  const collection = model.collection() as Collection<Document>;
  const limits = await serverLimits(model.db!);
  checkInteger(o.batchSize, 'batchSize', 1, limits.maxWriteBatchSize);
  if (o.atomic && !limits.transactions) {
    throw new BulkwrightError(
      ErrorCode.TransactionsUnsupported,
      '`atomic: true` needs multi-document transactions, which this server does not offer (it is not a replica set member or mongos)',
    );
  }
  const plan = await prepare(model, inputs, kind, {
    validate: o.validate,
    hooks: o.hooks,
    hard: extra.hard ?? false,
  });
  const ordered = o.ordered || o.atomic;
  const settings = runSettings(limits, {
    ordered,
    session: o.session,
    writeConcern: o.writeConcern,
    bypassDocumentValidation: o.bypassDocumentValidation,
    comment: o.comment,
    let: o.let,
    batchTimeoutMs: o.batchTimeoutMs,
    batchSize: o.batchSize,
    concurrency: o.concurrency,
    total: inputs.length,
    onProgress: o.onProgress,
    throttle: o,
  });
  const report = o.atomic
    ? await runAtomic(model, collection, plan, settings, operationOf[kind])
    : await runPlain(collection, plan, settings, o, operationOf[kind]);
  if (o.throwOnFailure && !report.ok) throw new BulkReportError(report);
  return report;
}

async function runPlain(
  collection: Collection<Document>,
  plan: Plan,
  settings: RunSettings,
  o: ResolvedOptions,
  operation: Operation,
): Promise<BulkReport> {
  const builder = new ReportBuilder(operation, settings.ordered, plan.total);
  const ops = startOrdered(builder, plan, settings.ordered);
  return runWithRetries(collection, ops, builder, settings, o.retry);
}

/** Plan failures count as failures at once; an ordered run sends nothing past the first one. */
function startOrdered(builder: ReportBuilder, plan: Plan, ordered: boolean): readonly PlannedOp[] {
  builder.addPlanFailures(plan.failures);
  const first = plan.failures[0];
  if (!ordered || !first) return plan.ops;
  builder.addNotAttempted(plan.ops.filter((p) => p.index > first.index));
  return plan.ops.filter((p) => p.index < first.index);
}

class Rollback extends Error {}

/** All or nothing: on any failure the transaction aborts and the report says nothing was committed. */
async function runAtomic(
  model: AnyModel,
  collection: Collection<Document>,
  plan: Plan,
  settings: RunSettings,
  operation: Operation,
): Promise<BulkReport> {
  const rolledBack = (failed: ReportBuilder | undefined) => {
    const builder = new ReportBuilder(operation, true, plan.total);
    builder.addFailures(plan.failures);
    const failures = failed?.finish().failures ?? [];
    builder.addFailures(failures);
    const failedIndexes = new Set([...plan.failures, ...failures].map((f) => f.index));
    builder.addNotAttempted(plan.ops.filter((p) => !failedIndexes.has(p.index)));
    return builder.finish({ rolledBack: true });
  };
  if (plan.failures.length > 0) return rolledBack(undefined);
  const session = settings.session ?? model.db!.client.startSession();
  let builder: ReportBuilder | undefined;
  try {
    await session.withTransaction(async () => {
      // withTransaction may run this again on a transient error: start from a clean report.
      builder = new ReportBuilder(operation, true, plan.total);
      await runPlan(collection, plan.ops, builder, { ...settings, session });
      if (builder.failureCount > 0 || builder.pendingOps().length > 0) throw new Rollback();
    });
    return builder!.finish();
  } catch (error) {
    if (error instanceof Rollback) return rolledBack(builder);
    throw error;
  } finally {
    if (!settings.session) await session.endSession();
  }
}
