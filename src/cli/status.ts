/**
 * `bulkwright status <file> --uri … --db … --collection …`: what every share's checkpoint says
 * (position, records, last update, finished or not) and the whole import's progress, read from the
 * checkpoint documents in the target database. Exit code 0 when there are checkpoints, 1 when the
 * import has none, 2 on a usage or connection error.
 */
import { stat } from 'node:fs/promises';
import { MongoClient } from 'mongodb';
import { type ShareCheckpoint, shareCheckpoints } from '../stream/share-checkpoint.js';
import { importIdOf } from './import-share.js';
import { expandInputs, isFileList } from './input-files.js';
import { checkCollectionName, checkDbName, checkUri } from './option-checks.js';
import type { Output as FullOutput } from './output.js';
import { formatBytes, formatCount, formatDuration } from './progress.js';
import { statusOfFiles } from './status-files.js';

type Output = Pick<FullOutput, 'out' | 'err'>;

const USAGE =
  'usage: bulkwright status <file...> [--uri <uri>] --db <name> --collection <name> [--json]\n' +
  "Shows each share's checkpoint of the import of <file> into db.collection, and the whole import's progress.\n" +
  'Several files (paths, or a quoted pattern such as data/*.ndjson): the state of each file, then of all.';

export async function runStatus(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  output: Output,
): Promise<number> {
  const args = parseStatusArgs(argv, env);
  if ('help' in args) {
    output.out(USAGE);
    return 0;
  }
  if ('problems' in args) {
    for (const problem of args.problems) output.err(`bulkwright: ${problem}`);
    output.err(USAGE);
    return 2;
  }
  const list = isFileList(args.files) ? await expandInputs(args.files) : undefined;
  if (list && list.problems.length > 0) {
    for (const problem of list.problems) output.err(`bulkwright: ${problem}`);
    return 2;
  }
  const client = new MongoClient(args.uri, { serverSelectionTimeoutMS: 10_000, appName: 'bulkwright' });
  try {
    await client.connect();
    if (list) return await statusOfFiles(client.db(args.db), list.files, args, output);
    const importId = importIdOf(args.files[0]!, args.db, args.collection);
    const shares = await shareCheckpoints(client.db(args.db), importId);
    const size = await stat(importId.slice(0, importId.lastIndexOf('|'))).then(
      (s) => s.size,
      () => undefined,
    );
    const view = statusView(shares, size);
    output.out(args.json ? JSON.stringify({ import: importId, ...view }) : statusText(importId, view));
    return shares.length > 0 ? 0 : 1;
  } catch (error) {
    output.err(`bulkwright: status failed: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  } finally {
    await client.close().catch(() => {});
  }
}

type StatusArgs =
  | { files: string[]; uri: string; db: string; collection: string; json: boolean }
  | { problems: string[] }
  | { help: true };

function parseStatusArgs(argv: readonly string[], env: NodeJS.ProcessEnv): StatusArgs {
  const values: Record<string, string> = {};
  const files: string[] = [];
  const problems: string[] = [];
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--json') json = true;
    else if (['--uri', '--db', '--collection'].includes(arg)) values[arg] = argv[++i] ?? '';
    else if (arg.startsWith('--')) problems.push(`unknown option ${arg}`);
    else files.push(arg);
  }
  if (files.length === 0) problems.push('<file>: expected an input file (or several), received none');
  const check = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      problems.push((error as Error).message);
      return undefined;
    }
  };
  const uri = check(() => checkUri(values['--uri'], env));
  const db = check(() => checkDbName(values['--db']));
  const collection = check(() => checkCollectionName(values['--collection']));
  if (problems.length > 0) return { problems };
  return { files, uri: uri!, db: db!, collection: collection!, json };
}

export interface ShareStatus {
  readonly share: string;
  readonly unit: 'bytes' | 'records';
  readonly position: number;
  /** Share of the byte range done, 0 to 1, for a byte-range share. */
  readonly done?: number;
  readonly written: number;
  readonly rejected: number;
  readonly finished: boolean;
  readonly updatedAt: string;
}

export interface StatusView {
  readonly counts: readonly number[];
  readonly shares: readonly ShareStatus[];
  readonly finished: number;
  readonly notStarted: number;
  readonly written: number;
  readonly rejected: number;
  /** Of the whole file, 0 to 1, when every share is a byte range and the size is known. */
  readonly done?: number;
  readonly size?: number;
}

export function statusView(checkpoints: readonly ShareCheckpoint[], size: number | undefined): StatusView {
  const counts = [...new Set(checkpoints.map((c) => c.count))];
  const count = counts.at(-1) ?? 0;
  const current = checkpoints.filter((c) => c.count === count);
  let covered = 0;
  const shares = current.map((c): ShareStatus => {
    const range = c.start !== undefined && c.end !== undefined ? c.end - c.start : undefined;
    const through = c.finished ? range : Math.max(0, c.position - 1 - (c.start ?? 0));
    const done = range === undefined ? undefined : range === 0 ? 1 : Math.min(1, (through ?? 0) / range);
    if (range !== undefined) covered += c.finished ? range : Math.min(range, through ?? 0);
    return {
      share: `${c.index}/${c.count}`,
      unit: c.unit,
      position: c.position,
      ...(done !== undefined ? { done } : {}),
      written: c.written,
      rejected: c.rejected,
      finished: c.finished,
      updatedAt: c.updatedAt.toISOString(),
    };
  });
  const bytes = current.length > 0 && current.every((c) => c.unit === 'bytes');
  return {
    counts,
    shares,
    finished: current.filter((c) => c.finished).length,
    notStarted: count - current.length,
    written: current.reduce((sum, c) => sum + c.written, 0),
    rejected: current.reduce((sum, c) => sum + c.rejected, 0),
    ...(bytes && size !== undefined ? { done: size === 0 ? 1 : covered / size, size } : {}),
  };
}

export function statusText(importId: string, view: StatusView, now = Date.now()): string {
  if (view.shares.length === 0) return `bulkwright status: no checkpoint for ${importId}`;
  const count = view.counts.at(-1)!;
  const lines = [
    `bulkwright status: ${importId}`,
    `  ${count} share${count === 1 ? '' : 's'}: ${view.finished} finished, ${view.shares.length - view.finished} started and not finished, ${view.notStarted} not started`,
    `  ${'share'.padEnd(8)}${'position'.padStart(16)}${'done'.padStart(7)}${'written'.padStart(12)}${'rejected'.padStart(10)}  last update`,
  ];
  for (const s of view.shares) {
    const position =
      s.unit === 'bytes'
        ? `byte ${formatCount(Math.max(0, s.position - 1))}`
        : `record ${formatCount(s.position)}`;
    const done = s.done === undefined ? '' : `${Math.floor(s.done * 100)}%`;
    const age = formatDuration(now - Date.parse(s.updatedAt));
    lines.push(
      `  ${s.share.padEnd(8)}${position.padStart(16)}${done.padStart(7)}${formatCount(s.written).padStart(12)}${formatCount(s.rejected).padStart(10)}  ${s.updatedAt} (${age} ago)${s.finished ? '  finished' : ''}`,
    );
  }
  const whole =
    view.done !== undefined ? `${(view.done * 100).toFixed(1)}% of ${formatBytes(view.size ?? 0)}, ` : '';
  lines.push(
    `  whole import: ${whole}${formatCount(view.written)} written, ${formatCount(view.rejected)} rejected`,
  );
  if (view.counts.length > 1)
    lines.push(`  (older checkpoints with ${view.counts.slice(0, -1).join(', ')} shares are also there)`);
  return lines.join('\n');
}
