/** The commander program: it only parses; the checks are in args.ts, check-export.ts, option-checks.ts. */
import { Command } from 'commander';
import { CSV_COLUMN_TYPES } from '../stream/sources/csv-columns.js';
import { MAX_BATCH_SIZE, MAX_CONCURRENCY } from '../stream/stream-options.js';
import { addImportExtras, type RawImportExtras } from './import-extras.js';
import { version } from './version.js';

export { MAX_BATCH_SIZE, MAX_CONCURRENCY };
export const DEFAULT_PROGRESS_INTERVAL_SECONDS = 5;

export interface RawImportOptions extends RawImportExtras {
  uri?: string;
  db?: string;
  collection?: string;
  model?: string;
  format?: string;
  delimiter?: string;
  columns?: string;
  types?: string;
  mode?: string;
  upsertFields?: string;
  batchSize?: string;
  concurrency?: string;
  maxRate?: string;
  ordered?: boolean;
  unordered?: boolean;
  deadLetter?: string;
  checkpoint?: string | false;
  resume?: boolean;
  dryRun?: boolean;
  quiet?: boolean;
  json?: boolean;
  progressInterval?: string;
  partition?: string;
  workers?: string;
}

export interface RawExportOptions {
  uri?: string;
  db?: string;
  collection?: string;
  filter?: string;
  projection?: string;
  sort?: string;
  limit?: string;
  ejson?: string;
  out?: string;
  quiet?: boolean;
  json?: boolean;
}

export type Parsed =
  | { readonly name: 'import'; readonly files: readonly string[]; readonly options: RawImportOptions }
  | { readonly name: 'export'; readonly options: RawExportOptions };

/** The commander program. Its actions only record what was parsed. */
export function buildProgram(onParsed: (parsed: Parsed) => void, write: (text: string) => void): Command {
  const program = new Command('bulkwright')
    .description('Typed, fast and safe bulk writes to MongoDB: import files, export collections.')
    .version(version(), '-V, --version')
    .configureOutput({ writeOut: write, writeErr: write, outputError: () => {} })
    .exitOverride()
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      '\n  status <file>  checkpoints of a (split) import, share by share: bulkwright status --help',
    );

  const importCommand = program
    .command('import')
    .description(
      'Import an NDJSON, CSV or JSON-array file into a collection, streaming, with bounded memory.',
    )
    .argument('<files...>', 'the file(s) to import: paths, or a quoted pattern with * and ? (data/*.ndjson)')
    .option('--uri <uri>', 'connection string (default: $MONGODB_URI)')
    .option('--db <name>', 'database name')
    .option('--collection <name>', "collection name (default with --model: the model's collection)")
    .option('--model <module>', 'a module exporting a bulkwright model: path[#export]')
    .option(
      '--format <format>',
      'ndjson | csv | json (default: from the extension: .ndjson .jsonl .csv .json)',
    )
    .option('--delimiter <char>', 'CSV field separator: one character, or \\t for a tab', ',')
    .option('--columns <names>', 'CSV without a header row: comma-separated field names (a.b nests)')
    .option(
      '--types <field:type,...>',
      `CSV column types: ${CSV_COLUMN_TYPES.join(' | ')} (default: from --model, else string)`,
    )
    .option('--mode <mode>', 'insert | upsert | merge | delete', 'insert')
    .option(
      '--upsert-fields <fields>',
      'comma-separated fields that identify a record in upsert/merge/delete mode (default: _id)',
    )
    .option('--batch-size <n>', `documents per batch, 1 to ${MAX_BATCH_SIZE}`)
    .option('--concurrency <n>', `batches in flight, 1 to ${MAX_CONCURRENCY}`)
    .option('--max-rate <docs/s>', 'write at most this many documents per second (default: no limit)')
    .option('--ordered', 'stop at the first rejected record')
    .option('--unordered', 'go on past rejected records (default)')
    .option('--dead-letter <file>', 'NDJSON file for rejected records (default: <file name>.rejected.ndjson)')
    .option(
      '--checkpoint <file>',
      'keep the checkpoint in this file (default: a collection in the target db)',
    )
    .option('--no-checkpoint', 'do not keep a checkpoint')
    .option('--resume', 'skip what an interrupted run with the same file and collection already wrote')
    .option('--dry-run', 'read, validate and report, but write nothing')
    .option('--quiet', 'no progress output')
    .option('--json', 'print the final report as JSON')
    .option(
      '--progress-interval <seconds>',
      `seconds between progress lines when not on a terminal (0: every batch)`,
      String(DEFAULT_PROGRESS_INTERVAL_SECONDS),
    )
    .option('--partition <i/n>', 'import only share i of n (0 <= i < n): see docs/scale-out.md')
    .option('--workers <n>', 'import as n shares in n child processes')
    .action((files: string[], options: RawImportOptions) => onParsed({ name: 'import', files, options }));
  addImportExtras(importCommand);

  program
    .command('export')
    .description(
      'Export a collection (or the documents matching a filter) as NDJSON (canonical Extended JSON).',
    )
    .option('--uri <uri>', 'connection string (default: $MONGODB_URI)')
    .option('--db <name>', 'database name')
    .option('--collection <name>', 'collection name')
    .option('--filter <json>', 'query filter, Extended JSON', '{}')
    .option('--projection <json>', 'projection, Extended JSON')
    .option('--sort <json>', 'sort, Extended JSON')
    .option('--limit <n>', 'export at most n documents')
    .option('--ejson <flavour>', 'relaxed (plain JSON numbers) | canonical (every value typed)', 'relaxed')
    .option('--out <file>', 'output file (default: standard output)')
    .option('--quiet', 'no summary line')
    .option('--json', 'print the summary as JSON')
    .action((options: RawExportOptions) => onParsed({ name: 'export', options }));

  return program;
}
