/**
 * Where a migration got to: the `_id` of the last document it handled. Reads go by `_id` order, so
 * a resumed run starts after it. The stream's stores keep a record number; this one keeps an id.
 */
import type { Db } from 'mongodb';
import { optionError } from '../core/option-error.js';

export interface IdCheckpointStore {
  /** The last handled `_id`, or undefined when the run has not started. */
  load(): Promise<unknown>;
  save(lastId: unknown): Promise<void>;
  clear(): Promise<void>;
}

interface MigrationState {
  _id: string;
  lastId: unknown;
  updatedAt: Date;
}

export const migrationsCollection = 'bulkwright_migrations';

/** Keeps `{ _id: migrationId, lastId, updatedAt }` in `bulkwright_migrations` of the target database. */
export function migrationCheckpoint(db: Db, migrationId: string): IdCheckpointStore {
  if (typeof db?.collection !== 'function') throw optionError('db', 'a mongodb Db', db);
  if (typeof migrationId !== 'string' || migrationId === '')
    throw optionError('id', 'a non-empty string', migrationId);
  const states = db.collection<MigrationState>(migrationsCollection);
  return {
    async load() {
      const state = await states.findOne({ _id: migrationId });
      return state ? state.lastId : undefined;
    },
    async save(lastId) {
      await states.updateOne(
        { _id: migrationId },
        { $set: { lastId, updatedAt: new Date() } },
        { upsert: true },
      );
    },
    async clear() {
      await states.deleteOne({ _id: migrationId });
    },
  };
}
