/**
 * The checkpoint of one share of a partitioned import, kept in a collection of the target database
 * so that every share (on any machine) and `bulkwright status` see them all. One document per
 * share, `_id: "<import>#<index>/<count>"`; a finished share keeps its document, marked
 * `finished: true`, so a status view can tell finished from never started.
 *
 * A resume is refused (`BW_PARTITION_CHANGED`) when the same import has checkpoints of another
 * share count: their byte ranges do not line up with ours, and resuming would skip records.
 */
import { type Db, MongoNetworkTimeoutError } from 'mongodb';
import { BulkwrightError } from '../core/errors.js';
import { optionError } from '../core/option-error.js';
import { checkInteger, DEFAULT_BATCH_TIMEOUT_MS } from '../plan/options.js';
import { upsertRaced } from './checkpoint-retry.js';
import { checkPartition, type Partition } from './partition.js';
import type { CheckpointProgress, CheckpointStore } from './types.js';

export const DEFAULT_CHECKPOINT_COLLECTION = 'bulkwright_checkpoints';

export interface ShareCheckpointOptions {
  /** @default 'bulkwright_checkpoints' */
  readonly collection?: string;
  /** Names the import (input and target): every share of it uses the same string. */
  readonly importId: string;
  readonly partition: Partition;
  /** `bytes`: positions are byte positions in a file; `records`: record numbers. */
  readonly unit: 'bytes' | 'records';
  /** The share's byte range, for a byte-range share (status shows how far into it the share is). */
  readonly range?: { readonly start: number; readonly end: number };
  /** Longest wait for the server's reply to a checkpoint operation, in ms. @default 60000 */
  readonly timeoutMs?: number;
}

/** What a share's checkpoint document holds. */
export interface ShareCheckpoint {
  _id: string;
  importId: string;
  index: number;
  count: number;
  unit: 'bytes' | 'records';
  start?: number;
  end?: number;
  /** Everything at or below it is acknowledged (a byte position or a record number). */
  position: number;
  /** Records written / dead-lettered by this share, over all its runs since it was started afresh. */
  written: number;
  rejected: number;
  finished: boolean;
  startedAt: Date;
  updatedAt: Date;
}

export interface ShareCheckpointStore extends CheckpointStore {
  /**
   * Called once before the run. Fresh (`resume: false`): the share starts over, and checkpoints of
   * the same import with another share count are removed. Resume: refuses another share count, and
   * returns the share's checkpoint (say, to skip a finished share), if any.
   */
  begin(resume: boolean): Promise<ShareCheckpoint | undefined>;
}

export function shareCheckpoint(db: Db, options: ShareCheckpointOptions): ShareCheckpointStore {
  const { collection = DEFAULT_CHECKPOINT_COLLECTION, importId, unit, range } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_BATCH_TIMEOUT_MS;
  checkInteger(timeoutMs, 'timeoutMs', 1);
  // The driver honours `signal` on every operation (some option types omit it). A silent server
  // must not hang an import here either: past the deadline the call fails as a lost one would.
  const timed = async <T>(operation: (deadline: object) => Promise<T>): Promise<T> => {
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      return await operation({ signal });
    } catch (error) {
      if (!signal.aborted) throw error;
      throw new MongoNetworkTimeoutError(`checkpoint: no reply within batchTimeoutMs (${timeoutMs} ms)`);
    }
  };
  // Every write here is an upsert of this share's document, which another process may create first.
  const upsert = <T>(operation: (deadline: object) => Promise<T>) => upsertRaced(() => timed(operation));
  if (typeof db?.collection !== 'function') throw optionError('db', 'a mongodb Db', db);
  if (typeof importId !== 'string' || importId === '')
    throw optionError('importId', 'a non-empty string', importId);
  const { index, count } = checkPartition(options.partition);
  const checkpoints = db.collection<ShareCheckpoint>(collection);
  const _id = shareCheckpointId(importId, options.partition);
  let base = { written: 0, rejected: 0 };
  const counts = (progress?: CheckpointProgress) => ({
    written: base.written + (progress?.written ?? 0),
    rejected: base.rejected + (progress?.rejected ?? 0),
  });
  return {
    async begin(resume) {
      if (resume) {
        // Before shares, an import's checkpoint was one document named by the import, its NDJSON/CSV
        // positions line numbers: they do not mean what ours do.
        if (await timed((d) => checkpoints.findOne({ _id: importId }, d))) {
          throw new BulkwrightError(
            'BW_CHECKPOINT_FORMAT',
            `The checkpoint "${importId}" in ${collection} was written by an earlier bulkwright (positions were line numbers): finish that import with the version that started it, or start afresh without --resume`,
          );
        }
        const others = await timed((d) =>
          checkpoints.distinct('count', { importId, count: { $ne: count } }, d),
        );
        if (others.length > 0) {
          throw new BulkwrightError(
            'BW_PARTITION_CHANGED',
            `This import was split into ${others.join(', ')} share(s) before, not ${count}: resuming with another share count could skip records. Resume with --partition i/${others[0]} (or --workers ${others[0]}), or start afresh without --resume`,
          );
        }
        const own = await timed((d) => checkpoints.findOne({ _id }, d));
        if (own) {
          base = { written: own.written ?? 0, rejected: own.rejected ?? 0 };
          return own;
        }
      } else {
        await timed((d) => checkpoints.deleteMany({ importId, count: { $ne: count } }, d));
      }
      const now = new Date();
      await upsert((d) =>
        checkpoints.replaceOne(
          { _id },
          {
            importId,
            index,
            count,
            unit,
            ...(range ? { start: range.start, end: range.end } : {}),
            position: 0,
            written: 0,
            rejected: 0,
            finished: false,
            startedAt: now,
            updatedAt: now,
          },
          { upsert: true, ...d },
        ),
      );
      return undefined;
    },
    async load() {
      const own = await timed((d) => checkpoints.findOne({ _id }, d));
      // Position 0 is the mark `begin` leaves: started, nothing acknowledged yet.
      return own && (own.position > 0 || own.finished) ? own.position : undefined;
    },
    async save(position, progress) {
      await upsert((d) =>
        checkpoints.updateOne(
          { _id },
          { $set: { position, ...counts(progress), finished: false, updatedAt: new Date() } },
          { upsert: true, ...d },
        ),
      );
    },
    async clear(progress) {
      const end = unit === 'bytes' && range ? { position: range.end } : {};
      await upsert((d) =>
        checkpoints.updateOne(
          { _id },
          { $set: { ...end, ...counts(progress), finished: true, updatedAt: new Date() } },
          { upsert: true, ...d },
        ),
      );
    },
  };
}

export function shareCheckpointId(importId: string, partition: Partition): string {
  return `${importId}#${partition.index}/${partition.count}`;
}

/** Every share checkpoint of an import, by share index. */
export async function shareCheckpoints(
  db: Db,
  importId: string,
  collection = DEFAULT_CHECKPOINT_COLLECTION,
): Promise<ShareCheckpoint[]> {
  return db.collection<ShareCheckpoint>(collection).find({ importId }).sort({ count: 1, index: 1 }).toArray();
}
