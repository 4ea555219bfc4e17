/** `bulkwright export`: a collection (or what a filter matches) as NDJSON, to a file or stdout. */
import { resolve } from 'node:path';
import { exportNdjson } from '../stream/export.js';
import type { ExportCommand } from './commands.js';
import { connect } from './connect.js';
import { EXIT_OK, FatalError, messageOf, type Output } from './output.js';
import { formatBytes, formatCount } from './progress.js';

export async function runExport(command: ExportCommand, output: Output): Promise<number> {
  const client = await connect(command.uri, output);
  try {
    const collection = client.db(command.db).collection(command.collection);
    const destination = command.out !== undefined ? resolve(command.out) : output.io.stdout;
    const started = Date.now();
    let result: { exported: number; bytes: number };
    try {
      result = await exportNdjson(
        collection,
        {
          filter: command.filter,
          ...(command.projection ? { projection: command.projection } : {}),
          ...(command.sort ? { sort: command.sort } : {}),
          ...(command.limit !== undefined ? { limit: command.limit } : {}),
          ejson: command.ejson,
        },
        destination,
      );
    } catch (error) {
      throw new FatalError(`export failed: ${messageOf(error)}`);
    }
    if (!command.quiet) {
      const where = typeof destination === 'string' ? destination : 'standard output';
      const line = command.json
        ? JSON.stringify({
            ...result,
            out: typeof destination === 'string' ? destination : null,
            durationMs: Date.now() - started,
          })
        : `bulkwright export: ${formatCount(result.exported)} document${result.exported === 1 ? '' : 's'} (${formatBytes(result.bytes)}) from ${command.db}.${command.collection} to ${where}`;
      // Standard output holds the data when there is no --out: the summary goes to standard error then.
      if (typeof destination === 'string') output.out(line);
      else output.err(line);
    }
    return EXIT_OK;
  } finally {
    await client.close().catch(() => {});
  }
}
