/**
 * `bulkWrite([{ model: Order, insertOne: … }, { model: OrderLine, updateOne: … }])`: one call over
 * several collections, one report in the caller's indices. Each op is planned by its own model's
 * rules. On MongoDB 8.0+ (wire version 25) the chunks go as the client-level `bulkWrite` command,
 * one round trip each; elsewhere the ops run per collection, and an ordered call runs consecutive
 * same-collection runs one after another and stops at the first failure across collections.
 */
import type { Collection, Document, MongoClient } from 'mongodb';
import type { Failure } from '../core/failure.js';
import { describeValue, invalidOption, optionError } from '../core/option-error.js';
import type { PlannedOp } from '../core/planned-op.js';
import { runClientChunk } from '../execute/run-client-chunk.js';
import { runPlan } from '../execute/run-plan.js';
import { runSettings } from '../execute/run-settings.js';
import { serverLimits } from '../execute/server-limits.js';
import { type AnyModel, type DocOf, type InputOf, isModel } from '../model/define-model.js';
import type { WriteOp } from '../model/typed-ops.js';
import { type BulkOptions, checkInteger, resolveOptions } from '../plan/options.js';
import { prepare } from '../plan/prepare.js';
import { validationFailure } from '../plan/validate.js';
import { BulkReportError } from '../report/bulk-report-error.js';
import { mergeReports } from '../report/merge-reports.js';
import type { BulkReport } from '../report/report.js';
import { ReportBuilder } from '../report/report-builder.js';
import { retryPending } from '../retry/retry.js';

/** One op of a cross-collection bulkWrite: the model it writes to, and an op typed by that model. */
export type ModelWriteOp<M extends AnyModel> = { readonly model: M } & WriteOp<DocOf<M>, InputOf<M>>;

/** A cross-collection op list: the element at K writes to the model at K, typed by it. */
export type ModelWriteOps<T extends readonly AnyModel[]> = { readonly [K in keyof T]: ModelWriteOp<T[K]> };

/** The wire version of MongoDB 8.0, the first with the client-level `bulkWrite` command. */
const clientBulkWriteWireVersion = 25;

export async function bulkWriteAcross(
  inputs: readonly unknown[],
  options: BulkOptions | undefined,
): Promise<BulkReport> {
  const o = resolveOptions(options);
  if (!Array.isArray(inputs))
    throw invalidOption(`Expected the ops to be an array, got ${describeValue(inputs)}`);
  if (o.atomic) throw optionError('atomic', 'unset in a bulkWrite across collections', o.atomic);
  const first = inputs.find((op) => isModel((op as { model?: unknown })?.model)) as
    | { model: AnyModel }
    | undefined;
  const client: MongoClient | undefined = first?.model.db?.client;
  const groups = new Map<
    string,
    { collection: Collection<Document>; model: AnyModel; indices: number[]; ops: unknown[] }
  >();
  const failures: Failure[] = [];
  inputs.forEach((input, index) => {
    const { model, ...op } = (input ?? {}) as { model?: unknown };
    if (!isModel(model)) {
      const message = 'expected { model, insertOne | updateOne | … }: each op names its model';
      failures.push(validationFailure(index, input, [{ path: ['model'], message, code: 'invalid_op' }]));
      return;
    }
    const collection = model.collection() as Collection<Document>;
    if (model.db?.client !== client)
      throw optionError(`ops[${index}].model`, 'a model bound to the same MongoClient as the others', model);
    const namespace = collection.namespace;
    let group = groups.get(namespace);
    if (!group) {
      group = { collection, model, indices: [], ops: [] };
      groups.set(namespace, group);
    }
    group.indices.push(index);
    group.ops.push(op);
  });
  const planned: (PlannedOp & { namespace: string })[] = [];
  for (const [namespace, group] of groups) {
    const plan = await prepare(group.model, group.ops, 'write', { validate: o.validate, hooks: o.hooks });
    for (const p of plan.ops) planned.push({ index: group.indices[p.index]!, op: p.op, namespace });
    for (const f of plan.failures) failures.push({ ...f, index: group.indices[f.index]! });
  }
  planned.sort((a, b) => a.index - b.index);
  failures.sort((a, b) => a.index - b.index);
  const ordered = o.ordered;
  const stopAt = ordered && failures[0] ? failures[0].index : Number.POSITIVE_INFINITY;
  const sendable = planned.filter((p) => p.index < stopAt);
  const skipped = planned.filter((p) => p.index > stopAt).map((p) => p.index);
  const limits = client ? await serverLimits(first!.model.db!) : undefined;
  if (limits) checkInteger(o.batchSize, 'batchSize', 1, limits.maxWriteBatchSize);
  const settings = runSettings(limits, {
    ordered,
    session: o.session,
    writeConcern: o.writeConcern,
    bypassDocumentValidation: o.bypassDocumentValidation,
    batchSize: o.batchSize,
    concurrency: o.concurrency,
    total: inputs.length,
    onProgress: o.onProgress,
    throttle: o,
  });
  const planFailures = new ReportBuilder('write', ordered, 0);
  planFailures.addPlanFailures(failures);
  const parts: BulkReport[] = [planFailures.finish()];
  const notAttempted = [...skipped];
  if (client && limits && limits.maxWireVersion >= clientBulkWriteWireVersion) {
    const namespaces = new Map(sendable.map((p) => [p.index, p.namespace]));
    const builder = new ReportBuilder('write', ordered, sendable.length);
    const runner = (chunk: readonly PlannedOp[]) =>
      runClientChunk(client, chunk, (i) => namespaces.get(i)!, settings);
    await runPlan(first!.model.collection() as Collection<Document>, sendable, builder, {
      ...settings,
      runner,
    });
    parts.push(builder.finish());
  } else {
    // Runs of consecutive ops on one collection: ordered runs them in turn and stops at a failure.
    const runs = ordered ? consecutiveRuns(sendable) : [...groupBy(sendable).values()];
    for (let r = 0; r < runs.length; r++) {
      const run = runs[r]!;
      const collection = groups.get(run[0]!.namespace)!.collection;
      const builder = new ReportBuilder('write', ordered, run.length);
      await runPlan(collection, run, builder, settings);
      await retryPending(collection, builder, settings, o.retry);
      const report = builder.finish();
      parts.push(report);
      if (ordered && !report.ok) {
        for (const later of runs.slice(r + 1)) notAttempted.push(...later.map((p) => p.index));
        break;
      }
    }
  }
  const report = mergeReports(parts, { operation: 'write', ordered, total: inputs.length, notAttempted });
  if (o.throwOnFailure && !report.ok) throw new BulkReportError(report);
  return report;
}

function consecutiveRuns<T extends { namespace: string }>(ops: readonly T[]): T[][] {
  const runs: T[][] = [];
  for (const op of ops) {
    const last = runs.at(-1);
    if (last && last[0]!.namespace === op.namespace) last.push(op);
    else runs.push([op]);
  }
  return runs;
}

function groupBy<T extends { namespace: string }>(ops: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const op of ops) {
    const group = groups.get(op.namespace);
    if (group) group.push(op);
    else groups.set(op.namespace, [op]);
  }
  return groups;
}
