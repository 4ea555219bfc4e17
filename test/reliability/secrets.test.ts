/**
 * Secrets: a connection string with `user:password@` (FerretDB's PLAIN auth takes any password)
 * must never show the password: not in library errors (message, stack, cause chain, inspect, JSON),
 * progress events, reports, dead-letter files, anything written to stdout/stderr, nor in the CLI's
 * output, also when the connection fails before or during a run. Every check greps for it.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bulkInsert, deadLetterFile, defineModel, streamInsert } from '../../src/index.js';
import { runCli, uriWithSecret } from '../support/cli.js';
import { useTestDb } from '../support/db.js';
import { drain } from '../support/drain.js';
import { startProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startScriptedServer } from '../support/wire-server.js';

const SECRET = 'Hunter2-s3cr3t-7c1e';
const t = useTestDb('rel_secrets');
let work: string;
let proxy: TcpProxy;

/** Everything an error can show, its causes included. */
function everything(error: unknown): string {
  const parts = [String(error), inspect(error, { depth: 8, showHidden: true })];
  for (let e = error as { stack?: string; cause?: unknown } | undefined, i = 0; e && i < 6; i++) {
    parts.push(e.stack ?? '');
    try {
      parts.push(JSON.stringify(e));
    } catch {}
    e = e.cause as typeof e;
  }
  return parts.join('\n');
}

/** Captures what the process writes to stdout and stderr while `fn` runs. */
async function captured<T>(
  fn: () => Promise<T>,
): Promise<{ value: T | undefined; error: unknown; output: string }> {
  const chunks: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const spy = (chunk: unknown, ...rest: unknown[]) => {
    chunks.push(String(chunk));
    return (out as (...a: unknown[]) => boolean)(chunk, ...rest);
  };
  process.stdout.write = spy as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    chunks.push(String(chunk));
    return (err as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  try {
    return { value: await fn(), error: undefined, output: chunks.join('') };
  } catch (error) {
    return { value: undefined, error, output: chunks.join('') };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bulkwright-secrets-'));
  const [host, port] = /^mongodb:\/\/(?:[^@/]*@)?([^,/?]+)/.exec(t.uri)![1]!.split(':');
  proxy = await startProxy({ target: { host: host!, port: Number(port ?? 27017) }, lifetimeMs: 120_000 });
});
afterAll(async () => {
  await proxy?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const schema = z.object({ sku: z.string(), qty: z.number().int() });

describe('the library never shows the password', () => {
  it('a run that works, with rejected records: progress, report, dead-letter file', async () => {
    const client = await MongoClient.connect(uriWithSecret(t.uri, SECRET));
    try {
      const model = defineModel({ collection: 'ok', schema, db: client.db(t.db.databaseName) });
      const dlq = join(work, 'ok.rejected.ndjson');
      const records = Array.from({ length: 300 }, (_, i) =>
        i % 50 === 7 ? { sku: i } : { sku: `s${i}`, qty: i },
      );
      const run = await captured(() =>
        drain(streamInsert(model, records, { batchSize: 40, deadLetter: deadLetterFile(dlq) })),
      );
      expect(run.error).toBeUndefined();
      expect(run.value!.report.rejected).toBe(6);
      const seen = [JSON.stringify(run.value), run.output, await readFile(dlq, 'utf8')].join('\n');
      expect(seen).not.toContain(SECRET);
    } finally {
      await client.close();
    }
  });

  it('the connection fails before the run (nothing listens): the error the caller gets', async () => {
    const client = new MongoClient(uriWithSecret(t.uri, SECRET, 1), { serverSelectionTimeoutMS: 500 });
    try {
      const model = defineModel({ collection: 'x', schema, db: client.db('x') });
      const bulk = await captured(() => bulkInsert(model, [{ sku: 'a', qty: 1 }]));
      const stream = await captured(() => drain(streamInsert(model, [{ sku: 'a', qty: 1 }])));
      expect(bulk.error).toBeDefined();
      expect(stream.error).toBeDefined();
      for (const r of [bulk, stream]) expect(`${everything(r.error)}\n${r.output}`).not.toContain(SECRET);
    } finally {
      await client.close();
    }
  });

  it('the connection is lost for good mid-run: BW_STREAM_ABORTED and its cause chain', async () => {
    const client = await MongoClient.connect(uriWithSecret(proxy.uri(t.uri), SECRET), {
      retryWrites: false,
      serverSelectionTimeoutMS: 500,
    });
    try {
      const model = defineModel({ collection: 'lost', schema, db: client.db(t.db.databaseName) });
      const progress: unknown[] = [];
      function* records() {
        for (let i = 0; i < 5000; i++) {
          if (i === 1500) {
            proxy.refuse(true);
            proxy.dropAll();
          }
          yield { sku: `s${i}`, qty: i };
        }
      }
      const run = await captured(async () => {
        for await (const p of streamInsert(model, records(), {
          batchSize: 250,
          retry: { attempts: 2, delayMs: 10 },
        }))
          progress.push(p);
      });
      proxy.refuse(false);
      expect(run.error).toMatchObject({ code: 'BW_STREAM_ABORTED' });
      expect(`${everything(run.error)}\n${JSON.stringify(progress)}\n${run.output}`).not.toContain(SECRET);
    } finally {
      proxy.refuse(false);
      await client.close();
    }
  });
});

describe('the CLI never shows the password', () => {
  async function cli(args: string[], onOutput?: (out: string) => void) {
    const run = await runCli(args, { cwd: work, onStderr: ({ output }) => onOutput?.(output) });
    return { code: run.code, out: run.output };
  }

  it('connection lost mid-import (proxy refuses and drops), and a run with rejected records', async () => {
    const file = join(work, 'people.ndjson');
    const lines = Array.from({ length: 40_000 }, (_, i) =>
      i % 1000 === 3 ? `{"broken": "${SECRET}` : JSON.stringify({ sku: `s${i}`, qty: i }),
    );
    await writeFile(file, `${lines.join('\n')}\n`);
    const uri = `${uriWithSecret(proxy.uri(t.uri), SECRET)}&serverSelectionTimeoutMS=800&retryWrites=false`;
    const target = ['--uri', uri, '--db', t.db.databaseName, '--progress-interval', '0'];
    // Lost for good: the proxy refuses and drops everything at the first progress line.
    let cut = false;
    const lost = await cli(
      ['import', file, ...target, '--collection', 'cli_lost', '--batch-size', '200'],
      (out) => {
        if (!cut && /^progress: /m.test(out)) {
          cut = true;
          proxy.refuse(true);
          proxy.dropAll();
        }
      },
    );
    proxy.refuse(false);
    expect(cut).toBe(true);
    expect(lost.out).not.toContain(SECRET);
    expect(lost.code, lost.out).toBe(2);

    const ok = await cli([
      'import',
      file,
      ...target,
      '--collection',
      'cli_ok',
      '--dead-letter',
      join(work, 'cli.rejected.ndjson'),
    ]);
    expect(ok.code, ok.out).toBe(1);
    expect(ok.out).not.toContain(SECRET);
    // The dead letters hold the records as read (the user's own data may contain anything); their
    // reasons never quote the connection string.
    const letters = (await readFile(join(work, 'cli.rejected.ndjson'), 'utf8')).trim().split('\n');
    expect(letters).toHaveLength(40);
    for (const line of letters)
      expect(JSON.stringify((JSON.parse(line) as { reason: unknown }).reason)).not.toContain(SECRET);
  }, 90_000);

  it('authentication refused with a reply that echoes the connection string: exit 2, the password nowhere', async () => {
    // FerretDB takes any password; this server refuses it, quoting the URI back as some do.
    let uri = '';
    const server = await startScriptedServer({
      command: (name) =>
        name === 'saslStart' || name === 'authenticate'
          ? {
              ok: 0,
              code: 18,
              codeName: 'AuthenticationFailed',
              errmsg: `Authentication failed for ${uri} (password ${SECRET})`,
            }
          : undefined,
    });
    try {
      uri = `${uriWithSecret(server.uri(), SECRET)}&serverSelectionTimeoutMS=2000`;
      const dir = await mkdtemp(join(work, 'auth-'));
      const file = join(dir, 'people.ndjson');
      await writeFile(file, `${JSON.stringify({ sku: 's1', qty: 1 })}\n{"broken"\n`);
      const run = await runCli(
        [
          'import',
          file,
          '--uri',
          uri,
          '--db',
          'auth',
          '--collection',
          'refused',
          '--dead-letter',
          join(dir, 'rejected.ndjson'),
          '--checkpoint',
          join(dir, 'checkpoint.json'),
        ],
        { cwd: dir },
      );
      expect(run.code, run.output).toBe(2);
      // The refusal was reached and reported (so this path really ran), with the secret masked.
      expect(server.stats().commands.saslStart ?? 0).toBeGreaterThan(0);
      expect(run.output).toMatch(/Authentication failed for mongodb:\/\/\*\*\*@/);
      expect(run.output).not.toContain(SECRET);
      for (const name of await readdir(dir)) {
        if (name === 'people.ndjson') continue;
        expect(await readFile(join(dir, name), 'utf8'), name).not.toContain(SECRET);
      }
    } finally {
      await server.close();
    }
  }, 60_000);
});
