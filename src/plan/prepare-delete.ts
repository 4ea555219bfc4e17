import type { Document } from 'mongodb';
import type { PrepareContext } from './prepare-insert.js';
import { checkFilter } from './prepare-update.js';
import type { Checked } from './validate.js';

type DeleteBody = { filter: Document } & Document;
export type DeleteLike = { deleteOne: DeleteBody } | { deleteMany: DeleteBody };
type SoftDelete =
  | { updateOne: { filter: Document; update: Document } }
  | { updateMany: { filter: Document; update: Document } };

/**
 * A delete, or on a soft-delete model (unless `hard`) an update that sets `deletedAt` on
 * documents not already deleted, so deleting twice counts once.
 */
export function prepareDeleteOp(
  ctx: PrepareContext & { hard: boolean },
  op: DeleteLike,
  index: number,
): Checked<DeleteLike | SoftDelete> {
  const many = 'deleteMany' in op;
  const body = many ? op.deleteMany : op.deleteOne;
  const shape = checkFilter(body, index, op);
  if (shape) return shape;
  if (!ctx.model.softDelete || ctx.hard) return { ok: true, value: op };
  const notDeleted = { deletedAt: null };
  const filter =
    'deletedAt' in body.filter ? { $and: [body.filter, notDeleted] } : { ...body.filter, ...notDeleted };
  const $set: Document = { deletedAt: ctx.now };
  if (ctx.model.timestamps) $set.updatedAt = ctx.now;
  const update = { filter, update: { $set } };
  return { ok: true, value: many ? { updateMany: update } : { updateOne: update } };
}
