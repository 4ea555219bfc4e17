/** readCsv's options, checked before anything is read. */
import type * as z from 'zod/v4/core';
import { optionError, positiveInteger } from '../../core/option-error.js';
import {
  CSV_COLUMN_TYPES,
  type CsvColumn,
  type CsvColumnType,
  type HeaderSettings,
  toColumns,
} from './csv-columns.js';
import { timeZone, UTC } from './time-zone.js';

export interface CsvOptions {
  /** @default ',' */
  readonly delimiter?: string;
  /** The field names, for a file without a header row: every row is then data. */
  readonly columns?: readonly string[];
  /** Types of columns, by header name; wins over types inferred from `schema`. Untyped columns are strings. */
  readonly types?: Readonly<Record<string, CsvColumnType>>;
  /**
   * A Zod object schema to infer column types from: number, boolean and date fields are converted,
   * object and array fields parsed as JSON, optional/nullable/default unwrapped. An empty cell is
   * left out for an optional field and for any non-string one, `null` for a nullable one.
   */
  readonly schema?: z.$ZodObject;
  /**
   * Longest record accepted, in bytes; a longer one ends the source (see above).
   * @default 17 MiB
   */
  readonly maxRecordBytes?: number;
  /**
   * The zone of date text that names none (`2024-01-02 10:00`): an IANA name (`Europe/Paris`) or a
   * UTC offset (`+05:30`). Never the machine's local zone. @default 'UTC'
   */
  readonly timeZone?: string;
  /** Header cells (or `columns`) carry mongoimport types: `age.int32()`, `born.date(2006-01-02)`. @default false */
  readonly columnsHaveTypes?: boolean;
  /** Leave every empty cell out of the document. @default false */
  readonly ignoreBlanks?: boolean;
}

const DEFAULT_MAX_RECORD_BYTES = 17 * 1024 * 1024;

export interface ResolvedCsvOptions {
  readonly delimiter: string;
  readonly explicitColumns: CsvColumn[] | undefined;
  readonly header: HeaderSettings;
  readonly maxRecordBytes: number;
}

export function resolveCsvOptions(options: CsvOptions): ResolvedCsvOptions {
  const { delimiter = ',', columns, types, schema } = options;
  if (typeof delimiter !== 'string' || delimiter.length === 0) {
    throw optionError('delimiter', 'a non-empty string', delimiter);
  }
  if (columns !== undefined && (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string'))) {
    throw optionError('columns', 'an array of strings', columns);
  }
  if (types !== undefined) {
    if (typeof types !== 'object' || types === null) throw optionError('types', 'an object', types);
    for (const [name, type] of Object.entries(types)) {
      if (!(CSV_COLUMN_TYPES as readonly string[]).includes(type))
        throw optionError(`types.${name}`, `one of ${CSV_COLUMN_TYPES.join(', ')}`, type);
    }
  }
  if (schema !== undefined && (schema as Partial<z.$ZodType>)._zod?.def.type !== 'object') {
    throw optionError('schema', 'a Zod object schema', schema);
  }
  const maxRecordBytes = positiveInteger('maxRecordBytes', options.maxRecordBytes, DEFAULT_MAX_RECORD_BYTES);
  const zone = options.timeZone === undefined ? UTC : timeZone(options.timeZone);
  const header: HeaderSettings = {
    types,
    schema,
    zone,
    typedHeader: options.columnsHaveTypes === true,
    ignoreBlanks: options.ignoreBlanks === true,
  };
  let explicitColumns: CsvColumn[] | undefined;
  if (columns) {
    const checked = toColumns(columns, header);
    if ('problem' in checked)
      throw optionError('columns', `usable field names (${checked.problem})`, columns);
    explicitColumns = checked.columns;
  }
  return { delimiter, explicitColumns, header, maxRecordBytes };
}
