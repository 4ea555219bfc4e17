/**
 * One import split into shares, run as users run it (the CLI, in separate processes): the result
 * must equal a single-process import of the same file, document for document and `_id` for `_id`,
 * whatever share is killed and resumed, with `--partition` or `--workers`; a resume with another
 * share count is refused; two processes on one share still give an exact result.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON, type ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineModel, streamInsert } from '../../src/index.js';
import { cliEnv, collectCli, importArgs, runCli, spawnCli } from '../support/cli.js';
import { useTestDb } from '../support/db.js';
import { drain } from '../support/drain.js';

const t = useTestDb('cli_shares');
const dir = mkdtempSync(join(tmpdir(), 'bw-shares-'));
const file = join(dir, 'events.ndjson');
const small = join(dir, 'small.ndjson');
const records = 24_000;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeFile(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 1; i <= n; i++) {
    // A few bad lines (dead-lettered, never written) and blank lines (skipped): both must stay
    // where they are whatever the split.
    const line =
      i % 4_999 === 0
        ? '{"broken": '
        : i % 7_001 === 0
          ? ''
          : JSON.stringify({ n: i, kind: i % 3 ? 'view' : 'click', tags: ['a', `t${i % 11}`] });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

beforeAll(async () => {
  await writeFile(file, records);
  await writeFile(small, 3_000);
});

const env = cliEnv();

function args(collection: string, input = file, extra: string[] = []): string[] {
  return [
    ...importArgs(input, t.uri, t.db.databaseName, collection),
    '--batch-size',
    '500',
    '--dead-letter',
    join(dir, `${collection}.rejected.ndjson`),
    ...extra,
  ];
}

/**
 * Count and a hash of every document in `_id` order. A derived `_id` is 6 bytes naming the import
 * (input and target collection, so they differ between collections) then 6 bytes of the record's
 * position: the position part is what must match.
 */
async function fingerprint(collection: string): Promise<{ count: number; hash: string }> {
  const hash = createHash('sha256');
  let count = 0;
  for await (const doc of t.db.collection(collection).find({}).sort({ _id: 1 })) {
    hash.update(BSON.serialize({ ...doc, _id: (doc._id as ObjectId).toHexString().slice(12) }));
    count++;
  }
  return { count, hash: hash.digest('hex') };
}

let reference: { count: number; hash: string };

describe('an import split into shares', { timeout: 240_000 }, () => {
  beforeAll(async () => {
    const run = await runCli(args('reference', file, ['--quiet']), { env });
    expect(run.code, run.stderr).toBe(1); // 1: finished, with the bad lines rejected
    reference = await fingerprint('reference');
    expect(reference.count).toBe(records - Math.floor(records / 4_999) - Math.floor(records / 7_001));
  }, 120_000);

  it('4 shares in 4 processes, one SIGKILLed mid-way and resumed, equal a single-process import', async () => {
    const collection = 'four';
    // Share 1 sends small batches one at a time, so it runs long enough to save checkpoints (at most
    // once a second) before it is killed, two thirds in.
    const runs = [0, 1, 2, 3].map((i) =>
      spawnCli(
        args(collection, file, [
          '--partition',
          `${i}/4`,
          '--progress-interval',
          '0',
          ...(i === 1 ? ['--batch-size', '100', '--concurrency', '1'] : []),
        ]),
        { env },
      ),
    );
    const killedAt = collectCli(runs[1]!, ({ stderr }) => {
      const written = [...stderr.slice(-400).matchAll(/written ([\d,]+)/g)].at(-1)?.[1];
      if (written && Number(written.replaceAll(',', '')) >= 4_000) runs[1]!.kill('SIGKILL');
    });
    const [killed, ...others] = await Promise.all([
      killedAt.then(() => runs[1]!),
      ...runs.filter((_, i) => i !== 1).map((child) => collectCli(child)),
    ]);
    expect(killed.signalCode).toBe('SIGKILL');
    const checkpoint = await t.db
      .collection('bulkwright_checkpoints')
      .findOne<{ position?: number }>({ _id: { $regex: `${collection}#1/4$` } } as object);
    for (const run of others as { code: number | null }[]) expect([0, 1]).toContain(run.code);
    expect((await fingerprint(collection)).count).toBeLessThan(reference.count);

    const status = await runCli(
      ['status', file, '--uri', t.uri, '--db', t.db.databaseName, '--collection', collection, '--json'],
      { env },
    );
    expect(status.code, status.stderr).toBe(0);
    const view = JSON.parse(status.stdout) as {
      finished: number;
      shares: { share: string; finished: boolean }[];
    };
    expect(view.finished).toBe(3);
    expect(view.shares.find((s) => s.share === '1/4')?.finished).toBe(false);

    const resumed = await runCli(args(collection, file, ['--partition', '1/4', '--resume', '--json']), {
      env,
    });
    expect([0, 1], resumed.stderr).toContain(resumed.code);
    // It resumes from what its checkpoint said (nothing, if it was killed before the first save).
    const position = checkpoint?.position ?? 0;
    expect(JSON.parse(resumed.stdout).resumedFrom).toBe(position > 0 ? position : undefined);
    if (position === 0)
      console.log('share 1/4 was killed before its first checkpoint: a resume from the start');
    expect(await fingerprint(collection)).toEqual(reference);

    const after = JSON.parse(
      (
        await runCli(
          ['status', file, '--uri', t.uri, '--db', t.db.databaseName, '--collection', collection, '--json'],
          { env },
        )
      ).stdout,
    ) as { finished: number; done: number; written: number };
    expect(after.finished).toBe(4);
    expect(after.done).toBe(1);
    expect(after.written).toBe(reference.count);
  });

  it('--workers 2, one child SIGKILLed, then --resume: equals a single-process import', async () => {
    const collection = 'workers';
    const parent = spawnCli(args(collection, file, ['--workers', '2', '--progress-interval', '0']), { env });
    // Kill one child (not the parent): the parent must report it and exit 2.
    const { findChildren } = await import('../support/process-tree.js');
    let killedChild = false;
    // At the first batches written, while each share still has most of its 12,000 records to go
    // (an importer that got faster finished a share before a later kill reached it).
    const run = await collectCli(parent, ({ stderr }) => {
      const written = [...stderr.slice(-400).matchAll(/written ([\d,]+)/g)].at(-1)?.[1];
      if (!killedChild && written && Number(written.replaceAll(',', '')) >= 1_000) {
        // A share is the CLI forked again; tsx's esbuild service is a child of the parent too.
        for (const child of findChildren(parent.pid!, (args) => args.includes('cli/main'))) {
          try {
            process.kill(child, 'SIGKILL');
            killedChild = true;
            break;
          } catch {} // gone already: try the next
        }
      }
    });
    expect(killedChild).toBe(true);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/share [01]\/2 died \(SIGKILL\)/);
    expect((await fingerprint(collection)).count).toBeLessThan(reference.count);

    const resumed = await runCli(args(collection, file, ['--workers', '2', '--resume', '--json']), { env });
    expect(resumed.code, resumed.stderr).toBe(1); // the bad lines, rejected again by the resumed share or counted before
    expect(await fingerprint(collection)).toEqual(reference);
  });

  it('a resume with another share count is refused, and nothing is written', async () => {
    const collection = 'recount';
    const first = await runCli(args(collection, small, ['--partition', '0/4', '--quiet']), { env });
    expect([0, 1]).toContain(first.code);
    const before = await fingerprint(collection);
    const refused = await runCli(args(collection, small, ['--partition', '0/3', '--resume', '--quiet']), {
      env,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/split into 4 share\(s\) before, not 3/);
    expect(await fingerprint(collection)).toEqual(before);

    // status, as an operator reads it: one share of four finished, three never started.
    const status = await runCli(
      ['status', small, '--uri', t.uri, '--db', t.db.databaseName, '--collection', collection],
      { env },
    );
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/4 shares: 1 finished, 0 started and not finished, 3 not started/);
    expect(status.stdout).toMatch(/^\s+0\/4\s+byte [\d,]+\s+100%.*finished$/m);
  });

  it('a checkpoint from before shares (line positions) is refused on --resume, not misread', async () => {
    const collection = 'legacy';
    const importId = `${small}|${t.db.databaseName}.${collection}`;
    await t.db
      .collection<{ _id: string }>('bulkwright_checkpoints')
      .insertOne({ _id: importId, position: 1200, updatedAt: new Date() } as { _id: string });
    const refused = await runCli(args(collection, small, ['--resume', '--quiet']), { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/written by an earlier bulkwright \(positions were line numbers\)/);
    expect(await t.db.collection(collection).estimatedDocumentCount()).toBe(0);
  });

  it('two processes on the same share give an exact result (derived _ids: the second meets the first)', async () => {
    const collection = 'twice';
    const single = await runCli(args('twice_reference', small, ['--quiet']), { env });
    expect(single.code).toBe(0);
    const [a, b] = await Promise.all([
      runCli(args(collection, small, ['--partition', '0/1', '--json']), { env }),
      runCli(args(collection, small, ['--partition', '0/1', '--json']), { env }),
    ]);
    for (const run of [a, b]) {
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout) as {
        written: number;
        rejected: number;
        rejectedByKind: Record<string, number>;
      };
      // Every record counts as written (its own insert or the other process's), none as a duplicate.
      expect(report.rejectedByKind.duplicateKey ?? 0).toBe(0);
      expect(report.written).toBe((await fingerprint('twice_reference')).count);
    }
    expect(await fingerprint(collection)).toEqual(await fingerprint('twice_reference'));
  });

  it('streamInsert with `partition`: 3 shares of a file give the same documents and _ids as share 0/1', async () => {
    const model = (collection: string) =>
      defineModel({ collection, schema: z.object({ n: z.number() }).loose(), db: t.db });
    const whole = await drain(
      streamInsert(model('lib_whole'), small, { idNamespace: 'lib', partition: { index: 0, count: 1 } }),
    );
    expect(whole.report.written).toBe(3_000);
    for (const index of [0, 1, 2]) {
      await drain(
        streamInsert(model('lib_shares'), small, { idNamespace: 'lib', partition: { index, count: 3 } }),
      );
    }
    const all = async (collection: string) => t.db.collection(collection).find({}).sort({ _id: 1 }).toArray();
    expect(await all('lib_shares')).toEqual(await all('lib_whole'));
  });
});
