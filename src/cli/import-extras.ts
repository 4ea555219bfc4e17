/**
 * The import options that came with mongoimport parity (issue 17), kept out of args.ts: the zone
 * of zone-less dates, typed headers, a header kept in a file, blank cells left out, and the
 * deadline of one batch. `--fields-file` is read here, the one file read before the import starts,
 * so its names are checked with the other options.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_BATCH_TIMEOUT_MS } from '../plan/options.js';
import { timeZone } from '../stream/sources/time-zone.js';
import { fieldNameProblems } from './field-names.js';

export interface RawImportExtras {
  timezone?: string;
  columnsHaveTypes?: boolean;
  fieldsFile?: string;
  ignoreBlanks?: boolean;
  batchTimeout?: string;
}

export interface ImportExtras {
  /** CSV: the zone of date text without one (IANA name or UTC offset); absent: UTC. */
  readonly timeZone?: string;
  /** CSV: header cells (or --columns / --fields-file) carry mongoimport types, `age.int32()`. */
  readonly columnsHaveTypes: boolean;
  /** CSV: leave empty cells out of the document. */
  readonly ignoreBlanks: boolean;
  /** Longest wait for one batch's reply, in ms. */
  readonly batchTimeoutMs: number;
}

export function addImportExtras(command: Command): Command {
  return command
    .option(
      '--timezone <zone>',
      'CSV: zone of dates written without one: an IANA name or a UTC offset (default: UTC)',
    )
    .option(
      '--columns-have-types',
      "CSV: the header's cells carry mongoimport types, e.g. age.int32(), born.date(2006-01-02)",
    )
    .option('--fields-file <file>', 'CSV without a header row: a file naming the fields, one per line')
    .option('--ignore-blanks', 'CSV: leave empty cells out of the document')
    .option(
      '--batch-timeout <seconds>',
      `seconds to wait for the server's reply to one batch before counting it lost (default: ${DEFAULT_BATCH_TIMEOUT_MS / 1000})`,
    );
}

/**
 * Checks the extras and every field name given on the command line. Pushes problems; returns
 * the extras and the field list (from `--columns` or `--fields-file`).
 */
export function checkImportExtras(
  raw: RawImportExtras & { columns?: string; types?: string; upsertFields?: string },
  format: string | undefined,
  columns: readonly string[] | undefined,
  problems: string[],
): { extras: ImportExtras; columns: readonly string[] | undefined } {
  const typed = raw.columnsHaveTypes === true;
  let fields = columns;
  if (raw.fieldsFile !== undefined) {
    if (raw.columns !== undefined)
      problems.push('--fields-file: expected instead of --columns, received both');
    else fields = readFieldsFile(raw.fieldsFile, problems);
  }
  if (fields)
    problems.push(
      ...fieldNameProblems(raw.fieldsFile !== undefined ? '--fields-file' : '--columns', fields, typed),
    );
  if (raw.types !== undefined) {
    if (typed)
      problems.push(
        '--types: expected without --columns-have-types (the header carries the types), received both',
      );
    const names = raw.types.split(',').map((entry) => entry.slice(0, entry.lastIndexOf(':')).trim());
    problems.push(
      ...fieldNameProblems(
        '--types',
        names.filter((name) => name !== ''),
      ),
    );
  }
  if (raw.upsertFields !== undefined) {
    const names = raw.upsertFields.split(',').map((name) => name.trim());
    problems.push(
      ...fieldNameProblems(
        '--upsert-fields',
        names.filter((name) => name !== ''),
      ),
    );
  }
  for (const [option, given] of [
    ['--timezone', raw.timezone],
    ['--columns-have-types', raw.columnsHaveTypes],
    ['--fields-file', raw.fieldsFile],
    ['--ignore-blanks', raw.ignoreBlanks],
  ] as const) {
    if (format !== undefined && format !== 'csv' && given !== undefined) {
      problems.push(`${option}: expected with CSV input, received --format ${format}`);
    }
  }
  if (raw.timezone !== undefined) {
    try {
      timeZone(raw.timezone);
    } catch {
      problems.push(
        `--timezone: expected an IANA time zone (e.g. Europe/Paris) or a UTC offset (e.g. +05:30), received ${JSON.stringify(raw.timezone)}`,
      );
    }
  }
  let batchTimeoutMs = DEFAULT_BATCH_TIMEOUT_MS;
  if (raw.batchTimeout !== undefined) {
    const seconds = /^\s*\d+(\.\d+)?\s*$/.test(raw.batchTimeout) ? Number(raw.batchTimeout) : Number.NaN;
    if (!(seconds >= 0.001 && seconds <= 86_400)) {
      problems.push(
        `--batch-timeout: expected a number of seconds from 0.001 to 86400, received ${JSON.stringify(raw.batchTimeout)}`,
      );
    } else batchTimeoutMs = Math.round(seconds * 1000);
  }
  return {
    extras: {
      ...(raw.timezone !== undefined ? { timeZone: raw.timezone } : {}),
      columnsHaveTypes: typed,
      ignoreBlanks: raw.ignoreBlanks === true,
      batchTimeoutMs,
    },
    columns: fields,
  };
}

/** One field a line, as mongoimport's --fieldFile; blank lines are skipped. */
function readFieldsFile(path: string, problems: string[]): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    problems.push(
      `--fields-file: expected a readable file, received ${JSON.stringify(path)} (${(error as Error).message})`,
    );
    return undefined;
  }
  const fields = text
    .replace(/^\ufeff/, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (fields.length === 0)
    problems.push(`--fields-file: expected at least one field name, received an empty file`);
  return fields;
}
