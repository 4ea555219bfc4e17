import type { AnyModel, DocOf, IdOfModel, InputOf } from '../model/define-model.js';
import type { WriteOp } from '../model/typed-ops.js';
import type { BulkOptions } from '../plan/options.js';
import type { BulkReport } from '../report/report.js';
import { runBulk } from './run-bulk.js';

/** A mixed list of ops in the driver's bulkWrite format, each checked by the rules of its kind. */
export function bulkWrite<M extends AnyModel>(
  model: M,
  ops: readonly WriteOp<DocOf<M>, InputOf<M>>[],
  options?: BulkOptions,
): Promise<BulkReport<IdOfModel<M>, WriteOp<DocOf<M>, InputOf<M>>>> {
  return runBulk(model, ops, 'write', options) as Promise<
    BulkReport<IdOfModel<M>, WriteOp<DocOf<M>, InputOf<M>>>
  >;
}
