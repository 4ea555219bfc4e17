import type { AnyModel, DocOf, IdOfModel, InputOf } from '../model/define-model.js';
import { isModel } from '../model/define-model.js';
import type { WriteOp } from '../model/typed-ops.js';
import type { BulkOptions } from '../plan/options.js';
import type { BulkReport } from '../report/report.js';
import { bulkWriteAcross, type ModelWriteOps } from './bulk-write-across.js';
import { runBulk } from './run-bulk.js';

/** A mixed list of ops in the driver's bulkWrite format, each checked by the rules of its kind. */
export function bulkWrite<M extends AnyModel>(
  model: M,
  ops: readonly WriteOp<DocOf<M>, InputOf<M>>[],
  options?: BulkOptions,
): Promise<BulkReport<IdOfModel<M>, WriteOp<DocOf<M>, InputOf<M>>>>;
/**
 * Ops over several collections, each naming its model (`{ model: Order, insertOne: … }`) and
 * typed by it; one report in the caller's indices.
 */
export function bulkWrite<const T extends readonly AnyModel[]>(
  ops: ModelWriteOps<T>,
  options?: BulkOptions,
): Promise<BulkReport>;
export function bulkWrite(first: unknown, second?: unknown, third?: unknown): Promise<BulkReport> {
  if (isModel(first))
    return runBulk(first, second as readonly unknown[], 'write', third as BulkOptions | undefined);
  return bulkWriteAcross(first as readonly unknown[], second as BulkOptions | undefined);
}
