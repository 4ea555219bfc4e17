/**
 * CSV through csv-parse's streaming parser, one record per row. The header row names the fields
 * (`address.city` nests), cells are typed from `types` or a Zod schema, and every row that cannot
 * be read surfaces as an error record at its line:
 * - a row with more or fewer fields than the header, a cell that does not convert: the row is
 *   reported and reading goes on;
 * - a bad quote: csv-parse skips the row (`skip_records_with_error`), reported from its `on_skip`
 *   hook. An opening quote that never closes swallows the rest of the file into one field (that is
 *   CSV's grammar): the error record's `raw` holds that text;
 * - a record longer than `maxRecordBytes` (a runaway quote, usually) ends the source with one error
 *   record, so memory stays bounded: the parser cannot resync inside a quoted field.
 */
import { Readable } from 'node:stream';
import type { CsvError } from 'csv-parse';
import type { SourceRecord } from '../types.js';
import { byteChunks, type TextInput } from './byte-chunks.js';
import { type CsvColumn, toColumns, toObject } from './csv-columns.js';
import { type CsvOptions, type ResolvedCsvOptions, resolveCsvOptions } from './csv-options.js';
import { countBreaks, countCrlf, LineTracker, trimBreaks } from './line-tracker.js';

export type { CsvColumnType } from './csv-columns.js';
export type { CsvOptions } from './csv-options.js';

/** Reads CSV. `position` is the line the record starts on, `raw` its text, `bytesRead` the bytes through it. */
export function readCsv(input: TextInput, options: CsvOptions = {}): AsyncGenerator<SourceRecord> {
  return read(input, resolveCsvOptions(options));
}

/** What the parser yields: a record, or a row it skipped, pushed in order from `on_skip`. */
type Parsed =
  | { record: string[]; raw: string; info: { lines: number; bytes: number } }
  | { skipped: CsvError; raw: string | undefined };

/** How much of a runaway record the error record keeps. */
const RUNAWAY_RAW_CHARS = 1024;

async function* read(input: TextInput, options: ResolvedCsvOptions): AsyncGenerator<SourceRecord> {
  // Loaded on first use: an NDJSON import never pays for the CSV parser (docs/performance.md).
  const { CsvError, parse } = await import('csv-parse');
  const parser = parse({
    delimiter: options.delimiter,
    bom: true,
    info: true,
    raw: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error, raw) => {
      if (error) parser.push({ skipped: error, raw } satisfies Parsed);
      return undefined;
    },
  });
  // Feeding stops once the bytes past the parser's last complete record pass the limit; the
  // parser then flushes the partial record, which becomes the source's last (error) record.
  let runaway = false;
  const lines = new LineTracker();
  async function* feed(): AsyncGenerator<Buffer> {
    let fed = 0;
    for await (const chunk of byteChunks(input)) {
      if (fed - parser.info.bytes > options.maxRecordBytes) {
        runaway = true;
        break;
      }
      fed += chunk.length;
      lines.push(chunk);
      yield chunk;
    }
    lines.end();
  }
  const source = Readable.from(feed());
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);

  const columns = options.explicitColumns;
  let last: SourceRecord | undefined;
  try {
    for await (const record of toRecords(parser as AsyncIterable<Parsed>, columns, options, lines)) {
      if (!runaway) {
        yield record;
        continue;
      }
      if (last) yield last;
      last = record;
    }
  } catch (error) {
    // Not a row's problem (those come as skips): the parser cannot go on.
    if (!(error instanceof CsvError)) throw error;
    yield {
      position: (last?.position ?? 0) + 1,
      error: { code: 'BW_PARSE_CSV', message: `${error.message}; the source ends here` },
    };
    return;
  } finally {
    source.destroy();
    parser.destroy();
  }
  if (runaway) {
    const message = `A record is longer than maxRecordBytes (${options.maxRecordBytes}), an unclosed quote most likely; CSV cannot resync inside a quoted field, so the source ends here (raw holds the record's start)`;
    yield {
      position: last?.position ?? 1,
      raw: last?.raw?.slice(0, RUNAWAY_RAW_CHARS) ?? '',
      error: { code: 'BW_PARSE_CSV', message },
    };
  }
}

/** Parser output to source records: the header read, rows checked and typed, skips merged. */
async function* toRecords(
  parsed: AsyncIterable<Parsed>,
  explicitColumns: CsvColumn[] | undefined,
  options: ResolvedCsvOptions,
  lines: LineTracker,
): AsyncGenerator<SourceRecord> {
  let columns = explicitColumns;
  // An error record carries its whole line(s) as in the file, whatever csv-parse had read of it.
  const wholeLines = (position: number, end: number, raw: string) => lines.lines(position, end) ?? raw;
  // csv-parse counts a CRLF inside a quoted field as two lines; this many extra so far.
  let extraLines = 0;
  let lastLine = 0;
  // csv-parse may report several errors for one row (a bad closing quote, then the quote left
  // open), each with the row's raw text so far: a skip is held until the next item shows whether
  // it continues the same row.
  let held: { position: number; raw: string; message: string; lines: unknown; end: number } | undefined;
  const release = (): SourceRecord[] => {
    if (!held) return [];
    const { position, raw, message, end } = held;
    held = undefined;
    return [{ position, raw: wholeLines(position, end, raw), error: { code: 'BW_PARSE_CSV', message } }];
  };
  for await (const item of parsed) {
    lines.discardBefore(held ? held.position : lastLine + 1);
    if ('skipped' in item) {
      const raw = trimBreaks(item.raw ?? '');
      // Only a report from the same line continues the held row: the next row can share its prefix.
      if (held && item.skipped.lines === held.lines && raw.startsWith(held.raw)) {
        extraLines += countCrlf(raw.slice(held.raw.length));
        held.raw = raw;
        continue;
      }
      yield* release();
      extraLines += countCrlf(raw);
      lastLine = Number(item.skipped.lines ?? lastLine + 1) - extraLines;
      held = {
        position: lastLine - countBreaks(raw),
        raw,
        message: item.skipped.message,
        lines: item.skipped.lines,
        end: lastLine,
      };
      continue;
    }
    yield* release();
    const raw = trimBreaks(item.raw);
    extraLines += countCrlf(raw);
    lastLine = item.info.lines - extraLines;
    const position = lastLine - countBreaks(raw);
    const bytesRead = item.info.bytes;
    if (!columns) {
      const header = toColumns(item.record, options.header);
      if ('problem' in header) {
        const message = `${header.problem}; no row can be read`;
        yield {
          position,
          raw: wholeLines(position, lastLine, raw),
          bytesRead,
          error: { code: 'BW_PARSE_CSV', message },
        };
        return;
      }
      columns = header.columns;
      continue;
    }
    if (item.record.length !== columns.length) {
      const message = `Expected ${columns.length} fields (as in the header), got ${item.record.length}`;
      yield {
        position,
        raw: wholeLines(position, lastLine, raw),
        bytesRead,
        error: { code: 'BW_PARSE_CSV', message },
      };
      continue;
    }
    const row = toObject(columns, item.record);
    if ('problem' in row)
      yield {
        position,
        raw: wholeLines(position, lastLine, raw),
        bytesRead,
        error: { code: 'BW_CSV_TYPE', message: row.problem },
      };
    else yield { position, raw, bytesRead, value: row.value };
  }
  yield* release();
}
