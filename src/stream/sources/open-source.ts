/** One entry point for the CLI: a path's extension (or `format`) picks the reader. */
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { invalidOption, optionError } from '../../core/option-error.js';
import type { SourceRecord } from '../types.js';
import type { TextInput } from './byte-chunks.js';
import { type CsvOptions, readCsv } from './csv.js';
import { type JsonArrayOptions, readJsonArray } from './json-array.js';
import { type NdjsonOptions, readNdjson } from './ndjson.js';
import { ownSource } from './own-source.js';

/** Every input format (one list for openSource and the CLI). */
export const SOURCE_FORMATS = ['ndjson', 'csv', 'json'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

/** The format, plus the options of every reader: each reader takes the ones it knows. */
export interface OpenSourceOptions extends NdjsonOptions, CsvOptions, JsonArrayOptions {
  /** Wins over the extension; required when the source is a stream. */
  readonly format?: SourceFormat;
}

const EXTENSIONS: Readonly<Record<string, SourceFormat>> = {
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.json': 'json',
  '.csv': 'csv',
};
const FORMATS: readonly string[] = ['ndjson', 'csv', 'json'];

/** Opens a file (or stream, with `format`) as a source of records. Throws before any I/O on bad options. */
export function openSource(input: TextInput, options: OpenSourceOptions = {}): AsyncGenerator<SourceRecord> {
  switch (sourceFormat(input, options.format)) {
    case 'ndjson':
      return readNdjson(input, options);
    case 'csv':
      return ownSource(readCsv(input, options));
    case 'json':
      return ownSource(readJsonArray(input, options));
  }
}

/** The format `openSource` would read `input` as. */
export function sourceFormat(input: TextInput, format?: SourceFormat): SourceFormat {
  if (format !== undefined) {
    if (!FORMATS.includes(format)) throw optionError('format', "'ndjson', 'csv' or 'json'", format);
    return format;
  }
  if (typeof input !== 'string') {
    throw optionError('format', "'ndjson', 'csv' or 'json' for a stream source", format);
  }
  const fromExtension = EXTENSIONS[extname(input).toLowerCase()];
  if (!fromExtension) {
    throw invalidOption(
      `Cannot tell the format of \`${input}\` from its extension: expected .ndjson, .jsonl, .json or .csv, or pass \`format\``,
    );
  }
  return fromExtension;
}

/** The file's size in bytes, for progress and ETA; `undefined` when it has none (a pipe, a FIFO). */
export async function sourceSize(path: string): Promise<number | undefined> {
  const stats = await stat(path);
  return stats.isFile() ? stats.size : undefined;
}
