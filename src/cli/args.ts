/**
 * The command line: a commander program that only parses, and one validator per option that turns
 * the strings into resolved options. Nothing here touches the network, and no file but
 * `--fields-file` is read, so every usage mistake is reported (all of them at once) before any I/O.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { BSON, type Document } from 'mongodb';
import type { CsvColumnType } from '../stream/sources/csv.js';
import { type SourceFormat, sourceFormat } from '../stream/sources/open-source.js';
import type { StreamMode } from '../stream/types.js';
import {
  addImportExtras,
  checkImportExtras,
  type ImportExtras,
  type RawImportExtras,
} from './import-extras.js';
import { REDACTED, redactUri } from './redact.js';
import { checkShares, type Shares } from './shares-args.js';

export type { SourceFormat };

/** Where the import remembers how far it got. */
export type CheckpointChoice =
  | { readonly kind: 'collection' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'none' };

export interface ImportCommand extends ImportExtras {
  readonly command: 'import';
  /** The input file, as given (resolved against the cwd when opened). */
  readonly file: string;
  readonly uri: string;
  readonly db: string;
  /** Absent only when `--model` is given: the model's own collection is used then. */
  readonly collection?: string;
  readonly model?: { readonly specifier: string; readonly exportName?: string };
  /** From `--format`, else from the file's extension. */
  readonly format: SourceFormat;
  /** CSV: the field separator. */
  readonly delimiter?: string;
  /** CSV: the field names, for a file without a header row. */
  readonly columns?: readonly string[];
  /** CSV: column types by header name (else inferred from the model's schema, else strings). */
  readonly types?: Readonly<Record<string, CsvColumnType>>;
  readonly mode: StreamMode;
  readonly upsertFields?: readonly string[];
  readonly batchSize?: number;
  readonly concurrency?: number;
  /** Documents written per second at most (throttling beside production traffic). */
  readonly maxRate?: number;
  readonly ordered: boolean;
  /** Absent: `<file name>.rejected.ndjson` in the working directory, created on the first rejection. */
  readonly deadLetter?: string;
  readonly checkpoint: CheckpointChoice;
  readonly resume: boolean;
  readonly dryRun: boolean;
  readonly quiet: boolean;
  readonly json: boolean;
  /** Milliseconds between two plain progress lines (0: one line per batch). */
  readonly progressIntervalMs: number;
  /** `--partition i/n` or `--workers n` (see shares-args.ts). */
  readonly shares: Shares;
}

export interface ExportCommand {
  readonly command: 'export';
  readonly uri: string;
  readonly db: string;
  readonly collection: string;
  readonly filter: Document;
  readonly projection?: Document;
  readonly sort?: Document;
  readonly limit?: number;
  /** Extended JSON flavour of the lines. */
  readonly ejson: 'relaxed' | 'canonical';
  /** Absent: standard output. */
  readonly out?: string;
  readonly quiet: boolean;
  readonly json: boolean;
}

/** `--help` or `--version`: print `output` and exit with `code`. */
export interface ExitCommand {
  readonly command: 'exit';
  readonly code: 0;
  readonly output: string;
}

export type CliCommand = ImportCommand | ExportCommand | ExitCommand;

/** Bad usage: each problem names the option, what was expected and what was received. */
export class UsageError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'UsageError';
    this.problems = problems;
  }
}

export const MAX_BATCH_SIZE = 100_000;
export const MAX_CONCURRENCY = 64;
export const DEFAULT_PROGRESS_INTERVAL_SECONDS = 5;
const FORMATS: readonly SourceFormat[] = ['ndjson', 'csv', 'json'];
const MODES: readonly StreamMode[] = ['insert', 'upsert', 'merge', 'delete'];
const CSV_TYPES: readonly CsvColumnType[] = ['string', 'number', 'boolean', 'date', 'json'];

interface RawImportOptions extends RawImportExtras {
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

interface RawExportOptions {
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

type Parsed =
  | { readonly name: 'import'; readonly file: string; readonly options: RawImportOptions }
  | { readonly name: 'export'; readonly options: RawExportOptions };

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

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
    .argument('<file>', 'the file to import')
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
      `CSV column types: ${CSV_TYPES.join(' | ')} (default: from --model, else string)`,
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
    .action((file: string, options: RawImportOptions) => onParsed({ name: 'import', file, options }));
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

/**
 * Parses and validates `argv` (without the node and script paths). Throws `UsageError` listing
 * every problem; returns an `exit` command for `--help` and `--version`.
 */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliCommand {
  let parsed: Parsed | undefined;
  let output = '';
  const program = buildProgram(
    (p) => {
      parsed = p;
    },
    (text) => {
      output += text;
    },
  );
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) return { command: 'exit', code: 0, output };
    if (error.code === 'commander.help' || error.code === 'commander.helpDisplayed') {
      throw new UsageError([`a command is required: import or export\n\n${output.trimEnd()}`]);
    }
    throw new UsageError([redactUri(error.message.replace(/^error: /, ''))]);
  }
  if (!parsed) throw new UsageError(['a command is required: import or export']);
  return parsed.name === 'import'
    ? checkImport(parsed.file, parsed.options, env)
    : checkExport(parsed.options, env);
}

/** Runs each option check, keeping every problem instead of stopping at the first. */
function collectProblems() {
  const problems: string[] = [];
  const check = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof OptionError) {
        problems.push(error.message);
        return undefined;
      }
      throw error;
    }
  };
  return { problems, check };
}

function checkImport(file: string, raw: RawImportOptions, env: NodeJS.ProcessEnv): ImportCommand {
  const { problems, check } = collectProblems();
  if (file.trim() === '') problems.push('<file>: expected a path to a file, received an empty string');
  const uri = check(() => checkUri(raw.uri, env));
  const db = check(() => checkDbName(raw.db));
  const model = raw.model === undefined ? undefined : check(() => checkModel(raw.model as string));
  const collection =
    raw.collection === undefined && raw.model !== undefined
      ? undefined
      : check(() => checkCollectionName(raw.collection, 'or pass --model to use its collection'));
  const format =
    raw.format === undefined
      ? check(() => formatOf(file))
      : check(() => oneOf('--format', raw.format, FORMATS));
  const delimiter =
    raw.delimiter === undefined ? undefined : check(() => checkDelimiter(raw.delimiter as string));
  const columns = raw.columns === undefined ? undefined : check(() => checkColumns(raw.columns as string));
  const types = raw.types === undefined ? undefined : check(() => checkTypes(raw.types as string));
  for (const [option, given] of [
    ['--columns', raw.columns],
    ['--types', raw.types],
  ] as const) {
    if (format !== undefined && format !== 'csv' && given !== undefined) {
      problems.push(`${option}: expected with CSV input, received --format ${format}`);
    }
  }
  const mode = check(() => oneOf('--mode', raw.mode ?? 'insert', MODES));
  const upsertFields =
    raw.upsertFields === undefined ? undefined : check(() => checkFields(raw.upsertFields as string));
  if (upsertFields && mode === 'insert') {
    problems.push('--upsert-fields: expected with --mode upsert, merge or delete, received --mode insert');
  }
  const checked = checkImportExtras(raw, format, columns, problems);
  const batchSize = check(() => integer('--batch-size', raw.batchSize, 1, MAX_BATCH_SIZE));
  const concurrency = check(() => integer('--concurrency', raw.concurrency, 1, MAX_CONCURRENCY));
  const maxRate = check(() => integer('--max-rate', raw.maxRate, 1, 10_000_000));
  if (raw.ordered && raw.unordered) {
    problems.push('--ordered, --unordered: expected one of them, received both');
  }
  const deadLetter =
    raw.deadLetter === undefined ? undefined : check(() => path('--dead-letter', raw.deadLetter));
  let checkpoint: CheckpointChoice = { kind: 'collection' };
  if (raw.checkpoint === false) checkpoint = { kind: 'none' };
  else if (typeof raw.checkpoint === 'string') {
    const checkpointPath = check(() => path('--checkpoint', raw.checkpoint as string));
    if (checkpointPath !== undefined) checkpoint = { kind: 'file', path: checkpointPath };
  }
  const dryRun = raw.dryRun === true;
  const resume = raw.resume === true;
  if (resume && checkpoint.kind === 'none') {
    problems.push('--resume: expected a checkpoint to resume from, received --no-checkpoint');
  }
  if (resume && dryRun) {
    problems.push('--resume: expected a run that writes, received --dry-run');
  }
  const interval = check(() => seconds('--progress-interval', raw.progressInterval));
  const shares = checkShares(raw, checkpoint, problems);

  if (problems.length > 0) throw new UsageError(problems);
  return {
    command: 'import',
    file,
    uri: uri as string,
    db: db as string,
    ...(collection !== undefined ? { collection } : {}),
    ...(model !== undefined ? { model } : {}),
    format: format as SourceFormat,
    ...(delimiter !== undefined && delimiter !== ',' ? { delimiter } : {}),
    ...(checked.columns !== undefined ? { columns: checked.columns } : {}),
    ...(types !== undefined ? { types } : {}),
    ...checked.extras,
    mode: mode as StreamMode,
    ...(upsertFields !== undefined ? { upsertFields } : {}),
    ...(batchSize !== undefined ? { batchSize } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(maxRate !== undefined ? { maxRate } : {}),
    ordered: raw.ordered === true,
    ...(deadLetter !== undefined ? { deadLetter } : {}),
    checkpoint: dryRun ? { kind: 'none' } : checkpoint,
    resume,
    dryRun,
    quiet: raw.quiet === true,
    json: raw.json === true,
    progressIntervalMs: Math.round((interval ?? DEFAULT_PROGRESS_INTERVAL_SECONDS) * 1000),
    shares,
  };
}

function checkExport(raw: RawExportOptions, env: NodeJS.ProcessEnv): ExportCommand {
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

/** One option's problem, caught and collected by the command's checker. */
class OptionError extends Error {}

function received(value: string | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === '') return 'an empty string';
  return JSON.stringify(redactUri(value.length > 80 ? `${value.slice(0, 77)}...` : value));
}

function fail(option: string, expected: string, value: string | undefined): never {
  throw new OptionError(`${option}: expected ${expected}, received ${received(value)}`);
}

export function checkUri(value: string | undefined, env: NodeJS.ProcessEnv): string {
  const fromEnv = value === undefined;
  const uri = value ?? env.MONGODB_URI;
  const source = fromEnv ? 'MONGODB_URI' : '--uri';
  if (uri === undefined || uri.trim() === '') {
    throw new OptionError(
      `--uri: expected a connection string (mongodb:// or mongodb+srv://) in --uri or in MONGODB_URI, received ${fromEnv ? 'neither' : 'an empty string'}`,
    );
  }
  if (!/^mongodb(\+srv)?:\/\/[^\s]+$/i.test(uri.trim())) {
    // Not a MongoDB URI, so the redactor would not know it: hide whatever precedes an `@`.
    const shown = uri.includes('@') ? uri.replace(/^([a-z][\w+.-]*:\/\/)?.*@/is, `$1${REDACTED}@`) : uri;
    fail(source, 'a connection string starting with mongodb:// or mongodb+srv://', shown);
  }
  return uri.trim();
}

/** The server's rules for database names (the strictest platform's, so a name works everywhere). */
export function checkDbName(value: string | undefined): string {
  if (value === undefined || value === '') fail('--db', 'a database name', value);
  if (/[/\\. "$*<>:|?\0]/.test(value)) {
    fail('--db', 'a database name without any of / \\ . space " $ * < > : | ?', value);
  }
  if (Buffer.byteLength(value) > 63) fail('--db', 'a database name of at most 63 bytes', value);
  return value;
}

export function checkCollectionName(value: string | undefined, hint?: string): string {
  if (value === undefined || value === '') {
    fail('--collection', hint ? `a collection name (${hint})` : 'a collection name', value);
  }
  if (value.includes('$') || value.includes('\0'))
    fail('--collection', 'a collection name without $ or NUL', value);
  if (value.startsWith('system.'))
    fail('--collection', 'a collection name not starting with "system."', value);
  if (value.startsWith('.') || value.endsWith('.')) {
    fail('--collection', 'a collection name that neither starts nor ends with "."', value);
  }
  return value;
}

function checkModel(value: string): { specifier: string; exportName?: string } {
  const hash = value.lastIndexOf('#');
  const specifier = hash < 0 ? value : value.slice(0, hash);
  const exportName = hash < 0 ? undefined : value.slice(hash + 1);
  if (specifier.trim() === '') fail('--model', 'a module path, optionally followed by #exportName', value);
  if (exportName !== undefined && !/^[A-Za-z_$][\w$]*$/.test(exportName)) {
    fail('--model', 'an export name after # (a JavaScript identifier)', value);
  }
  return exportName === undefined ? { specifier } : { specifier, exportName };
}

/** The format from the file's extension, as the source would pick it. */
function formatOf(file: string): SourceFormat {
  try {
    return sourceFormat(file);
  } catch {
    return fail(
      '--format',
      `one of ${FORMATS.join(', ')} (the extension of the file does not tell)`,
      undefined,
    );
  }
}

function checkDelimiter(value: string): string {
  const delimiter = value === '\\t' || value === 'tab' ? '\t' : value;
  if ([...delimiter].length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    fail('--delimiter', 'one character other than a quote or a line break (\\t for a tab)', value);
  }
  return delimiter;
}

function checkColumns(value: string): string[] {
  const columns = value.split(',').map((column) => column.trim());
  if (columns.some((column) => column === ''))
    fail('--columns', 'comma-separated field names, none empty', value);
  if (new Set(columns).size !== columns.length) fail('--columns', 'field names without repeats', value);
  return columns;
}

function checkTypes(value: string): Record<string, CsvColumnType> {
  const types: Record<string, CsvColumnType> = {};
  for (const entry of value.split(',')) {
    const colon = entry.lastIndexOf(':');
    const field = entry.slice(0, colon).trim();
    const type = entry.slice(colon + 1).trim();
    if (colon < 1 || field === '' || !(CSV_TYPES as readonly string[]).includes(type)) {
      fail('--types', `comma-separated field:type pairs, each type one of ${CSV_TYPES.join(', ')}`, value);
    }
    types[field] = type as CsvColumnType;
  }
  return types;
}

function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[]): T {
  if (value === undefined || !(allowed as readonly string[]).includes(value)) {
    fail(option, `one of ${allowed.join(', ')}`, value);
  }
  return value as T;
}

function checkFields(value: string): string[] {
  const fields = value.split(',').map((field) => field.trim());
  if (fields.some((field) => field === ''))
    fail('--upsert-fields', 'comma-separated field names, none empty', value);
  return [...new Set(fields)];
}

function integer(option: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) fail(option, `an integer from ${min} to ${max}`, value);
  return n;
}

function seconds(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n > 86_400) fail(option, 'a number of seconds from 0 to 86400', value);
  return n;
}

function path(option: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '') fail(option, 'a file path', value);
  return value;
}

function extendedJson(option: string, value: string): Document {
  let parsed: unknown;
  try {
    parsed = BSON.EJSON.parse(value, { relaxed: true });
  } catch {
    fail(option, 'a JSON object (Extended JSON allowed)', value);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    fail(option, 'a JSON object (Extended JSON allowed)', value);
  }
  return parsed as Document;
}
