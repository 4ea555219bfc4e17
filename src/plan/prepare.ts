/**
 * Planning: every input becomes either a PlannedOp (ready to send, caller index attached) or a
 * Failure at that index. Pure apart from the model's hooks; nothing here talks to the server.
 */
import type { AnyBulkWriteOperation, Document } from 'mongodb';
import { ClientCode, clientFailure, type Failure, FailureKind } from '../core/failure.js';
import type { PlannedOp } from '../core/planned-op.js';
import type { AnyModel } from '../model/define-model.js';
import { idCopier } from './copy-with-id.js';
import { driverRefusal } from './driver-shape.js';
import { type DeleteLike, prepareDeleteOp } from './prepare-delete.js';
import {
  finishInsertDoc,
  type InsertPlanContext,
  type PrepareContext,
  prepareInsertDoc,
} from './prepare-insert.js';
import { prepareUpdateOp, type UpdateLike } from './prepare-update.js';
import { type Checked, isPlainObject, validationFailure } from './validate.js';

export type InputKind = 'insert' | 'update' | 'delete' | 'write';

export interface PlanOptions {
  readonly validate: boolean;
  readonly hooks: boolean;
  /** Deletes remove documents even on a soft-delete model. */
  readonly hard?: boolean;
}

export interface Plan {
  readonly ops: PlannedOp[];
  /** Sorted by index. */
  readonly failures: Failure[];
  readonly total: number;
}

const updateVerbs = ['updateOne', 'updateMany', 'replaceOne'] as const;
const deleteVerbs = ['deleteOne', 'deleteMany'] as const;
const allowed: Record<InputKind, readonly string[]> = {
  insert: ['insertOne'],
  update: updateVerbs,
  delete: deleteVerbs,
  write: ['insertOne', ...updateVerbs, ...deleteVerbs],
};

export async function prepare(
  model: AnyModel,
  inputs: readonly unknown[],
  kind: InputKind,
  options: PlanOptions,
): Promise<Plan> {
  const ctx = {
    model,
    validate: options.validate,
    now: new Date(),
    hard: options.hard ?? false,
    copyWithId: idCopier(),
  };
  const ops: PlannedOp[] = [];
  const failures: Failure[] = [];
  const hooked =
    options.hooks && (model.hooks.beforeInsert !== undefined || model.hooks.beforeUpdate !== undefined);
  if (kind === 'insert' && !hooked) return planInserts(ctx, inputs);
  for (let index = 0; index < inputs.length; index++) {
    const input = inputs[index];
    const checked = kind === 'insert' ? insertOp(ctx, input, index) : planOp(ctx, input, index, kind);
    if (!checked.ok) {
      failures.push(checked.failure);
      continue;
    }
    let op = checked.value;
    if (hooked) {
      try {
        op = await runHook(ctx, checked.value);
      } catch (error) {
        const message = `hook threw: ${error instanceof Error ? error.message : String(error)}`;
        failures.push(clientFailure(index, FailureKind.hook, ClientCode.hook, message, checked.value));
        continue;
      }
    }
    // What the driver would refuse would sink the whole bulk: fail it here, at its own index.
    const refused = driverRefusal(op);
    if (refused) failures.push(validationFailure(index, op, [refused]));
    else ops.push({ index, op });
  }
  return { ops, failures, total: inputs.length };
}

/**
 * The common case, inserts without a hook, in one loop: each document's checked result becomes its
 * planned op directly. Inserts built here are always sendable, so the driver-refusal screen is skipped.
 */
function planInserts(ctx: InsertPlanContext, inputs: readonly unknown[]): Plan {
  const ops: PlannedOp[] = [];
  const failures: Failure[] = [];
  for (let index = 0; index < inputs.length; index++) {
    const doc = prepareInsertDoc(ctx, inputs[index], index);
    if (doc.ok) ops.push({ index, op: { insertOne: { document: doc.value } } });
    else failures.push(doc.failure);
  }
  return { ops, failures, total: inputs.length };
}

function insertOp(
  ctx: InsertPlanContext,
  input: unknown,
  index: number,
): Checked<AnyBulkWriteOperation<Document>> {
  const doc = prepareInsertDoc(ctx, input, index);
  return doc.ok ? { ok: true, value: { insertOne: { document: doc.value } } } : doc;
}

function planOp(
  ctx: InsertPlanContext & { hard: boolean },
  input: unknown,
  index: number,
  kind: InputKind,
): Checked<AnyBulkWriteOperation<Document>> {
  // bulkDelete also takes bare filters: each deletes at most one document.
  const op =
    kind === 'delete' && isPlainObject(input) && !isOp(input) ? { deleteOne: { filter: input } } : input;
  const verb = isPlainObject(op) ? Object.keys(op)[0] : undefined;
  if (
    !isPlainObject(op) ||
    Object.keys(op).length !== 1 ||
    verb === undefined ||
    !allowed[kind].includes(verb)
  ) {
    const message = `expected one of ${allowed[kind].map((v) => `{ ${v}: … }`).join(', ')}`;
    return {
      ok: false,
      failure: validationFailure(index, input, [{ path: [], message, code: 'invalid_op' }]),
    };
  }
  if (verb === 'insertOne') {
    const body = op.insertOne;
    return insertOp(ctx, isPlainObject(body) ? body.document : undefined, index);
  }
  if (verb === 'deleteOne' || verb === 'deleteMany') return prepareDeleteOp(ctx, op as DeleteLike, index);
  return prepareUpdateOp(ctx, op as UpdateLike, index);
}

function isOp(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && allowed.write.includes(keys[0]!);
}

async function runHook(
  ctx: PrepareContext,
  op: AnyBulkWriteOperation<Document>,
): Promise<AnyBulkWriteOperation<Document>> {
  const { beforeInsert, beforeUpdate } = ctx.model.hooks;
  if ('insertOne' in op) {
    if (!beforeInsert) return op;
    const doc = await beforeInsert(op.insertOne.document);
    return { insertOne: { document: finishInsertDoc(ctx, { ...doc }) } };
  }
  if (beforeUpdate && ('updateOne' in op || 'updateMany' in op || 'replaceOne' in op)) {
    return (await beforeUpdate(op as never)) as AnyBulkWriteOperation<Document>;
  }
  return op;
}
