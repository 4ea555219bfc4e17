import type { AnyModel, IdOfModel, InputOf } from '../model/define-model.js';
import type { InsertOneOp } from '../model/typed-ops.js';
import type { BulkOptions } from '../plan/options.js';
import type { BulkReport } from '../report/report.js';
import { runBulk } from './run-bulk.js';

/**
 * Inserts documents: each is parsed by the model's schema (defaults applied) and given its `_id`
 * on the client; an invalid one is reported at its index and not sent.
 */
export function bulkInsert<M extends AnyModel>(
  model: M,
  docs: readonly InputOf<M>[],
  options?: BulkOptions,
): Promise<BulkReport<IdOfModel<M>, InsertOneOp<InputOf<M>>>> {
  return runBulk(model, docs, 'insert', options) as Promise<
    BulkReport<IdOfModel<M>, InsertOneOp<InputOf<M>>>
  >;
}
