/**
 * Update, replace and upsert ops: replacements are validated whole, `$set`/`$setOnInsert` values
 * against their own fields; other operators ($inc, $push…) and pipelines pass through as given.
 */
import type { Document } from 'mongodb';
import { z } from 'zod';
import type { ValidationIssue } from '../core/failure.js';
import { replacementRefusal, updateRefusal } from './driver-shape.js';
import type { PrepareContext } from './prepare-insert.js';
import { type PathLookup, schemaAtPath } from './schema-at-path.js';
import { type Checked, isPlainObject, validateWith, validationFailure } from './validate.js';

type UpdateBody = { filter: Document; update: Document | Document[]; upsert?: boolean } & Document;
type ReplaceBody = { filter: Document; replacement: Document; upsert?: boolean } & Document;
export type UpdateLike = { updateOne: UpdateBody } | { updateMany: UpdateBody } | { replaceOne: ReplaceBody };

const validatedOperators = ['$set', '$setOnInsert'] as const;

export function prepareUpdateOp(ctx: PrepareContext, op: UpdateLike, index: number): Checked<UpdateLike> {
  if ('replaceOne' in op) return prepareReplace(ctx, op.replaceOne, index, op);
  const [verb, body] =
    'updateOne' in op ? (['updateOne', op.updateOne] as const) : (['updateMany', op.updateMany] as const);
  const shape = checkFilter(body, index, op);
  if (shape) return shape;
  const refused = updateRefusal(body.update);
  if (refused) return { ok: false, failure: validationFailure(index, op, [refused]) };
  if (Array.isArray(body.update)) {
    const pipeline = ctx.model.timestamps ? [...body.update, { $set: { updatedAt: ctx.now } }] : body.update;
    return { ok: true, value: { [verb]: { ...body, update: pipeline } } as UpdateLike };
  }
  const update: Record<string, unknown> = { ...body.update };
  const issues: ValidationIssue[] = [];
  if (ctx.validate) {
    for (const operator of validatedOperators) {
      const fields = update[operator];
      if (fields === undefined) continue;
      if (!isPlainObject(fields)) {
        issues.push({
          path: ['update', operator],
          message: 'expected an object of field paths',
          code: 'invalid_type',
        });
        continue;
      }
      const parsed: Record<string, unknown> = {};
      for (const [path, value] of Object.entries(fields)) {
        const lookup = libraryField(ctx, path) ?? schemaAtPath(ctx.model.schema, path);
        if (lookup === undefined) {
          issues.push({
            path: ['update', operator, path],
            message: 'not a field of the schema',
            code: 'unrecognized_keys',
          });
        } else if ('open' in lookup) {
          parsed[path] = value;
        } else {
          const checked = validateWith(lookup.schema, value, index, op, `update.${operator}.${path}`);
          if (checked.ok) parsed[path] = checked.value;
          else issues.push(...(checked.failure.issues ?? []));
        }
      }
      update[operator] = parsed;
    }
    if (issues.length > 0) return { ok: false, failure: validationFailure(index, op, issues) };
  }
  if (ctx.model.timestamps) {
    update.$set = { ...(update.$set as Document | undefined), updatedAt: ctx.now };
    if (body.upsert)
      update.$setOnInsert = { ...(update.$setOnInsert as Document | undefined), createdAt: ctx.now };
  }
  return { ok: true, value: { [verb]: { ...body, update } } as UpdateLike };
}

function prepareReplace(
  ctx: PrepareContext,
  body: ReplaceBody,
  index: number,
  op: UpdateLike,
): Checked<UpdateLike> {
  const shape = checkFilter(body, index, op);
  if (shape) return shape;
  // Checked before the schema, which would strip a `$set` key and hide the mistake.
  const refused = replacementRefusal(body.replacement);
  if (refused) return { ok: false, failure: validationFailure(index, op, [refused]) };
  let replacement: Record<string, unknown> = body.replacement;
  if (ctx.validate) {
    const checked = validateWith(ctx.model.schema, body.replacement, index, op, 'replacement');
    if (!checked.ok) return checked;
    replacement = checked.value as Record<string, unknown>;
    if (body.replacement._id !== undefined && replacement._id === undefined)
      replacement._id = body.replacement._id;
  } else {
    replacement = { ...replacement };
  }
  if (ctx.model.timestamps) {
    replacement.createdAt ??= ctx.now;
    replacement.updatedAt = ctx.now;
  }
  return { ok: true, value: { replaceOne: { ...body, replacement } } };
}

const date = z.date();
const dateOrNull = z.date().nullable();

/** Fields the library maintains are valid update targets even when the schema does not list them. */
function libraryField(ctx: PrepareContext, path: string): PathLookup {
  if (ctx.model.softDelete && path === 'deletedAt') return { schema: dateOrNull };
  if (ctx.model.timestamps && (path === 'createdAt' || path === 'updatedAt')) return { schema: date };
  return undefined;
}

export function checkFilter(body: unknown, index: number, op: unknown): Checked<never> | undefined {
  if (!isPlainObject(body)) return invalid(index, op, [], 'expected the op body to be an object');
  if (!isPlainObject(body.filter)) return invalid(index, op, ['filter'], 'expected a filter document');
  return undefined;
}

function invalid(index: number, op: unknown, path: string[], message: string): Checked<never> {
  return { ok: false, failure: validationFailure(index, op, [{ path, message, code: 'invalid_op' }]) };
}
