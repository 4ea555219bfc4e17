/**
 * `sync(model, entries, { key, deleteMissing, compare, softDelete })`: makes a collection match an
 * external list. Each entry is validated, then created, updated or left unchanged; with
 * `deleteMissing`, stored documents that no entry names are deleted (or soft-deleted). The writes
 * go in one bulk call through the shared run path; the report says what happened to each entry at
 * its own index, and which documents were deleted.
 */

import { isDeepStrictEqual } from 'node:util';
import type { Collection, Document } from 'mongodb';
import { ErrorCode } from '../core/codes.js';
import { clientFailure, type Failure, FailureKind } from '../core/failure.js';
import { invalidOption } from '../core/option-error.js';
import type { AnyModel, IdOfModel, InputOf } from '../model/define-model.js';
import { validateWith } from '../plan/validate.js';
import type { BulkReport } from '../report/report.js';
import { runBulk } from '../verbs/run-bulk.js';
import { type ResolvedSyncOptions, resolveSyncOptions, type SyncOptions } from './sync-options.js';

export type SyncAction = 'created' | 'updated' | 'unchanged' | 'failed' | 'notAttempted';

export interface SyncReport<TId = unknown> {
  /** Every entry written or unchanged, every delete done. */
  readonly ok: boolean;
  readonly total: number;
  /** What happened to each entry, at the caller's index. */
  readonly actions: readonly SyncAction[];
  readonly createdCount: number;
  readonly updatedCount: number;
  readonly unchangedCount: number;
  readonly deletedCount: number;
  /** `_id`s of the stored documents deleted (or soft-deleted) because no entry named them. */
  readonly deletedIds: readonly TId[];
  /** Failures of entries, at the caller's index (validation, duplicate key in the list, server errors). */
  readonly failures: readonly Failure[];
  /** Deletes that failed; each failure's `op` names the document. */
  readonly deleteFailures: readonly Failure[];
  /** The underlying bulk write's report (its indices are positions in the ops sent). */
  readonly write: BulkReport;
}

export const duplicateEntryCode = ErrorCode.DuplicateEntry;

export async function sync<M extends AnyModel>(
  model: M,
  entries: readonly InputOf<M>[],
  options: SyncOptions<M>,
): Promise<SyncReport<IdOfModel<M>>> {
  const o = resolveSyncOptions(model, options);
  if (!Array.isArray(entries)) throw invalidOption('Expected the entries to be an array');
  const collection = model.collection() as Collection<Document>;
  const actions: SyncAction[] = [];
  const failures: Failure[] = [];
  const parsed: (Document | undefined)[] = entries.map((entry, i) => {
    const checked = validateWith(model.schema, entry, i, entry);
    if (checked.ok) return checked.value as Document;
    failures.push(checked.failure);
    return undefined;
  });
  const stored = await readStored(collection, o, parsed);
  const ops: Document[] = [];
  const opOwner: number[] = []; // entry index, or -1 - k for the k-th delete
  const deleteIds: unknown[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < parsed.length; i++) {
    const doc = parsed[i];
    if (!doc) {
      actions[i] = 'failed';
      continue;
    }
    const key = keyOf(doc, o.key);
    const first = seen.get(key);
    if (first !== undefined) {
      const message = `the list names ${key} twice (first at index ${first})`;
      failures.push(clientFailure(i, FailureKind.validation, duplicateEntryCode, message, entries[i]));
      actions[i] = 'failed';
      continue;
    }
    seen.set(key, i);
    const current = stored.get(key);
    if (!current) {
      ops.push({ insertOne: { document: entries[i] } });
    } else if (isLive(current) && same(o, current, doc)) {
      actions[i] = 'unchanged';
      continue;
    } else {
      const { _id, ...fields } = doc;
      const $set = model.softDelete && !isLive(current) ? { ...fields, deletedAt: null } : fields;
      ops.push({ updateOne: { filter: { _id: current._id }, update: { $set } } });
    }
    opOwner.push(i);
  }
  if (o.deleteMissing) {
    for (const [key, doc] of stored) {
      if (seen.has(key) || !isLive(doc)) continue;
      opOwner.push(-1 - deleteIds.length);
      deleteIds.push(doc._id);
      ops.push({ deleteOne: { filter: { _id: doc._id } } });
    }
  }
  const write = await runBulk(model, ops, 'write', o.bulk, { hard: o.hard });
  return buildReport(entries.length, ops, opOwner, deleteIds, actions, failures, write) as SyncReport<
    IdOfModel<M>
  >;
}

function buildReport(
  total: number,
  ops: readonly Document[],
  opOwner: readonly number[],
  deleteIds: readonly unknown[],
  actions: SyncAction[],
  failures: Failure[],
  write: BulkReport,
): SyncReport {
  const failedOps = new Map(write.failures.map((f) => [f.index, f]));
  const skipped = new Set(write.notAttempted);
  const deleteFailures: Failure[] = [];
  const deletedIds: unknown[] = [];
  opOwner.forEach((owner, j) => {
    const failure = failedOps.get(j);
    if (owner < 0) {
      if (failure) deleteFailures.push(failure);
      else if (!skipped.has(j)) deletedIds.push(deleteIds[-1 - owner]);
      return;
    }
    if (failure) failures.push({ ...failure, index: owner });
    actions[owner] = failure
      ? 'failed'
      : skipped.has(j)
        ? 'notAttempted'
        : 'insertOne' in ops[j]!
          ? 'created'
          : 'updated';
  });
  const count = (a: SyncAction) => actions.filter((x) => x === a).length;
  return {
    ok: write.ok && failures.length === 0,
    total,
    actions,
    createdCount: count('created'),
    updatedCount: count('updated'),
    unchangedCount: count('unchanged'),
    deletedCount: deletedIds.length,
    deletedIds,
    failures: failures.sort((a, b) => a.index - b.index),
    deleteFailures,
    write,
  };
}

/** The stored documents the entries name (or, with `deleteMissing`, every one in scope), by key. */
async function readStored(
  collection: Collection<Document>,
  o: ResolvedSyncOptions,
  parsed: readonly (Document | undefined)[],
): Promise<Map<string, Document>> {
  const found = new Map<string, Document>();
  const add = (docs: Document[]) => {
    for (const doc of docs) found.set(keyOf(doc, o.key), doc);
  };
  if (o.deleteMissing) add(await collection.find(o.scope).toArray());
  // Entries may name documents outside the scope (or soft-deleted ones): look those up too.
  if (o.deleteMissing && Object.keys(o.scope).length === 0) return found;
  const named = parsed.filter((d): d is Document => d !== undefined);
  for (let i = 0; i < named.length; i += 1000) {
    const page = named.slice(i, i + 1000);
    const filter =
      o.key.length === 1
        ? { [o.key[0]!]: { $in: page.map((d) => valueAt(d, o.key[0]!)) } }
        : { $or: page.map((d) => Object.fromEntries(o.key.map((k) => [k, valueAt(d, k)]))) };
    add(await collection.find(filter).toArray());
  }
  return found;
}

function same(o: ResolvedSyncOptions, stored: Document, entry: Document): boolean {
  if (o.compare) return o.compare(stored, entry);
  return Object.entries(entry).every(
    ([field, value]) => field === '_id' || isDeepStrictEqual(stored[field], value),
  );
}

function isLive(doc: Document): boolean {
  return doc.deletedAt === undefined || doc.deletedAt === null;
}

function keyOf(doc: Document, key: readonly string[]): string {
  return JSON.stringify(key.map((k) => valueAt(doc, k) ?? null));
}

function valueAt(doc: Document, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) node = (node as Document | undefined)?.[part];
  return node;
}
