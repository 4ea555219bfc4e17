/**
 * What a planned write changes, and a fingerprint of a document's state over those fields: the
 * backup saves the state before, records the fingerprint after, and rollback compares both with
 * the document as it is now to tell "ours, restore it" from "changed since by someone else".
 */
import { createHash } from 'node:crypto';
import { type AnyBulkWriteOperation, BSON, type Document } from 'mongodb';

/** Top-level fields an op changes, or `null` when it changes (or removes) the whole document. */
export function touchedFields(op: AnyBulkWriteOperation<Document>): string[] | null {
  const body = 'updateOne' in op ? op.updateOne : 'updateMany' in op ? op.updateMany : undefined;
  if (!body || Array.isArray(body.update)) return null;
  const fields = new Set<string>();
  for (const [operator, paths] of Object.entries(body.update as Document)) {
    for (const [path, value] of Object.entries(paths as Document)) {
      fields.add(topOf(path));
      if (operator === '$rename' && typeof value === 'string') fields.add(topOf(value));
    }
  }
  return [...fields].sort();
}

/** The fields' current values (absent ones left out): what a field backup saves. */
export function pick(doc: Document, fields: readonly string[]): Document {
  const picked: Document = {};
  for (const f of fields) if (Object.hasOwn(doc, f)) picked[f] = doc[f];
  return picked;
}

/** A fingerprint of `doc` over `fields` (all of it when null); `undefined` doc means absent. */
export function stateHash(doc: Document | undefined, fields: readonly string[] | null): string {
  if (doc === undefined) return 'absent';
  const state = fields === null ? doc : fields.map((f) => (Object.hasOwn(doc, f) ? [f, doc[f]] : [f]));
  return createHash('sha256')
    .update(BSON.serialize({ s: canonical(state) }))
    .digest('base64');
}

/** Plain objects with their keys sorted, so a key order the server chose does not matter. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const sorted: Document = {};
  for (const key of Object.keys(value).sort()) sorted[key] = canonical((value as Document)[key]);
  return sorted;
}

function topOf(path: string): string {
  const dot = path.indexOf('.');
  return dot === -1 ? path : path.slice(0, dot);
}
