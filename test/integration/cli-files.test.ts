/**
 * Several files as one import, run as users run it (the CLI spawned, FerretDB): a list or a quoted
 * pattern we expand; split as `--partition` shares in separate processes (whole files, by a hash of
 * the path) or `--workers` children, the result equals one process importing the list, and each
 * file keeps its own checkpoint and dead letters. A missing file is a usage error before any write.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON, type ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shareOfPath } from '../../src/stream/partition.js';
import { cliEnv, collectCli, importArgs, runCli, spawnCli } from '../support/cli.js';
import { useTestDb } from '../support/db.js';

const t = useTestDb('cli_files');
const dir = mkdtempSync(join(tmpdir(), 'bw-files-'));
const letters = mkdtempSync(join(tmpdir(), 'bw-files-letters-'));
const env = cliEnv();
const perFile = 1_500;
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(letters, { recursive: true, force: true });
});

/** Three file names that `--partition x/2` does not all give to one share (the hash is of the path). */
function threeNames(): string[] {
  for (let k = 0; ; k++) {
    const names = [0, 1, 2].map((i) => `part-${k}-${i}.ndjson`);
    const shares = new Set(names.map((n) => shareOfPath(join(dir, n), 2)));
    if (shares.size === 2) return names;
  }
}
const names = threeNames();
const paths = names.map((n) => join(dir, n));
// The second file has a broken line (line 700): dead-lettered with its file and line.
const BROKEN_LINE = 700;

beforeAll(() => {
  paths.forEach((path, f) => {
    const lines: string[] = [];
    for (let i = 1; i <= perFile; i++)
      lines.push(
        f === 1 && i === BROKEN_LINE ? '{"broken": ' : JSON.stringify({ file: f, n: i, tag: `t${i % 7}` }),
      );
    writeFileSync(path, `${lines.join('\n')}\n`);
  });
  // Not matched by the pattern below: a file of another kind, and a dead-letter file an earlier run
  // in this directory left (ours are written elsewhere: they would match the pattern).
  writeFileSync(join(dir, 'notes.txt'), 'not data\n');
  writeFileSync(join(dir, 'part-0-0.ndjson.rejected.ndjson'), '{"position":1,"record":"x"}\n');
});

function args(collection: string, inputs: readonly string[], extra: string[] = []): string[] {
  const [first, ...rest] = inputs;
  return [
    ...importArgs(first!, t.uri, t.db.databaseName, collection),
    ...rest,
    '--batch-size',
    '400',
    '--dead-letter',
    join(letters, `${collection}.rejected.ndjson`),
    ...extra,
  ];
}

/**
 * Count and a hash of the sorted documents. A derived `_id` is 6 bytes naming the import (the file
 * and the target collection, so they differ between collections) then 6 bytes of the record's
 * position: the position part is compared, and the documents name their file.
 */
async function fingerprint(collection: string): Promise<{ count: number; hash: string }> {
  const docs: string[] = [];
  for await (const doc of t.db.collection(collection).find({}))
    docs.push(
      Buffer.from(BSON.serialize({ ...doc, _id: (doc._id as ObjectId).toHexString().slice(12) })).toString(
        'hex',
      ),
    );
  docs.sort();
  return { count: docs.length, hash: createHash('sha256').update(docs.join('\n')).digest('hex') };
}

const pattern = join(dir, '*.ndjson');
let reference: { count: number; hash: string };

describe('several files as one import', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    const run = await runCli(args('single', paths, ['--quiet']), { env });
    expect(run.code, run.stderr).toBe(1); // 1: finished, with the broken line rejected
    reference = await fingerprint('single');
    expect(reference.count).toBe(3 * perFile - 1);
  }, 60_000);

  it('a list gives each file its own checkpoint and dead-letter file naming the file and line', async () => {
    const checkpoints = await t.db
      .collection('bulkwright_checkpoints')
      .find({ _id: { $regex: 'single#' } } as object)
      .toArray();
    expect(checkpoints.map((c) => String(c._id)).sort()).toEqual(
      paths.map((p) => `${p}|${t.db.databaseName}.single#0/1`).sort(),
    );
    expect(checkpoints.every((c) => c.finished === true)).toBe(true);
    const rejected = readFileSync(join(letters, `single.rejected.${names[1]}.ndjson`), 'utf8')
      .trim()
      .split('\n');
    expect(rejected).toHaveLength(1);
    expect(JSON.parse(rejected[0]!)).toMatchObject({
      file: paths[1],
      line: BROKEN_LINE,
      record: '{"broken": ',
    });
  });

  it('--partition 0/2 and 1/2 of a quoted pattern, in two processes, equal one process importing the list', async () => {
    const runs = await Promise.all(
      [0, 1].map((i) => collectCli(spawnCli(args('split', [pattern], ['--partition', `${i}/2`]), { env }))),
    );
    const counts = runs.map((run) => Number(/share \d\/2: (\d) of 3 files/.exec(run.stderr)?.[1]));
    expect(counts[0]! + counts[1]!).toBe(3); // the pattern expanded to the 3 files, split between shares
    expect(counts.every((n) => n > 0)).toBe(true);
    for (const run of runs) expect([0, 1], run.stderr).toContain(run.code);
    expect(await fingerprint('split')).toEqual(reference);

    const status = await runCli(
      ['status', pattern, '--uri', t.uri, '--db', t.db.databaseName, '--collection', 'split', '--json'],
      { env },
    );
    expect(status.code, status.stderr).toBe(0);
    const view = JSON.parse(status.stdout) as {
      files: number;
      finished: number;
      written: number;
      rejected: number;
    };
    expect(view).toMatchObject({ files: 3, finished: 3, written: 3 * perFile - 1, rejected: 1 });
  });

  it('--workers 2 takes the same shares of the list and equals the single import', async () => {
    const run = await runCli(args('workers', [pattern], ['--workers', '2', '--json']), { env });
    expect(run.code, run.stderr).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ written: 3 * perFile - 1, rejected: 1 });
    expect(await fingerprint('workers')).toEqual(reference);
  });

  it('a file that does not exist is a usage error (exit 2) before anything is written', async () => {
    const missing = join(dir, 'missing.ndjson');
    const run = await runCli(args('missing', [paths[0]!, missing]), { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cannot read ${missing}: no such file`);
    const none = await runCli(args('missing', [join(dir, 'nothing-*.ndjson')]), { env });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('to match a file, received none');
    expect(await t.db.collection('missing').countDocuments()).toBe(0);
    expect(
      await t.db
        .collection('bulkwright_checkpoints')
        .countDocuments({ _id: { $regex: 'missing#' } } as object),
    ).toBe(0);
  });
});
