/**
 * The backup of a migration: one collection per migration id (`bulkwright_backup_<id>`), one
 * entry per changed document keyed by its `_id`, holding the state before the change (the changed
 * top-level fields, or the whole document for a delete or a replacement) and, once the batch is
 * written, a fingerprint of the state after. The first entry for a document wins: a resumed run
 * never overwrites the original state with an already-migrated one.
 */
import { BSON, type Collection, type Db, type Document, MongoBulkWriteError } from 'mongodb';
import { stateHash } from './state-hash.js';

export interface BackupEntry {
  _id: unknown;
  /** The changed top-level fields, or null for the whole document. */
  fields: string[] | null;
  /** Their values before (absent fields left out), or the whole document. */
  before: Document;
  /** Fingerprint of the same fields after the write. */
  afterHash?: string;
  restored?: boolean;
  savedAt: Date;
}

/** Pages of bookkeeping updates stay under the size at which the test server stalls. */
const updateChunk = 50;

export function backupCollectionName(migrationId: string): string {
  return `bulkwright_backup_${migrationId}`;
}

export function backupOf(db: Db, migrationId: string): Collection<BackupEntry> {
  return db.collection<BackupEntry>(backupCollectionName(migrationId));
}

/** A key for an `_id` of any BSON type, for maps. */
export function idKey(id: unknown): string {
  return BSON.EJSON.stringify({ i: id }, { relaxed: false });
}

export async function loadEntries(
  backup: Collection<BackupEntry>,
  ids: readonly unknown[],
): Promise<Map<string, BackupEntry>> {
  const found = new Map<string, BackupEntry>();
  if (ids.length === 0) return found;
  const entries = await backup.find({ _id: { $in: [...ids] } } as Document).toArray();
  for (const entry of entries) found.set(idKey(entry._id), entry as BackupEntry);
  return found;
}

/** Inserts the entries; an entry already there (from an interrupted run) is kept as it is. */
export async function saveEntries(backup: Collection<BackupEntry>, entries: BackupEntry[]): Promise<void> {
  if (entries.length === 0) return;
  try {
    await backup.insertMany(entries, { ordered: false });
  } catch (error) {
    const duplicatesOnly =
      error instanceof MongoBulkWriteError &&
      error.writeErrors !== undefined &&
      [error.writeErrors].flat().every((e) => e.code === 11000);
    if (!duplicatesOnly) throw error;
  }
}

/** Reads the documents back and stores each entry's after-state fingerprint. */
export async function recordAfter(
  backup: Collection<BackupEntry>,
  target: Collection<Document>,
  entries: readonly BackupEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  const current = await readByIds(
    target,
    entries.map((e) => e._id),
  );
  for (let i = 0; i < entries.length; i += updateChunk) {
    const ops = entries.slice(i, i + updateChunk).map((e) => ({
      updateOne: {
        filter: { _id: e._id },
        update: { $set: { afterHash: stateHash(current.get(idKey(e._id)), e.fields) } },
      },
    }));
    await backup.bulkWrite(ops as never, { ordered: false });
  }
}

export async function markRestored(backup: Collection<BackupEntry>, ids: readonly unknown[]): Promise<void> {
  if (ids.length > 0)
    await backup.updateMany({ _id: { $in: [...ids] } } as Document, { $set: { restored: true } });
}

export async function readByIds(
  collection: Collection<Document>,
  ids: readonly unknown[],
): Promise<Map<string, Document>> {
  const found = new Map<string, Document>();
  if (ids.length === 0) return found;
  for (const doc of await collection.find({ _id: { $in: [...ids] } } as Document).toArray())
    found.set(idKey(doc._id), doc);
  return found;
}
