/**
 * The server dies under the CLI, run as a user runs it: every default kept (checkpoint in the
 * target database, saved at most once a second; the default retries; the driver's default
 * heartbeat). A FerretDB of this file's own is SIGKILLed mid-import and started again on the same
 * data dir and port; (1) the server alone dies, (2) the server and the CLI die together (a power
 * cut). The CLI is run again with --resume until it finishes. The collection must equal an
 * uninterrupted import's document for document, and the dead-letter file must hold the same
 * lines: a record missing, doubled or dead-lettered twice fails.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectCli, importArgs, spawnCli } from '../support/cli.js';
import { type FerretProcess, ferretBinary, startFerret } from '../support/ferret-process.js';
import { recordResult } from './results.js';

const RECORDS = 12_000;
/** Schema-free import (no --model): the bad lines are broken JSON, dead-lettered as `parse`. */
const BROKEN_EVERY = 997;
const hasBinary = ferretBinary() !== undefined;

let work: string;
let file: string;
let ferret: FerretProcess;

beforeAll(async () => {
  if (!hasBinary) return;
  work = await mkdtemp(join(tmpdir(), 'bulkwright-kill-cli-'));
  ferret = await startFerret({ dataDir: join(work, 'data') });
  const lines: string[] = [];
  for (let i = 1; i <= RECORDS; i++) {
    lines.push(
      i % BROKEN_EVERY === 0
        ? `{"n": ${i}, "broken": `
        : JSON.stringify({
            n: i,
            kind: i % 3 ? 'view' : 'click',
            tags: [`t${i % 7}`],
            at: { $date: new Date(1e12 + i).toISOString() },
          }),
    );
  }
  file = join(work, 'events.ndjson');
  await writeFile(file, `${lines.join('\n')}\n`);
}, 60_000);

afterAll(async () => {
  await ferret?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

function cli(collection: string): ChildProcess {
  return spawnCli([
    ...importArgs(file, ferret.uri, 'killcli', collection),
    '--resume',
    '--dead-letter',
    join(work, `${collection}.rejected.ndjson`),
    '--progress-interval',
    '0',
  ]);
}

/** Runs the CLI; `onWritten` sees the documents written so far, from its progress lines. */
async function run(collection: string, onWritten?: (written: number, child: ChildProcess) => void) {
  const child = cli(collection);
  return collectCli(child, ({ stderr }) => {
    const written = [...stderr.slice(-400).matchAll(/written ([\d,]+)/g)].at(-1)?.[1];
    if (written) onWritten?.(Number(written.replaceAll(',', '')), child);
  });
}

/** Reruns with --resume until the import finishes (exit 1: done, with the broken lines rejected). */
async function resumeToEnd(collection: string): Promise<number> {
  let runs = 0;
  for (let code: number | null = null; code !== 1; runs++) {
    expect(runs, `${collection}: still not finished after ${runs} resumed runs`).toBeLessThan(5);
    const result = await run(collection);
    code = result.code;
    expect([1, 2], result.output).toContain(code);
  }
  return runs;
}

async function contents(collection: string) {
  const client = await MongoClient.connect(ferret.uri);
  try {
    return await client
      .db('killcli')
      .collection(collection)
      .find({}, { projection: { _id: 0 } })
      .sort({ n: 1 })
      .toArray();
  } finally {
    await client.close();
  }
}

/** The dead-letter file, one entry per line: position and reason code, in position order. */
async function letters(collection: string) {
  const text = await readFile(join(work, `${collection}.rejected.ndjson`), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const letter = JSON.parse(line) as { position: number; reason: { code: string }; record: string };
      return [letter.position, letter.reason.code, letter.record] as const;
    })
    .sort((a, b) => a[0] - b[0]);
}

describe.skipIf(!hasBinary)('SIGKILL of the server under the CLI at its defaults, restart, --resume', () => {
  let reference: { docs: unknown[]; letters: Awaited<ReturnType<typeof letters>> };
  const broken = Math.floor(RECORDS / BROKEN_EVERY);

  beforeAll(async () => {
    const result = await run('reference');
    expect(result.code, result.output).toBe(1);
    reference = { docs: await contents('reference'), letters: await letters('reference') };
    expect(reference.docs).toHaveLength(RECORDS - broken);
    expect(reference.letters).toHaveLength(broken);
  }, 180_000);

  it.each([
    ['server killed, restarted 1 s later', 'server', 4_000],
    ['server and CLI killed together (power cut)', 'both', 7_000],
  ] as const)(
    '%s: same documents and the same dead-letter lines as the uninterrupted import',
    async (_title, what, at) => {
      const collection = `killed_${what}`;
      let killedAt = -1;
      let killing: Promise<void> | undefined;
      const first = await run(collection, (written, child) => {
        if (killedAt >= 0 || written < at) return;
        killedAt = written;
        if (what === 'both') child.kill('SIGKILL');
        killing = ferret.kill();
      });
      await killing;
      expect(killedAt, 'the kill point was reached').toBeGreaterThanOrEqual(at);
      await sleep(what === 'server' ? 0 : 200);
      await ferret.restart();
      // A CLI whose server came back within its retries finishes on its own (exit 1); else exit 2.
      const rideThrough = first.code === 1;
      if (what === 'both') expect(first.signal).toBe('SIGKILL');
      const resumedRuns = rideThrough ? 0 : await resumeToEnd(collection);

      const docs = await contents(collection);
      const dead = await letters(collection);
      const lost = reference.docs.length - new Set(docs.map((d) => d.n)).size;
      const duplicated = docs.length - new Set(docs.map((d) => d.n)).size;
      await recordResult('server-kill-cli', {
        scenario: what,
        records: RECORDS,
        kills: 1,
        killedAtWritten: killedAt,
        firstRunExit: first.code ?? first.signal,
        resumedRuns,
        lost,
        duplicated,
        deadLetterLines: dead.length,
        deadLettersExpected: reference.letters.length,
      });
      expect(docs).toHaveLength(reference.docs.length);
      expect(docs).toEqual(reference.docs);
      expect(dead).toEqual(reference.letters);
    },
    240_000,
  );
});
