/**
 * The inputs of one import: paths, or patterns we expand ourselves (`'data/*.ndjson'`, so that a
 * quoted pattern works, as in a Kubernetes spec where no shell expands it). A pattern is `*` (any
 * characters) and `?` (one character) in the file name only: one directory level, no `**`, no
 * `[…]`, and names starting with a dot match only a pattern starting with one (as in a shell).
 * A pattern skips dead-letter files (`….rejected.ndjson`, what an import run in the data directory
 * leaves there) unless it names them itself: a second run of `'*.ndjson'` must not import them.
 * Expansion checks every file before anything is written: a missing file is a usage error.
 */
import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { sourceFormat } from '../stream/sources/open-source.js';

/** True when `arg` is a pattern to expand (a `*` or `?` in its file name). */
export function isPattern(arg: string): boolean {
  return /[*?]/.test(basename(arg));
}

/** True when the inputs are a list of files (several paths, or a pattern), not one file. */
export function isFileList(args: readonly string[]): boolean {
  return args.length > 1 || args.some(isPattern);
}

/** `data-*.ndjson` → a regular expression matching whole file names. */
export function patternRegExp(pattern: string): RegExp {
  const body = [...pattern]
    .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern.startsWith('.') ? '' : '(?!\\.)'}${body}$`);
}

/**
 * Usage problems of the inputs that need no I/O: empty arguments, a pattern in a directory name,
 * a checkpoint file for several files (each file has its own checkpoint, in the target db), and,
 * without `--format`, files whose extensions give different formats (one import reads one format).
 */
export function checkInputArgs(
  args: readonly string[],
  raw: { readonly format?: string; readonly checkpoint?: string | false },
  problems: string[],
): void {
  for (const arg of args)
    if (arg.trim() === '') problems.push('<file>: expected a path to a file, received an empty string');
    else if (/[*?]/.test(dirname(arg)))
      problems.push(
        `<file>: expected * and ? in the file name only (one directory level), received ${JSON.stringify(arg)}`,
      );
  if (isFileList(args) && typeof raw.checkpoint === 'string')
    problems.push(
      '--checkpoint: expected the default (a collection in the target db) with several files: each file keeps its own checkpoint',
    );
  if (raw.format !== undefined || args.length < 2) return;
  const formats = new Set(args.map((arg) => formatOrUndefined(arg) ?? '?'));
  if (formats.size > 1)
    problems.push(
      `--format: expected with files of different kinds (one import reads one format), received ${args.join(' ')}`,
    );
}

function formatOrUndefined(path: string): string | undefined {
  try {
    return sourceFormat(path);
  } catch {
    return undefined;
  }
}

/**
 * The files the inputs name: absolute paths, each once, sorted (the order one process imports
 * them in). `problems` lists every input that is not a readable regular file, every pattern that
 * matches none, and two files with the same name (their default dead-letter files would collide).
 */
export async function expandInputs(
  args: readonly string[],
): Promise<{ readonly files: readonly string[]; readonly problems: readonly string[] }> {
  const problems: string[] = [];
  const found = new Set<string>();
  for (const arg of args) {
    if (!isPattern(arg)) {
      const problem = await unreadable(resolve(arg));
      if (problem) problems.push(`<file>: cannot read ${resolve(arg)}: ${problem}`);
      else found.add(resolve(arg));
      continue;
    }
    const dir = resolve(dirname(arg));
    const match = patternRegExp(basename(arg));
    const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      problems.push(`<file>: cannot read the directory ${dir} of ${JSON.stringify(arg)}: ${reason(error)}`);
      return undefined;
    });
    if (!names) continue;
    let matched = 0;
    const ownDeadLetters = !/rejected/.test(basename(arg));
    for (const name of names.filter((n) => match.test(n)).sort()) {
      if (ownDeadLetters && name.endsWith('.rejected.ndjson')) continue;
      const path = join(dir, name);
      if ((await unreadable(path)) === 'not a regular file') continue; // a directory that matches
      matched++;
      found.add(path);
    }
    if (matched === 0)
      problems.push(`<file>: expected ${JSON.stringify(arg)} to match a file, received none`);
  }
  const files = [...found].sort();
  const byName = new Map<string, string>();
  for (const file of files) {
    const other = byName.get(basename(file));
    if (other)
      problems.push(
        `<file>: expected files with different names (each file's dead-letter file is named after it), received ${other} and ${file}`,
      );
    byName.set(basename(file), file);
  }
  return { files, problems };
}

async function unreadable(path: string): Promise<string | undefined> {
  try {
    if (!(await stat(path)).isFile()) return 'not a regular file';
    await access(path, constants.R_OK);
    return undefined;
  } catch (error) {
    return reason(error as NodeJS.ErrnoException);
  }
}

function reason(error: NodeJS.ErrnoException): string {
  return error.code === 'ENOENT'
    ? 'no such file'
    : error.code === 'EACCES'
      ? 'permission denied'
      : error.message;
}
