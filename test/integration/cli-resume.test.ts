/**
 * Resume after a crash, for real: the CLI is SIGKILLed at random points mid-import and started
 * again with --resume until it finishes; the collection must equal an uninterrupted import's
 * (same count, same content: no duplicate, no gap).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importArgs, spawnCli } from '../support/cli.js';
import { useTestDb } from '../support/db.js';

const t = useTestDb('cli_resume');
const dir = mkdtempSync(join(tmpdir(), 'bw-resume-'));
const file = join(dir, 'events.ndjson');
const records = 30_000;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const out = createWriteStream(file);
  for (let i = 1; i <= records; i++) {
    // A few bad lines: they must be dead-lettered once per run, never written.
    const line =
      i % 9_999 === 0
        ? '{"broken": '
        : JSON.stringify({
            n: i,
            kind: i % 3 ? 'view' : 'click',
            at: { $date: new Date(1e12 + i).toISOString() },
          });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
});

function cli(collection: string, extra: string[] = []): ChildProcess {
  // This process's environment as it is (MONGODB_URI and colours included), and its cwd.
  return spawnCli(
    [
      ...importArgs(file, t.uri, t.db.databaseName, collection),
      '--batch-size',
      '500',
      '--concurrency',
      '3',
      '--resume',
      '--dead-letter',
      join(dir, `${collection}.rejected.ndjson`),
      ...extra,
    ],
    { env: process.env },
  );
}

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

/** SIGKILLs the child once its progress lines say `count` documents are written. */
async function killWhen(child: ChildProcess, count: number): Promise<void> {
  let buffered = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    buffered = (buffered + chunk.toString()).slice(-400);
    const written = [...buffered.matchAll(/written ([\d,]+)/g)].at(-1)?.[1];
    if (written && Number(written.replaceAll(',', '')) >= count) child.kill('SIGKILL');
  });
  await exitCode(child);
}

async function contents(collection: string) {
  return t.db
    .collection(collection)
    .find({}, { projection: { _id: 0 } })
    .sort({ n: 1 })
    .toArray();
}

it('an import SIGKILLed at random points and resumed equals an uninterrupted import', {
  timeout: 180_000,
}, async () => {
  expect(await exitCode(cli('reference', ['--quiet']))).toBe(1); // 1: finished, with the bad lines rejected
  const reference = await contents('reference');
  expect(reference).toHaveLength(records - 3);

  // Kill points: once the collection holds about this share of the records, plus some jitter.
  for (const [k, share] of [0.1, 0.35, 0.6, 0.85].entries()) {
    const collection = `killed_${k}`;
    const killAt = Math.round(records * share + Math.random() * 1000);
    const child = cli(collection, ['--progress-interval', '0']);
    await killWhen(child, killAt);
    expect(child.signalCode).toBe('SIGKILL');
    const landed = await t.db.collection(collection).estimatedDocumentCount();
    let code: number | null = null;
    for (let run = 0; run < 5 && code !== 0 && code !== 1; run++)
      code = await exitCode(cli(collection, ['--quiet']));
    expect(code).toBe(1);
    const after = await contents(collection);
    console.log(
      `resume: killed with ${landed} of ${records} documents written; after resume ${after.length}`,
    );
    expect(after).toHaveLength(reference.length);
    expect(after).toEqual(reference);
    expect(await t.db.collection(collection).countDocuments({})).toBe(records - 3);
  }
});
