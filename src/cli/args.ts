/**
 * The command line: the commander program (program.ts) only parses; the checks here and in
 * check-export.ts turn the strings into resolved options (one check per value in
 * option-checks.ts). Nothing touches the network or reads an input file, so every usage mistake
 * is reported (all of them at once) before any I/O.
 */
import { CommanderError } from 'commander';
import { SOURCE_FORMATS, type SourceFormat } from '../stream/sources/open-source.js';
import { STREAM_MODES, type StreamMode } from '../stream/types.js';
import { checkExport } from './check-export.js';
import { collectProblems } from './collect-problems.js';
import { type CheckpointChoice, type CliCommand, type ImportCommand, UsageError } from './commands.js';
import { checkImportExtras } from './import-extras.js';
import { checkInputArgs } from './input-files.js';
import {
  checkCollectionName,
  checkColumns,
  checkDbName,
  checkDelimiter,
  checkFields,
  checkModel,
  checkTypes,
  checkUri,
  formatOf,
  integer,
  oneOf,
  path,
  seconds,
} from './option-checks.js';
import {
  buildProgram,
  DEFAULT_PROGRESS_INTERVAL_SECONDS,
  MAX_BATCH_SIZE,
  MAX_CONCURRENCY,
  type Parsed,
  type RawImportOptions,
} from './program.js';
import { redactUri } from './redact.js';
import { checkShares } from './shares-args.js';

export type {
  CheckpointChoice,
  CliCommand,
  ExitCommand,
  ExportCommand,
  ImportCommand,
  SourceFormat,
} from './commands.js';
export { UsageError };

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
    ? checkImport(parsed.files, parsed.options, env)
    : checkExport(parsed.options, env);
}

function checkImport(files: readonly string[], raw: RawImportOptions, env: NodeJS.ProcessEnv): ImportCommand {
  const { problems, check } = collectProblems();
  const file = files[0] ?? '';
  checkInputArgs(files, raw, problems); // several files: see input-files.ts
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
      : check(() => oneOf('--format', raw.format, SOURCE_FORMATS));
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
  const mode = check(() => oneOf('--mode', raw.mode ?? 'insert', STREAM_MODES));
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
    files,
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
