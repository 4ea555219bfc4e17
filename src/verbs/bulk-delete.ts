import type { AnyModel, DocOf, IdOfModel } from '../model/define-model.js';
import type { DeleteOp, TypedFilter } from '../model/typed-ops.js';
import type { BulkOptions } from '../plan/options.js';
import type { BulkReport } from '../report/report.js';
import { patchReport } from '../report/report-builder.js';
import { runBulk } from './run-bulk.js';

export interface DeleteOptions extends BulkOptions {
  /** On a soft-delete model, remove the documents instead of setting `deletedAt`. @default false */
  readonly hard?: boolean;
}

/**
 * `deleteOne` / `deleteMany` ops, or bare filters (each deletes at most one document). On a
 * soft-delete model this sets `deletedAt` on documents not yet deleted, and counts them deleted.
 */
export async function bulkDelete<M extends AnyModel>(
  model: M,
  ops: readonly (DeleteOp<DocOf<M>> | TypedFilter<DocOf<M>>)[],
  options?: DeleteOptions,
): Promise<BulkReport<IdOfModel<M>, DeleteOp<DocOf<M>>>> {
  const hard = options?.hard ?? false;
  const report = await runBulk(model, ops, 'delete', options, { hard });
  if (!model.softDelete || hard) return report as BulkReport<IdOfModel<M>, DeleteOp<DocOf<M>>>;
  // Soft deletes ran as updates: what they modified is what they deleted.
  return patchReport(report, {
    deletedCount: report.modifiedCount,
    matchedCount: 0,
    modifiedCount: 0,
  }) as BulkReport<IdOfModel<M>, DeleteOp<DocOf<M>>>;
}
