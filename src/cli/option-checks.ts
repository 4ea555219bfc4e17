/**
 * One check per option value: each turns a string into a resolved value or throws an
 * `OptionError` naming the option, what was expected and what was received (redacted).
 */
import { BSON, type Document } from 'mongodb';
import { CSV_COLUMN_TYPES, type CsvColumnType } from '../stream/sources/csv-columns.js';
import { SOURCE_FORMATS, type SourceFormat, sourceFormat } from '../stream/sources/open-source.js';
import { REDACTED, redactUri } from './redact.js';

/** One option's problem, caught and collected by the command's checker. */
export class OptionError extends Error {}

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

export function checkModel(value: string): { specifier: string; exportName?: string } {
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
export function formatOf(file: string): SourceFormat {
  try {
    return sourceFormat(file);
  } catch {
    return fail(
      '--format',
      `one of ${SOURCE_FORMATS.join(', ')} (the extension of the file does not tell)`,
      undefined,
    );
  }
}

export function checkDelimiter(value: string): string {
  const delimiter = value === '\\t' || value === 'tab' ? '\t' : value;
  if ([...delimiter].length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    fail('--delimiter', 'one character other than a quote or a line break (\\t for a tab)', value);
  }
  return delimiter;
}

export function checkColumns(value: string): string[] {
  const columns = value.split(',').map((column) => column.trim());
  if (columns.some((column) => column === ''))
    fail('--columns', 'comma-separated field names, none empty', value);
  if (new Set(columns).size !== columns.length) fail('--columns', 'field names without repeats', value);
  return columns;
}

export function checkTypes(value: string): Record<string, CsvColumnType> {
  const types: Record<string, CsvColumnType> = {};
  for (const entry of value.split(',')) {
    const colon = entry.lastIndexOf(':');
    const field = entry.slice(0, colon).trim();
    const type = entry.slice(colon + 1).trim();
    if (colon < 1 || field === '' || !(CSV_COLUMN_TYPES as readonly string[]).includes(type)) {
      fail(
        '--types',
        `comma-separated field:type pairs, each type one of ${CSV_COLUMN_TYPES.join(', ')}`,
        value,
      );
    }
    types[field] = type as CsvColumnType;
  }
  return types;
}

export function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[]): T {
  if (value === undefined || !(allowed as readonly string[]).includes(value)) {
    fail(option, `one of ${allowed.join(', ')}`, value);
  }
  return value as T;
}

export function checkFields(value: string): string[] {
  const fields = value.split(',').map((field) => field.trim());
  if (fields.some((field) => field === ''))
    fail('--upsert-fields', 'comma-separated field names, none empty', value);
  return [...new Set(fields)];
}

export function integer(
  option: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) fail(option, `an integer from ${min} to ${max}`, value);
  return n;
}

export function seconds(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n > 86_400) fail(option, 'a number of seconds from 0 to 86400', value);
  return n;
}

export function path(option: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '') fail(option, 'a file path', value);
  return value;
}

export function extendedJson(option: string, value: string): Document {
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
