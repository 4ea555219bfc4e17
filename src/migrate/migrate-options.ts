/** Options of `migrate`, checked and defaulted before any I/O. */
import type { Db, Document, WriteConcernSettings } from 'mongodb';
import { invalidOption, optionError } from '../core/option-error.js';
import type { AnyModel, DocOf } from '../model/define-model.js';
import type { TypedFilter } from '../model/typed-ops.js';
import { checkInteger, type ResolvedRetry, type RetryOptions, resolveRetry } from '../plan/options.js';
import { checkThrottle, type ThrottleOptions } from '../plan/throttle-options.js';
import type { MigrationChange } from './change.js';
import { type IdCheckpointStore, migrationCheckpoint } from './id-checkpoint.js';

export interface MigrateProgress {
  readonly scanned: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly failed: number;
  /** The `_id` of the last document read: where a resumed run starts after. */
  readonly lastId: unknown;
}

export interface MigrateOptions<M extends AnyModel, TSource> extends ThrottleOptions {
  /** Names the migration: its backup collection and its checkpoint. Required with `backup` or `checkpoint`. */
  readonly id?: string;
  /** Which documents to migrate. @default all */
  readonly filter?: TypedFilter<DocOf<M>>;
  /**
   * Instead of `filter`: aggregation stages run on each page (after the `_id` paging stages), e.g.
   * `$match` and `$lookup`. They must keep each document's `_id` and the `_id` order.
   */
  readonly pipeline?: readonly Document[];
  /** The change for one document; `undefined` leaves it as it is. A throw fails that document only. */
  readonly transform: (doc: TSource) => MigrationChange<M> | Promise<MigrationChange<M>>;
  /** Save what each batch changes before writing it, so `rollback(model, id)` can undo it. @default false */
  readonly backup?: boolean;
  /**
   * Record the last `_id` handled after each batch and start after it next time: `true` keeps it in
   * `bulkwright_migrations` under `id`. @default true when `id` is given
   */
  readonly checkpoint?: boolean | IdCheckpointStore;
  /** Documents read, and ops written, per batch. @default 500 */
  readonly batchSize?: number;
  /** Read and transform, count what would change and keep a sample; write nothing. @default false */
  readonly dryRun?: boolean;
  /** Before/after pairs kept by a dry run. @default 5 */
  readonly sampleSize?: number;
  /** Validate results with the model's schema. @default true */
  readonly validate?: boolean;
  /** Run the model's hooks on the writes. @default true */
  readonly hooks?: boolean;
  /** Resend what failed and may pass. @default false */
  readonly retry?: boolean | RetryOptions;
  readonly writeConcern?: WriteConcernSettings;
  /** Called after each batch is written and checkpointed. */
  readonly onBatch?: (progress: MigrateProgress) => void;
}

export interface ResolvedMigrateOptions<TSource> {
  readonly id: string | undefined;
  readonly filter: Document;
  readonly pipeline: readonly Document[] | undefined;
  readonly transform: (doc: TSource) => unknown;
  readonly backup: boolean;
  readonly checkpoint: IdCheckpointStore | undefined;
  readonly batchSize: number;
  readonly dryRun: boolean;
  readonly sampleSize: number;
  readonly validate: boolean;
  readonly hooks: boolean;
  readonly retry: ResolvedRetry;
}

const known = new Set([
  'id',
  'filter',
  'pipeline',
  'transform',
  'backup',
  'checkpoint',
  'batchSize',
  'dryRun',
  'sampleSize',
  'validate',
  'hooks',
  'retry',
  'writeConcern',
  'onBatch',
  'maxOpsPerSecond',
  'pauseMs',
]);

export function resolveMigrateOptions<M extends AnyModel, TSource>(
  db: Db,
  o: MigrateOptions<M, TSource>,
): ResolvedMigrateOptions<TSource> {
  if (typeof o !== 'object' || o === null) throw optionError('options', 'an object', o);
  for (const name of Object.keys(o))
    if (!known.has(name))
      throw invalidOption(`Unknown option \`${name}\` for migrate (known: ${[...known].join(', ')})`);
  if (typeof o.transform !== 'function') throw optionError('transform', 'a function', o.transform);
  if (o.id !== undefined && (typeof o.id !== 'string' || !/^[\w.-]+$/.test(o.id)))
    throw optionError('id', 'a non-empty string of letters, digits, _ . -', o.id);
  if (o.filter !== undefined && o.pipeline !== undefined)
    throw invalidOption('Expected `filter` or `pipeline`, not both: put a $match stage in the pipeline');
  if (o.filter !== undefined && (typeof o.filter !== 'object' || o.filter === null))
    throw optionError('filter', 'a filter document', o.filter);
  if (o.pipeline !== undefined && !Array.isArray(o.pipeline))
    throw optionError('pipeline', 'an array of stages', o.pipeline);
  checkInteger(o.batchSize, 'batchSize', 1, 100_000);
  checkInteger(o.sampleSize, 'sampleSize', 0);
  checkThrottle(o);
  if (o.onBatch !== undefined && typeof o.onBatch !== 'function')
    throw optionError('onBatch', 'a function', o.onBatch);
  const backup = o.backup ?? false;
  if (typeof backup !== 'boolean') throw optionError('backup', 'a boolean', backup);
  if (backup && o.id === undefined)
    throw invalidOption('Expected `id` with `backup: true`: it names the backup');
  const wantsCheckpoint = o.checkpoint ?? o.id !== undefined;
  if (wantsCheckpoint === true && o.id === undefined)
    throw invalidOption('Expected `id` with `checkpoint: true`: it names the checkpoint');
  const checkpoint =
    wantsCheckpoint === true
      ? migrationCheckpoint(db, o.id!)
      : wantsCheckpoint === false
        ? undefined
        : wantsCheckpoint;
  if (checkpoint !== undefined && typeof checkpoint.load !== 'function')
    throw optionError('checkpoint', 'a boolean or { load, save, clear }', checkpoint);
  return {
    id: o.id,
    filter: (o.filter as Document | undefined) ?? {},
    pipeline: o.pipeline,
    transform: o.transform as (doc: TSource) => unknown,
    backup,
    checkpoint,
    batchSize: o.batchSize ?? 500,
    dryRun: o.dryRun ?? false,
    sampleSize: o.sampleSize ?? 5,
    validate: o.validate ?? true,
    hooks: o.hooks ?? true,
    retry: resolveRetry(o.retry),
  };
}
