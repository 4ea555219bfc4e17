/**
 * Finds or starts the MongoDB-wire server that tests, examples, the demo and the benchmarks run
 * against. Order: MONGODB_URI; mongodb-memory-server (a real mongod as a one-node replica set);
 * FerretDB started from a local binary. No server is an error naming all three, never a skip.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';

export interface RunningServer {
  uri: string;
  /** One line for logs: which server, which version, how it was found. */
  description: string;
  kind: 'external' | 'mongodb-memory-server' | 'ferretdb';
  version: string;
  stop(): Promise<void>;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ferretVersion = 'v1.24.2';

export async function startServer(log: (line: string) => void = () => {}): Promise<RunningServer> {
  const tried: string[] = [];
  const fromEnv = process.env.MONGODB_URI;
  if (fromEnv) {
    const version = await serverVersion(fromEnv);
    return describe('external', fromEnv, version, async () => {});
  }
  tried.push('MONGODB_URI is not set');

  const memory = await tryMemoryServer();
  if (typeof memory !== 'string') return memory;
  tried.push(`mongodb-memory-server: ${memory}`);
  log(`mongodb-memory-server unavailable (${memory}); falling back to FerretDB`);

  const ferret = await tryFerretDb(log);
  if (typeof ferret !== 'string') return ferret;
  tried.push(`FerretDB: ${ferret}`);

  throw new Error(
    `No MongoDB-wire server for the tests. Tried, in order:\n  - ${tried.join('\n  - ')}\n` +
      'Set MONGODB_URI, or let mongodb-memory-server download mongod (needs internet, or MONGOMS_SYSTEM_BINARY), ' +
      'or build FerretDB with `bash scripts/test-server.sh` (or set FERRETDB_BIN).',
  );
}

function describe(
  kind: RunningServer['kind'],
  uri: string,
  version: string,
  stop: () => Promise<void>,
): RunningServer {
  const where = kind === 'external' ? `MONGODB_URI at ${redactUri(uri)}` : kind;
  return { uri, kind, version, description: `${version} (${where})`, stop };
}

/** Hides a password in a connection string so it can be printed. */
export function redactUri(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/)([^:@/]+):([^@/]*)@/, '$1$2:***@');
}

async function serverVersion(uri: string): Promise<string> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    return info.ferretdbVersion
      ? `FerretDB ${info.ferretdbVersion} (reports MongoDB ${info.version})`
      : `MongoDB ${info.version}`;
  } finally {
    await client.close();
  }
}

async function tryMemoryServer(): Promise<RunningServer | string> {
  if (process.env.BULKWRIGHT_SKIP_MEMORY_SERVER === '1') return 'skipped (BULKWRIGHT_SKIP_MEMORY_SERVER=1)';
  // mongodb-memory-server prints download stack traces through console.*; keep them out of the
  // run's output and report the cause in one line instead.
  const saved = { warn: console.warn, error: console.error, log: console.log };
  const quiet = () => {};
  console.warn = quiet;
  console.error = quiet;
  console.log = quiet;
  try {
    const { MongoMemoryReplSet } = await import('mongodb-memory-server');
    const replSet = await withTimeout(
      MongoMemoryReplSet.create({ replSet: { count: 1, storageEngine: 'wiredTiger' } }),
      60_000,
      'mongod did not start within 60 s',
    );
    const uri = replSet.getUri();
    const version = await serverVersion(uri);
    return describe('mongodb-memory-server', uri, version, async () => {
      await replSet.stop();
    });
  } catch (error) {
    return oneLine(error);
  } finally {
    Object.assign(console, saved);
  }
}

/** The FerretDB binary to start: FERRETDB_BIN, the one built into .cache/, or `ferretdb` on PATH. */
export function ferretBinary(): string | undefined {
  if (process.env.FERRETDB_BIN) return process.env.FERRETDB_BIN;
  const cached = join(root, '.cache', `ferretdb-${ferretVersion}`, 'ferretdb');
  if (existsSync(cached)) return cached;
  const which = spawnSync('sh', ['-c', 'command -v ferretdb'], { encoding: 'utf8' });
  return which.status === 0 ? which.stdout.trim() : undefined;
}

/** Builds FerretDB with scripts/test-server.sh (Go module proxy; ~90 s once, then cached). */
function buildFerretDb(log: (line: string) => void): string | undefined {
  log('no FerretDB binary yet: building it once with scripts/test-server.sh (about 90 s; cached in .cache/)');
  const built = spawnSync('bash', [join(root, 'scripts', 'test-server.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return built.status === 0 ? built.stdout.trim().split('\n').at(-1) : undefined;
}

async function tryFerretDb(log: (line: string) => void): Promise<RunningServer | string> {
  const bin = ferretBinary() ?? buildFerretDb(log);
  if (!bin) return 'no binary (FERRETDB_BIN, .cache/, ferretdb on PATH), and building one failed';
  const dataDir = mkdtempSync(join(tmpdir(), 'bulkwright-ferretdb-'));
  const port = await freePort();
  const child = spawn(bin, ferretArgs(dataDir, port), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await withTimeout(exited, 5000, 'FerretDB did not stop').catch(() => child.kill('SIGKILL'));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const uri = `mongodb://127.0.0.1:${port}/`;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      return `exited with code ${child.exitCode}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
    }
    try {
      const version = await serverVersion(`${uri}?serverSelectionTimeoutMS=500`);
      return describe('ferretdb', uri, version, stop);
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await stop();
  return 'did not accept connections within 15 s';
}

/** FerretDB's command line: SQLite in `dataDir`, loopback only, no telemetry, no debug listener. */
export function ferretArgs(dataDir: string, port: number): string[] {
  return [
    '--handler=sqlite',
    // FerretDB writes a state.json into its state dir (the cwd by default): keep it in the data dir.
    `--state-dir=${dataDir}`,
    `--sqlite-url=file:${dataDir}/`,
    `--listen-addr=127.0.0.1:${port}`,
    '--telemetry=disable',
    '--debug-addr=-',
    '--log-level=error',
  ];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.slice(0, 300);
}
