/**
 * Checkpoint stores: how far a run got, so a resumed run skips what is already acknowledged.
 * The file store replaces its file atomically (temp file, fsync, rename, fsync of the directory):
 * a crash at any instant leaves the old checkpoint or the new one, never a torn file.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Db } from 'mongodb';
import { ErrorCode } from '../core/codes.js';
import { BulkwrightError } from '../core/errors.js';
import { optionError } from '../core/option-error.js';
import { checkInteger, DEFAULT_BATCH_TIMEOUT_MS } from '../plan/options.js';
import { upsertRaced, withRetries } from './checkpoint-retry.js';
import type { CheckpointStore } from './types.js';

interface CheckpointFile {
  readonly position: number;
  readonly updatedAt: string;
  readonly unit?: string;
}

export interface FileCheckpointOptions {
  /**
   * What positions count (e.g. `'bytes'`), written into the file; a file with another unit (or
   * none, as earlier versions wrote) is refused on load rather than misread.
   */
  readonly unit?: string;
}

export function fileCheckpoint(path: string, options: FileCheckpointOptions = {}): CheckpointStore {
  const { unit } = options;
  if (typeof path !== 'string' || path === '') throw optionError('path', 'a non-empty file path', path);
  // Saves run one after another, so a slow older save can never land after a newer one.
  let queue: Promise<void> = Promise.resolve();
  const serial = (task: () => Promise<void>): Promise<void> => {
    const run = queue.then(task);
    queue = run.catch(() => {});
    return run;
  };
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      let parsed: Partial<CheckpointFile> | undefined;
      try {
        parsed = JSON.parse(text) as Partial<CheckpointFile>;
      } catch {}
      // Guessing would re-import (duplicates) or skip records (losses): refuse instead.
      if (!isPosition(parsed?.position)) {
        throw new BulkwrightError(
          ErrorCode.CheckpointCorrupt,
          `Checkpoint file ${path} does not hold a checkpoint; delete it to start from the beginning`,
        );
      }
      if (parsed.unit !== unit) {
        throw new BulkwrightError(
          ErrorCode.CheckpointFormat,
          `Checkpoint file ${path} counts positions in ${parsed.unit ?? 'lines or records'}, this run in ${unit ?? 'lines or records'} (written by another version or for another input?); delete it to start from the beginning`,
        );
      }
      return parsed.position;
    },
    async save(position) {
      checkPosition(position);
      const text = JSON.stringify({
        position,
        updatedAt: new Date().toISOString(),
        ...(unit ? { unit } : {}),
      });
      return serial(() => writeAtomically(path, `${text}\n`));
    },
    clear() {
      return serial(() => rm(path, { force: true }));
    },
  };
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  const temporary = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  // Makes the rename itself durable; not every platform lets a directory be opened for that.
  const dir = await open(directory, 'r').catch(() => undefined);
  if (dir)
    await dir
      .sync()
      .catch(() => {})
      .finally(() => dir.close());
}

export interface CollectionCheckpointOptions {
  /** @default 'bulkwright_checkpoints' */
  readonly collection?: string;
  /** Names the run: one document per id. */
  readonly id: string;
  /**
   * Longest wait for the server's reply to a load, save or clear, in ms: a save after a lost batch
   * must not hang on the same silent server. @default 60000
   */
  readonly timeoutMs?: number;
}

interface CheckpointDocument {
  _id: string;
  position: number;
  updatedAt: Date;
}

/** Keeps the checkpoint as `{ _id: id, position, updatedAt }` in a collection of the target database. */
export function collectionCheckpoint(db: Db, options: CollectionCheckpointOptions): CheckpointStore {
  const { collection = 'bulkwright_checkpoints', id, timeoutMs = DEFAULT_BATCH_TIMEOUT_MS } = options ?? {};
  checkInteger(timeoutMs, 'timeoutMs', 1);
  // The driver honours `signal` on every operation (some option types omit it).
  const deadline = () => ({ signal: AbortSignal.timeout(timeoutMs) }) as object;
  if (typeof db?.collection !== 'function') throw optionError('db', 'a mongodb Db', db);
  if (typeof collection !== 'string' || collection === '') {
    throw optionError('collection', 'a non-empty string', collection);
  }
  if (typeof id !== 'string' || id === '') throw optionError('id', 'a non-empty string', id);
  const checkpoints = db.collection<CheckpointDocument>(collection);
  return {
    async load() {
      const document = await withRetries(() => checkpoints.findOne({ _id: id }, deadline()));
      if (!document) return undefined;
      if (!isPosition(document.position)) {
        throw new BulkwrightError(
          ErrorCode.CheckpointCorrupt,
          `Checkpoint ${id} in ${collection} does not hold a position; delete it to start from the beginning`,
        );
      }
      return document.position;
    },
    async save(position) {
      checkPosition(position);
      await withRetries(() =>
        upsertRaced(() =>
          checkpoints.updateOne(
            { _id: id },
            { $set: { position, updatedAt: new Date() } },
            { upsert: true, ...deadline() },
          ),
        ),
      );
    },
    async clear() {
      await withRetries(() => checkpoints.deleteOne({ _id: id }, deadline()));
    },
  };
}

function isPosition(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function checkPosition(position: unknown): void {
  if (!isPosition(position)) throw optionError('position', 'a non-negative integer', position);
}
