import type { AnyModel, DocOf, IdOfModel, InputOf } from '../model/define-model.js';
import type { UpdateOp } from '../model/typed-ops.js';
import type { BulkOptions } from '../plan/options.js';
import type { BulkReport } from '../report/report.js';
import { runBulk } from './run-bulk.js';

/**
 * `updateOne` / `updateMany` / `replaceOne` ops, with `upsert`. Replacements are validated whole,
 * `$set` and `$setOnInsert` values against their own fields; other operators pass through.
 */
export function bulkUpdate<M extends AnyModel>(
  model: M,
  ops: readonly UpdateOp<DocOf<M>, InputOf<M>>[],
  options?: BulkOptions,
): Promise<BulkReport<IdOfModel<M>, UpdateOp<DocOf<M>, InputOf<M>>>> {
  return runBulk(model, ops, 'update', options) as Promise<
    BulkReport<IdOfModel<M>, UpdateOp<DocOf<M>, InputOf<M>>>
  >;
}
