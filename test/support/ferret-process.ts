/**
 * A FerretDB server of a test's own, as a child process on a data directory and port the test
 * owns, so it can be SIGKILLed mid-write and started again on the same data. Loopback only; the
 * child is killed when the test process exits, and `stop()` removes nothing the caller did not ask.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { MongoClient } from 'mongodb';
import { ferretArgs, ferretBinary, freePort } from '../../scripts/server.js';

export { ferretBinary };

export interface FerretProcess {
  readonly port: number;
  readonly dataDir: string;
  /** `mongodb://127.0.0.1:<port>/` */
  readonly uri: string;
  readonly pid: number | undefined;
  /** SIGKILL: no shutdown, no flush. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts the server again on the same data dir and port; resolves once it answers. */
  restart(): Promise<void>;
  /** SIGTERM (SIGKILL after 5 s). The data dir is left to the caller. */
  stop(): Promise<void>;
}

export interface FerretOptions {
  readonly dataDir: string;
  /** @default a free port */
  readonly port?: number;
  /** @default ferretBinary() */
  readonly binary?: string;
  /** Give up waiting for the server to answer after this long. @default 15_000 */
  readonly startTimeoutMs?: number;
}

const alive = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of alive) child.kill('SIGKILL');
});

export async function startFerret(options: FerretOptions): Promise<FerretProcess> {
  const binary = options.binary ?? ferretBinary();
  if (!binary) throw new Error('no FerretDB binary (FERRETDB_BIN, .cache/ferretdb-v1.24.2/, or PATH)');
  const port = options.port ?? (await freePort());
  const { dataDir } = options;
  const uri = `mongodb://127.0.0.1:${port}/`;
  let child: ChildProcess | undefined;

  const launch = async () => {
    const started = spawn(binary, ferretArgs(dataDir, port), { stdio: ['ignore', 'ignore', 'pipe'] });
    child = started;
    alive.add(started);
    started.once('exit', () => alive.delete(started));
    let stderr = '';
    started.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    const deadline = Date.now() + (options.startTimeoutMs ?? 15_000);
    while (Date.now() < deadline) {
      if (started.exitCode !== null || started.signalCode !== null) {
        throw new Error(`FerretDB exited (${started.exitCode ?? started.signalCode}): ${stderr.trim()}`);
      }
      const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
      try {
        await client.db('admin').command({ ping: 1 });
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        await client.close().catch(() => {});
      }
    }
    started.kill('SIGKILL');
    throw new Error(`FerretDB did not answer on port ${port} within ${options.startTimeoutMs ?? 15_000} ms`);
  };

  const exitOf = (c: ChildProcess) =>
    c.exitCode !== null || c.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => c.once('exit', () => resolve()));

  await launch();
  return {
    port,
    dataDir,
    uri,
    get pid() {
      return child?.pid;
    },
    async kill() {
      if (!child) return;
      const exited = exitOf(child);
      child.kill('SIGKILL');
      await exited;
    },
    async restart() {
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = exitOf(child);
        child.kill('SIGKILL');
        await exited;
      }
      await launch();
    },
    async stop() {
      if (!child) return;
      const c = child;
      const exited = exitOf(c);
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
