/**
 * Collection → NDJSON, streamed from a cursor with backpressure.
 *
 * The lines are Extended JSON, relaxed by default (mongoexport's default): ObjectId, Date,
 * Decimal128, Binary… keep their types as `{"$oid": …}`, `{"$date": …}`…, numbers are plain JSON
 * numbers (readable by any tool; int vs double vs long is not kept, as the driver's default reads
 * lose it too). `ejson: 'canonical'` reads the cursor without promoting numbers and writes every
 * value typed (`{"$numberInt": "1"}`), for an exact round trip with `readNdjson(…, { ejson: 'canonical' })`.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { BSON, type Collection, type Document, type Filter, type Sort, type WithId } from 'mongodb';
import { optionError, positiveInteger } from '../core/option-error.js';

export interface ExportOptions<TSchema extends Document = Document> {
  /** @default {} (every document) */
  readonly filter?: Filter<TSchema>;
  readonly projection?: Document;
  readonly sort?: Sort;
  /** Documents per cursor batch. @default the driver's */
  readonly batchSize?: number;
  /** Stop after this many documents. @default no limit */
  readonly limit?: number;
}

export interface ExportNdjsonOptions<TSchema extends Document = Document> extends ExportOptions<TSchema> {
  /** @default 'relaxed' */
  readonly ejson?: 'relaxed' | 'canonical';
}

export interface ExportResult {
  readonly exported: number;
  /** Bytes written, line breaks included. */
  readonly bytes: number;
}

/** Lines are gathered into writes of about this size: one write per line is slow. */
const WRITE_BYTES = 64 * 1024;

/** The collection's documents, as the cursor gives them; the cursor is closed when the loop ends. */
export function exportDocuments<TSchema extends Document>(
  collection: Collection<TSchema>,
  options: ExportOptions<TSchema> = {},
): AsyncGenerator<WithId<TSchema>> {
  return documents(collection, resolve(options), true);
}

/**
 * Writes the collection's documents to `destination` as NDJSON. A path is written through a temp
 * file renamed at the end (a failed export leaves no partial file under that name); a stream is
 * written to but not ended, so `process.stdout` can be one.
 */
export async function exportNdjson<TSchema extends Document>(
  collection: Collection<TSchema>,
  options: ExportNdjsonOptions<TSchema>,
  destination: string | Writable,
): Promise<ExportResult> {
  const resolved = resolve(options);
  const { ejson = 'relaxed' } = options ?? {};
  if (ejson !== 'relaxed' && ejson !== 'canonical')
    throw optionError('ejson', "'relaxed' or 'canonical'", ejson);
  const isPath = typeof destination === 'string';
  if (isPath ? destination === '' : typeof destination?.write !== 'function') {
    throw optionError('destination', 'a file path or a Writable', destination);
  }
  const relaxed = ejson === 'relaxed';
  const cursor = documents(collection, resolved, relaxed);
  if (!isPath) return writeLines(cursor, destination, relaxed);

  await mkdir(dirname(destination), { recursive: true });
  const temporary = join(
    dirname(destination),
    `.${basename(destination)}.${randomBytes(6).toString('hex')}.partial`,
  );
  const file = createWriteStream(temporary);
  try {
    await once(file, 'open');
    const result = await writeLines(cursor, file, relaxed);
    await new Promise<void>((resolve, reject) =>
      file.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    await rename(temporary, destination);
    return result;
  } catch (error) {
    file.destroy();
    await rm(temporary, { force: true });
    throw error;
  }
}

async function writeLines(
  source: AsyncIterable<Document>,
  destination: Writable,
  relaxed: boolean,
): Promise<ExportResult> {
  let failure: Error | undefined;
  const onError = (error: Error) => {
    failure ??= error;
  };
  destination.on('error', onError);
  let exported = 0;
  let bytes = 0;
  let pending = '';
  const flush = async () => {
    if (failure) throw failure;
    const text = pending;
    pending = '';
    bytes += Buffer.byteLength(text);
    // `once` rejects if the stream errors while we wait.
    if (!destination.write(text)) await once(destination, 'drain');
  };
  try {
    for await (const document of source) {
      pending += `${BSON.EJSON.stringify(document, { relaxed })}\n`;
      exported++;
      if (pending.length >= WRITE_BYTES) await flush();
    }
    if (pending.length > 0) await flush();
    if (failure) throw failure;
    return { exported, bytes };
  } finally {
    destination.off('error', onError);
  }
}

interface Resolved {
  readonly filter: Document;
  readonly projection: Document | undefined;
  readonly sort: Sort | undefined;
  readonly batchSize: number | undefined;
  readonly limit: number | undefined;
}

function resolve<TSchema extends Document>(options: ExportOptions<TSchema>): Resolved {
  const { filter = {}, projection, sort } = options ?? {};
  if (typeof filter !== 'object' || filter === null) throw optionError('filter', 'an object', filter);
  if (projection !== undefined && (typeof projection !== 'object' || projection === null)) {
    throw optionError('projection', 'an object', projection);
  }
  const batchSize =
    options?.batchSize === undefined ? undefined : positiveInteger('batchSize', options.batchSize, 1);
  const limit = options?.limit === undefined ? undefined : positiveInteger('limit', options.limit, 1);
  return { filter, projection, sort, batchSize, limit };
}

async function* documents<TSchema extends Document>(
  collection: Collection<TSchema>,
  options: Resolved,
  promoteValues: boolean,
): AsyncGenerator<WithId<TSchema>> {
  if (typeof collection?.find !== 'function')
    throw optionError('collection', 'a mongodb Collection', collection);
  const { filter, projection, sort, batchSize, limit } = options;
  const cursor = collection.find(filter as Filter<TSchema>, {
    ...(projection && { projection }),
    ...(sort !== undefined && { sort }),
    ...(batchSize !== undefined && { batchSize }),
    ...(limit !== undefined && { limit }),
    // Canonical output needs Int32/Double/Long as such, not as JS numbers.
    ...(!promoteValues && { promoteValues: false }),
  });
  try {
    for await (const document of cursor) yield document;
  } finally {
    await cursor.close();
  }
}
