/**
 * Turns one source record into the op its mode calls for. In upsert, merge and delete modes the match
 * filter is built from record values, so each value is matched literally (`$eq`) and a value that
 * is an operator object (`{"$ne": null}`) is refused: a record must never widen its own match.
 */
import { createHash } from 'node:crypto';
import { type AnyBulkWriteOperation, type Document, ObjectId } from 'mongodb';
import type { z } from 'zod';
import type { AnyModel } from '../model/define-model.js';
import { finishInsertDoc, notAnObject } from '../plan/prepare-insert.js';
import { type Checked, isPlainObject, validateWith, validationFailure } from '../plan/validate.js';
import type { StreamMode } from './types.js';

export interface RecordOpContext {
  readonly model: AnyModel;
  readonly mode: StreamMode;
  readonly upsertFields: readonly string[];
  readonly validate: boolean;
  readonly now: Date;
  /** Names the source, so a record's derived `_id` is the same in every run over it. */
  readonly idNamespace: string | undefined;
  /** What records are validated against (merge, delete: every field optional); none if not validated. */
  readonly schema: z.ZodObject | undefined;
  /** Records come from the library's own readers, whose values nobody else holds. */
  readonly ownsValues: boolean;
}

export interface RecordOp {
  readonly op: AnyBulkWriteOperation<Document>;
  /** The `_id` was derived from the record's position (not given by the record). */
  readonly derivedId: boolean;
}

/** `owned`: `value` may become the document itself (no copy); else it is never changed. */
export function recordOp(
  ctx: RecordOpContext,
  value: unknown,
  position: number,
  owned = false,
): Checked<RecordOp> {
  if (!isPlainObject(value)) return notAnObject(position, value);
  let doc: Record<string, unknown> = value;
  if (ctx.schema) {
    const checked = validateWith(ctx.schema, value, position, value);
    if (!checked.ok) return checked;
    doc = checked.value as Record<string, unknown>;
    if (value._id !== undefined && doc._id === undefined) doc._id = value._id;
  } else if (!owned) {
    doc = Object.assign({}, value);
  }
  if (ctx.mode === 'insert') {
    // Upsert and merge replays are idempotent through their match; inserts through their `_id`.
    const derivedId = doc._id === undefined && ctx.idNamespace !== undefined;
    if (derivedId) doc._id = positionId(ctx.idNamespace!, position);
    return { ok: true, value: { op: { insertOne: { document: finishInsertDoc(ctx, doc) } }, derivedId } };
  }
  const filter = matchFilter(ctx.upsertFields, doc, position);
  if (!filter.ok) return filter;
  if (ctx.mode === 'delete') {
    // mongoimport's delete mode: one matching document per record. Matched on `_id` alone, the
    // filter is written literally (operator objects were refused above), so a lost delete can be
    // resent: deleting the same `_id` twice deletes it once.
    const only = ctx.upsertFields.length === 1 && ctx.upsertFields[0] === '_id';
    const deleteFilter = only ? { _id: doc._id } : filter.value;
    return { ok: true, value: { op: { deleteOne: { filter: deleteFilter } }, derivedId: false } };
  }
  if (ctx.mode === 'upsert') {
    const replacement = ctx.model.timestamps
      ? { ...doc, createdAt: doc.createdAt ?? ctx.now, updatedAt: ctx.now }
      : doc;
    return {
      ok: true,
      value: { op: { replaceOne: { filter: filter.value, replacement, upsert: true } }, derivedId: false },
    };
  }
  const { _id, ...fields } = doc;
  const $set: Document = ctx.model.timestamps ? { ...fields, updatedAt: ctx.now } : fields;
  const update: Document = { $set };
  if (_id !== undefined && !ctx.upsertFields.includes('_id')) update.$setOnInsert = { _id };
  if (ctx.model.timestamps) update.$setOnInsert = { ...update.$setOnInsert, createdAt: ctx.now };
  if (Object.keys($set).length === 0) delete update.$set;
  return {
    ok: true,
    value: { op: { updateOne: { filter: filter.value, update, upsert: true } }, derivedId: false },
  };
}

function matchFilter(
  fields: readonly string[],
  doc: Record<string, unknown>,
  position: number,
): Checked<Document> {
  const filter: Document = {};
  for (const field of fields) {
    const value = valueAt(doc, field);
    if (value === undefined) {
      return refuse(position, doc, field, `has no value for upsert field "${field}"`);
    }
    if (hasOperatorKey(value)) {
      return refuse(
        position,
        doc,
        field,
        `upsert field "${field}" holds an operator object; values are matched literally`,
      );
    }
    filter[field] = { $eq: value };
  }
  return { ok: true, value: filter };
}

function refuse(position: number, doc: unknown, field: string, message: string): Checked<never> {
  return {
    ok: false,
    failure: validationFailure(position, doc, [
      { path: field.split('.'), message: `the record ${message}`, code: 'invalid_match' },
    ]),
  };
}

function valueAt(doc: Record<string, unknown>, path: string): unknown {
  let current: unknown = doc;
  for (const key of path.split('.')) {
    if (!isPlainObject(current)) return undefined;
    current = current[key];
  }
  return current;
}

function hasOperatorKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasOperatorKey);
  if (!isPlainObject(value)) return false;
  return Object.keys(value).some((k) => k.startsWith('$') || hasOperatorKey(value[k]));
}

let lastNamespace: string | undefined;
let lastPrefix: Buffer | undefined;

/**
 * The same 12 bytes for the same (source, position), in every run: 6 bytes of a digest of the
 * source's name, then the position as a 48-bit integer. The digest is taken once per source, not
 * per record (a hash per record cost ~2.5 µs a document); two sources collide in a collection only
 * if their 48-bit digests do.
 */
export function positionId(namespace: string, position: number): ObjectId {
  if (namespace !== lastNamespace) {
    lastPrefix = createHash('sha1').update(namespace).digest().subarray(0, 6);
    lastNamespace = namespace;
  }
  const bytes = Buffer.allocUnsafe(12);
  lastPrefix!.copy(bytes, 0);
  bytes.writeUIntBE(position, 6, 6);
  return new ObjectId(bytes);
}
