/**
 * What a migration's transform returns for one document, and the op it becomes: an update
 * (`{ $set: … }`, typed by the model), a replacement (`{ replace: doc }`), a delete
 * (`{ delete: true }`), or nothing (`undefined`/`null`: leave the document as it is).
 */
import type { AnyBulkWriteOperation, Document } from 'mongodb';
import type { AnyModel, DocOf, InputOf } from '../model/define-model.js';
import type { TypedUpdateOperators } from '../model/typed-ops.js';
import { type Checked, isPlainObject, validationFailure } from '../plan/validate.js';
import { idKey } from './backup.js';

export type MigrationChange<M extends AnyModel> =
  | TypedUpdateOperators<DocOf<M>>
  | { readonly replace: InputOf<M> }
  | { readonly delete: true }
  | undefined
  | null;

const expected = 'expected { $set: … } (update operators), { replace: doc }, { delete: true } or undefined';

/** The op for a change, `undefined` for no change, or a failure at `index` naming what is wrong. */
export function changeToOp(
  change: unknown,
  id: unknown,
  index: number,
): Checked<AnyBulkWriteOperation<Document>> | undefined {
  if (change === undefined || change === null) return undefined;
  const bad = (message: string, path: string[] = []) => ({
    ok: false as const,
    failure: validationFailure(index, { _id: id, change }, [{ path, message, code: 'invalid_op' }]),
  });
  if (!isPlainObject(change)) return bad(expected);
  const keys = Object.keys(change);
  const filter: Document = { _id: id };
  if (keys.length === 1 && keys[0] === 'delete') {
    return change.delete === true
      ? { ok: true, value: { deleteOne: { filter } } }
      : bad(expected, ['delete']);
  }
  if (keys.length === 1 && keys[0] === 'replace') {
    const replacement = change.replace;
    if (!isPlainObject(replacement)) return bad('expected the replacement to be a document', ['replace']);
    if (replacement._id !== undefined && idKey(replacement._id) !== idKey(id))
      return bad('a migration cannot change a document’s _id', ['replace', '_id']);
    return { ok: true, value: { replaceOne: { filter, replacement: { ...replacement, _id: id } } } };
  }
  if (keys.length > 0 && keys.every((k) => k.startsWith('$')))
    return { ok: true, value: { updateOne: { filter, update: change } } };
  return bad(expected);
}
