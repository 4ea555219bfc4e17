/**
 * The implementations that run as their own process: mongoimport, the bulkwright CLI (compiled or
 * under tsx), and the plain Node loop. Each returns the command line; measure.ts measures it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface Target {
  readonly uri: string;
  readonly dbName: string;
  readonly collection: string;
  readonly file: string;
}

export interface Command {
  readonly command: string;
  readonly args: readonly string[];
}

export type ChildId =
  | 'mongoimport-j1'
  | 'mongoimport-j4'
  | 'bulkwright-cli'
  | 'bulkwright-cli-c1'
  | 'bulkwright-cli-tsx'
  | ShareId
  | 'plain-loop';

/** The compiled CLI as 1, 2 or 4 shares (`--workers`), writing or `--dry-run` (parse and validate only). */
export type ShareId =
  | 'bulkwright-cli-w2'
  | 'bulkwright-cli-w4'
  | 'bulkwright-cli-dry'
  | 'bulkwright-cli-dry-w2'
  | 'bulkwright-cli-dry-w4';

/** The extra CLI arguments of a share variant. */
function shareArgs(id: ChildId): string[] {
  const workers = /-w(\d)$/.exec(id)?.[1];
  return [...(id.includes('-dry') ? ['--dry-run'] : []), ...(workers ? ['--workers', workers] : [])];
}

/** MONGOIMPORT_BIN, then mongoimport on PATH, then .cache/bin/mongoimport (a local build). */
export function findMongoimport(): string | undefined {
  const fromEnv = process.env.MONGOIMPORT_BIN;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  const which = spawnSync('sh', ['-c', 'command -v mongoimport'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  const cached = join(root, '.cache', 'bin', 'mongoimport');
  return existsSync(cached) ? cached : undefined;
}

export function mongoimportVersion(bin: string): string {
  const out = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return (out.stdout || out.stderr).split('\n').slice(0, 3).join('; ').trim();
}

// In this checkout's node_modules, not in .cache: .cache may be a symlink shared by several
// checkouts, and two benchmarks running at once must never run each other's CLI.
export const DIST_DIR = join(root, 'node_modules', '.cache', 'bench-dist');

/**
 * Compiles src/ into node_modules/.cache/bench-dist (not dist/, which belongs to `npm run build`), so the CLI
 * runs as users run it: plain JavaScript, no loader. Returns the entry point, or a reason.
 */
export function buildCli(): { main: string } | { error: string } {
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  const out = spawnSync(
    tsc,
    [
      '-p',
      'tsconfig.build.json',
      '--outDir',
      DIST_DIR,
      '--declaration',
      'false',
      '--declarationMap',
      'false',
      '--sourceMap',
      'false',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  const main = join(DIST_DIR, 'cli', 'main.js');
  // tsc emits even when it reports type errors; a build is usable if the entry point exists.
  if (existsSync(main)) return { main };
  return { error: `tsc exited ${out.status}: ${(out.stdout + out.stderr).trim().split('\n')[0] ?? ''}` };
}

/** tsx's loader by URL, so a child started in another directory finds it. */
export const TSX = import.meta.resolve('tsx');

const BATCH = '1000';

export function childCommand(
  id: ChildId,
  t: Target,
  env: { mongoimport?: string; cliMain?: string },
): Command {
  switch (id) {
    case 'mongoimport-j1':
    case 'mongoimport-j4':
      return {
        command: env.mongoimport!,
        args: [
          `--uri=${t.uri}`,
          `--db=${t.dbName}`,
          `--collection=${t.collection}`,
          `--file=${t.file}`,
          '--type=json',
          `--numInsertionWorkers=${id === 'mongoimport-j1' ? 1 : 4}`,
          '--quiet',
        ],
      };
    case 'bulkwright-cli':
    case 'bulkwright-cli-w2':
    case 'bulkwright-cli-w4':
    case 'bulkwright-cli-dry':
    case 'bulkwright-cli-dry-w2':
    case 'bulkwright-cli-dry-w4':
    case 'bulkwright-cli-c1':
    case 'bulkwright-cli-tsx': {
      // The CLI at its shipped defaults (batches of 1,000, 2 in flight); the -c1 row: one at a time.
      const cliArgs = [
        'import',
        t.file,
        '--uri',
        t.uri,
        '--db',
        t.dbName,
        '--collection',
        t.collection,
        '--unordered',
        '--batch-size',
        BATCH,
        ...(id === 'bulkwright-cli-c1' ? ['--concurrency', '1'] : []),
        '--quiet',
        '--json',
        ...shareArgs(id),
      ];
      return id !== 'bulkwright-cli-tsx'
        ? { command: process.execPath, args: [env.cliMain!, ...cliArgs] }
        : {
            command: process.execPath,
            args: ['--import', TSX, join(root, 'src', 'cli', 'main.ts'), ...cliArgs],
          };
    }
    case 'plain-loop':
      return {
        command: process.execPath,
        args: [join(root, 'bench', 'plain-loop.mjs'), t.file, t.uri, t.dbName, t.collection, BATCH],
      };
  }
}
