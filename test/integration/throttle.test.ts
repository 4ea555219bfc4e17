/**
 * Throttling, measured by counts over time with a tolerance (never wall-clock equality): the
 * commands a run sends (`commandStarted` timestamps) or the documents that landed (polled counts)
 * never run ahead of `maxOpsPerSecond` by more than one batch. Scale: 100–300 documents at
 * 100–200 ops/s, so each run takes 1–3 s.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandStartedEvent, type CommandSucceededEvent, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bulkInsert, defineModel, migrate, streamInsert } from '../../src/index.js';
import { cliEnv, collectCli, spawnCli } from '../support/cli.js';
import { useTestDb } from '../support/db.js';
import { drain } from '../support/drain.js';

const t = useTestDb('throttle');
let watched: MongoClient;
const started: { name: string; at: number; ops: number }[] = [];
const succeeded: { name: string; at: number }[] = [];

beforeAll(async () => {
  watched = await MongoClient.connect(t.uri, { monitorCommands: true });
  watched.on('commandStarted', (e: CommandStartedEvent) => {
    const ops = (e.command.documents ?? e.command.updates ?? e.command.deletes ?? []).length;
    started.push({ name: e.commandName, at: performance.now(), ops });
  });
  watched.on('commandSucceeded', (e: CommandSucceededEvent) =>
    succeeded.push({ name: e.commandName, at: performance.now() }),
  );
});
afterAll(() => watched?.close());

const schema = z.object({ _id: z.number().int(), n: z.number() });
const model = (name: string) => defineModel({ db: watched.db(t.db.databaseName), collection: name, schema });
const docs = (count: number) => Array.from({ length: count }, (_, i) => ({ _id: i, n: i }));

/** Writes since the first must never exceed rate × elapsed + one batch (plus 10% and 30 ms of slack). */
function expectPaced(name: string, rate: number, batch: number, total: number) {
  const writes = started.filter((c) => c.name === name);
  expect(writes.reduce((sum, c) => sum + c.ops, 0)).toBe(total);
  let sent = 0;
  for (const c of writes) {
    const elapsed = (c.at - writes[0]!.at) / 1000;
    expect(sent, `${sent} ops sent before ${elapsed.toFixed(3)} s`).toBeLessThanOrEqual(
      rate * (elapsed + 0.03) * 1.1,
    );
    sent += c.ops;
  }
  const span = (writes.at(-1)!.at - writes[0]!.at) / 1000;
  expect(span).toBeGreaterThanOrEqual(((total - batch) / rate) * 0.9);
}

describe('throttling', () => {
  it('bulkInsert with maxOpsPerSecond spaces its batches to the rate', async () => {
    started.length = 0;
    const report = await bulkInsert(model('verb'), docs(200), { batchSize: 20, maxOpsPerSecond: 200 });
    expect(report.insertedCount).toBe(200);
    expectPaced('insert', 200, 20, 200);
  });

  it('pauseMs leaves at least that long between one batch ending and the next starting', async () => {
    started.length = 0;
    succeeded.length = 0;
    await bulkInsert(model('pause'), docs(50), { batchSize: 10, pauseMs: 150 });
    const starts = started.filter((c) => c.name === 'insert');
    const ends = succeeded.filter((c) => c.name === 'insert');
    expect(starts).toHaveLength(5);
    for (let i = 1; i < starts.length; i++)
      expect(starts[i]!.at - ends[i - 1]!.at).toBeGreaterThanOrEqual(145);
  });

  it('streamInsert with maxOpsPerSecond spaces its batches to the rate', async () => {
    started.length = 0;
    const { report } = await drain(
      streamInsert(model('stream'), docs(200), { batchSize: 20, maxOpsPerSecond: 200 }),
    );
    expect(report.inserted).toBe(200);
    expectPaced('insert', 200, 20, 200);
  });

  it('migrate with maxOpsPerSecond spaces its update batches to the rate', async () => {
    const m = model('migrate');
    await m.collection().insertMany(docs(100));
    started.length = 0;
    const report = await migrate(m, {
      transform: (d) => ({ $set: { n: d.n + 1 } }),
      batchSize: 10,
      maxOpsPerSecond: 100,
    });
    expect(report.matchedCount).toBe(100);
    expectPaced('update', 100, 10, 100);
  });

  it('rejects a rate that is not a positive number before any I/O', async () => {
    await expect(bulkInsert(model('bad'), docs(1), { maxOpsPerSecond: 0 })).rejects.toThrow(
      'Expected `maxOpsPerSecond` to be a finite number > 0, got 0 (number)',
    );
  });

  it('the CLI --max-rate keeps the documents landed within the rate over time', {
    timeout: 60_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bw-throttle-'));
    const file = join(dir, 'docs.ndjson');
    await writeFile(
      file,
      `${docs(300)
        .map((d) => JSON.stringify(d))
        .join('\n')}\n`,
    );
    const counts: { at: number; count: number }[] = [];
    const child = spawnCli(
      [
        'import',
        file,
        '--uri',
        t.uri,
        '--db',
        t.db.databaseName,
        '--collection',
        'cli',
        '--batch-size',
        '20',
        '--max-rate',
        '100',
        '--quiet',
        '--no-checkpoint',
      ],
      { env: cliEnv() },
    );
    const done = collectCli(child);
    let finished = false;
    void done.then(() => (finished = true));
    while (!finished) {
      const stats = await t.db.command({ collStats: 'cli' }).catch(() => ({ count: 0 }));
      counts.push({ at: performance.now(), count: Number(stats.count ?? 0) });
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await done).code).toBe(0);
    // The CLI may finish between two polls: one more reading sees the last batch (a little late,
    // which can only lengthen the measured span by a poll and the process exit).
    const final = await t.db.command({ collStats: 'cli' });
    counts.push({ at: performance.now(), count: Number(final.count ?? 0) });
    const first = counts.find((c) => c.count > 0)!;
    // Polling sees the first batch up to one poll late: allow 150 ms and one batch.
    for (const c of counts.filter((c) => c.at >= first.at))
      expect(c.count).toBeLessThanOrEqual(100 * ((c.at - first.at) / 1000 + 0.15) + 20);
    const last = counts.find((c) => c.count === 300)!;
    expect((last.at - first.at) / 1000).toBeGreaterThanOrEqual(((300 - 20) / 100) * 0.8);
  });
});
