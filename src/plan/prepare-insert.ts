import { ObjectId } from 'mongodb';
import type { AnyModel } from '../model/define-model.js';
import type { IdCopier } from './copy-with-id.js';
import { type Checked, validateWith, validationFailure } from './validate.js';

export interface PrepareContext {
  readonly model: AnyModel;
  readonly validate: boolean;
  /** One clock reading per call, so every timestamp of a call agrees. */
  readonly now: Date;
}

/** Planning a caller's inserts: their documents are copied (streams own their records instead). */
export interface InsertPlanContext extends PrepareContext {
  /** Copies a caller's document with a new `_id` first. */
  readonly copyWithId: IdCopier;
}

/**
 * Validates one document and gives it its final shape, `_id` included: with the `_id` fixed on
 * the client, a resent insert can only collide with itself, never land twice.
 */
export function prepareInsertDoc(
  ctx: InsertPlanContext,
  input: unknown,
  index: number,
): Checked<Record<string, unknown>> {
  if (ctx.validate) return validatedInsertDoc(ctx, input, index);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return notAnObject(index, input);
  // A copy, so the caller's object is never changed, built in its final shape with its `_id` first
  // (adding `_id` to a spread copy afterwards cost twice as much), by the call's compiled copier.
  const source = input as Record<string, unknown>;
  const doc = source._id !== undefined ? Object.assign({}, source) : ctx.copyWithId(source, newId(ctx.model));
  return { ok: true, value: ctx.model.timestamps ? finishInsertDoc(ctx, doc) : doc };
}

function validatedInsertDoc(
  ctx: InsertPlanContext,
  input: unknown,
  index: number,
): Checked<Record<string, unknown>> {
  const checked = validateWith(ctx.model.schema, input, index, input);
  // The failure names the op as sent; built only for a failure, not for every valid document.
  if (!checked.ok)
    return { ok: false, failure: { ...checked.failure, op: { insertOne: { document: input } } } };
  const doc = checked.value as Record<string, unknown>;
  // A schema without `_id` strips it; the caller's `_id` must survive or replays would duplicate.
  const id = (input as { _id?: unknown })._id;
  if (id !== undefined && doc._id === undefined) doc._id = id;
  return { ok: true, value: finishInsertDoc(ctx, doc) };
}

const newId = (model: AnyModel): unknown => (model.idFactory ? model.idFactory() : new ObjectId());

/** Adds what the library owns: `_id` and timestamps. Mutates the (already copied) document. */
export function finishInsertDoc(ctx: PrepareContext, doc: Record<string, unknown>): Record<string, unknown> {
  if (doc._id === undefined) doc._id = newId(ctx.model);
  if (ctx.model.timestamps) {
    doc.createdAt ??= ctx.now;
    doc.updatedAt ??= ctx.now;
  }
  return doc;
}

export function notAnObject(index: number, input: unknown): Checked<never> {
  const got = input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input;
  return {
    ok: false,
    failure: validationFailure(index, { insertOne: { document: input } }, [
      { path: [], message: `expected a document (object), received ${got}`, code: 'invalid_type' },
    ]),
  };
}
