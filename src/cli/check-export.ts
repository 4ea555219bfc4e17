/** `bulkwright export`'s options, checked: every problem reported at once, before any I/O. */
import type { Document } from 'mongodb';
import { collectProblems } from './collect-problems.js';
import { type ExportCommand, UsageError } from './commands.js';
import {
  checkCollectionName,
  checkDbName,
  checkUri,
  extendedJson,
  integer,
  oneOf,
  path,
} from './option-checks.js';
import type { RawExportOptions } from './program.js';

export function checkExport(raw: RawExportOptions, env: NodeJS.ProcessEnv): ExportCommand {
  const { problems, check } = collectProblems();
  const uri = check(() => checkUri(raw.uri, env));
  const db = check(() => checkDbName(raw.db));
  const collection = check(() => checkCollectionName(raw.collection));
  const filter = check(() => extendedJson('--filter', raw.filter ?? '{}'));
  const projection =
    raw.projection === undefined
      ? undefined
      : check(() => extendedJson('--projection', raw.projection as string));
  const sort = raw.sort === undefined ? undefined : check(() => extendedJson('--sort', raw.sort as string));
  const limit = check(() => integer('--limit', raw.limit, 1, Number.MAX_SAFE_INTEGER));
  const ejson = check(() => oneOf('--ejson', raw.ejson ?? 'relaxed', ['relaxed', 'canonical'] as const));
  const out = raw.out === undefined ? undefined : check(() => path('--out', raw.out));
  if (problems.length > 0) throw new UsageError(problems);
  return {
    command: 'export',
    uri: uri as string,
    db: db as string,
    collection: collection as string,
    filter: filter as Document,
    ...(projection !== undefined ? { projection } : {}),
    ...(sort !== undefined ? { sort } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ejson: ejson as 'relaxed' | 'canonical',
    ...(out !== undefined ? { out } : {}),
    quiet: raw.quiet === true,
    json: raw.json === true,
  };
}
