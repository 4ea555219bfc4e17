/** Options of `sync`, checked before any I/O. */
import type { Document, WithId } from 'mongodb';
import { optionError } from '../core/option-error.js';
import type { AnyModel, DocOf } from '../model/define-model.js';
import type { Paths } from '../model/paths.js';
import type { TypedFilter } from '../model/typed-ops.js';
import type { BulkOptions } from '../plan/options.js';

export interface SyncOptions<M extends AnyModel> extends Omit<BulkOptions, 'atomic'> {
  /** The field (or fields) that identify an entry, e.g. `'sku'`. Needs a unique index to be safe under concurrency. */
  readonly key: Paths<DocOf<M>> | '_id' | readonly (Paths<DocOf<M>> | '_id')[];
  /** Delete stored documents (within `scope`) that no entry names. @default false */
  readonly deleteMissing?: boolean;
  /** Which stored documents the list covers, for `deleteMissing`. @default all */
  readonly scope?: TypedFilter<DocOf<M>>;
  /**
   * True when the stored document already matches the entry (then it is left alone).
   * @default every field of the validated entry deep-equals the stored one
   */
  readonly compare?: (stored: WithId<DocOf<M>>, entry: DocOf<M>) => boolean;
  /** Deletes set `deletedAt` (the model's soft delete); `false` removes documents. @default the model's `softDelete` */
  readonly softDelete?: boolean;
}

export interface ResolvedSyncOptions {
  readonly key: readonly string[];
  readonly deleteMissing: boolean;
  readonly scope: Document;
  readonly compare: ((stored: Document, entry: Document) => boolean) | undefined;
  readonly hard: boolean;
  readonly bulk: BulkOptions;
}

export function resolveSyncOptions<M extends AnyModel>(
  model: M,
  options: SyncOptions<M>,
): ResolvedSyncOptions {
  if (typeof options !== 'object' || options === null) throw optionError('options', 'an object', options);
  const { key, deleteMissing, scope, compare, softDelete, ...bulk } = options;
  const keys = typeof key === 'string' ? [key] : key;
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string' && k !== ''))
    throw optionError('key', 'a field name or a non-empty array of field names', key);
  if (deleteMissing !== undefined && typeof deleteMissing !== 'boolean')
    throw optionError('deleteMissing', 'a boolean', deleteMissing);
  if (scope !== undefined && (typeof scope !== 'object' || scope === null))
    throw optionError('scope', 'a filter document', scope);
  if (compare !== undefined && typeof compare !== 'function')
    throw optionError('compare', 'a function', compare);
  if (softDelete !== undefined && typeof softDelete !== 'boolean')
    throw optionError('softDelete', 'a boolean', softDelete);
  if (softDelete === true && !model.softDelete)
    throw optionError('softDelete', 'false or unset on a model without `softDelete: true`', softDelete);
  if ('atomic' in bulk)
    throw optionError(
      'atomic',
      'unset: sync reads before it writes, so it cannot be atomic',
      (bulk as BulkOptions).atomic,
    );
  return {
    key: keys as readonly string[],
    deleteMissing: deleteMissing ?? false,
    scope: (scope as Document | undefined) ?? {},
    compare: compare as ResolvedSyncOptions['compare'],
    hard: softDelete === false,
    bulk: { ordered: false, ...bulk },
  };
}
