/** What the command line asks for, once parsed and checked: the commands main.ts runs. */
import type { Document } from 'mongodb';
import type { CsvColumnType } from '../stream/sources/csv.js';
import type { SourceFormat } from '../stream/sources/open-source.js';
import type { StreamMode } from '../stream/types.js';
import type { ImportExtras } from './import-extras.js';
import type { Shares } from './shares-args.js';

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
  /** Every input as given: paths, or patterns (several: see import-files.ts); `file` is the first. */
  readonly files: readonly string[];
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
