/**
 * The CLI as users run it: a child process (`node --import tsx src/cli/main.ts`), real files, the
 * test server. Every run uses a connection string with a password (PLAIN auth accepts any), and
 * every run's output is searched for it.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliRun,
  cliEnv,
  collectCli,
  repoRoot as repo,
  runCli,
  runCliHere,
  spawnCli,
  uriWithSecret,
} from '../support/cli.js';
import { useTestDb } from '../support/db.js';

const SECRET = 's3cretPW-9f2c';
/** Starts every ANSI escape sequence (a bar's cursor moves, colours). */
const ESC = String.fromCharCode(27);

const t = useTestDb('cli');
let work: string;
/** Holds the model module: inside the repository, so that `zod` resolves from its node_modules. */
let models: string;

/** Runs the CLI in this process; `spawned: true` runs the bin as a child (exit codes as users get them). */
async function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}, spawned = false): Promise<CliRun> {
  const run = await (spawned ? runCli : runCliHere)(args, { cwd: work, env: cliEnv(env) });
  expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
  return run;
}

function target(collection: string, uri = uriWithSecret(t.uri, SECRET)): string[] {
  return ['--uri', uri, '--db', t.db.databaseName, '--collection', collection];
}

/** An exact count without reading every document (a full scan here costs ~60 µs per document). */
async function count(collection: string): Promise<number> {
  const stats = await t.db.command({ collStats: collection });
  return Number(stats.count);
}

/** Writes an NDJSON file: valid people, plus the bad rows at the given line numbers. */
async function peopleFile(name: string, count: number, bad: Record<number, string> = {}): Promise<string> {
  const lines: string[] = [];
  for (let line = 1, id = 1; lines.length < count + Object.keys(bad).length; line += 1) {
    lines.push(
      bad[line] ?? JSON.stringify({ _id: id, name: `Person ${id}`, age: id % 90, address: { city: 'Lyon' } }),
    );
    if (bad[line] === undefined) id += 1;
  }
  const path = join(work, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

const BAD_ROWS = {
  3: '{"_id": 100, "name": "broken", ',
  6: '42',
  9: JSON.stringify({ _id: 101, name: 'Nameless', age: 'old' }),
  12: JSON.stringify({ _id: 2, name: 'Duplicate of line 2', age: 1 }),
};

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bulkwright-cli-'));
  await mkdir(join(repo, '.cache'), { recursive: true });
  models = await mkdtemp(join(repo, '.cache', 'cli-test-'));
  await writeFile(
    join(models, 'person.mjs'),
    [
      "import { z } from 'zod';",
      `import { defineModel } from ${JSON.stringify(pathToFileURL(join(repo, 'src/model/define-model.ts')).href)};`,
      'export const Person = defineModel({',
      "  collection: 'people',",
      '  schema: z.object({ _id: z.number().int(), name: z.string().min(1), age: z.number().int().min(0),',
      '    address: z.object({ city: z.string() }).optional() }),',
      '});',
      'export const notAModel = { collection: "x" };',
      '',
    ].join('\n'),
  );
  await writeFile(join(models, 'none.mjs'), 'export const answer = 42;\n');
}, 60_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
  if (models) await rm(models, { recursive: true, force: true });
});

describe('bulkwright import', () => {
  it('imports a file with bad rows: exit 1, right counts, dead letters with their line numbers', async () => {
    const file = await peopleFile('people.ndjson', 30, BAD_ROWS);
    const run = await cli([
      'import',
      file,
      ...target('people'),
      '--model',
      join(models, 'person.mjs'),
      '--batch-size',
      '7',
      '--progress-interval',
      '0',
    ]);
    expect(run.code, run.stderr).toBe(1);
    expect(await t.db.collection('people').countDocuments()).toBe(30);
    expect(run.stdout).toMatch(/read\s+34\b/);
    expect(run.stdout).toMatch(/written\s+30\b/);
    expect(run.stdout).toMatch(/rejected\s+4\b/);
    expect(run.stdout).toMatch(/parse 2/);
    expect(run.stdout).toMatch(/validation 1/);
    expect(run.stdout).toMatch(/duplicateKey 1/);

    const deadLetterFile = join(work, 'people.ndjson.rejected.ndjson');
    expect(run.stdout).toContain(`dead letter  ${deadLetterFile}`);
    const letters = (await readFile(deadLetterFile, 'utf8'))
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { position: number; line: number; record: unknown; reason: { kind: string } },
      );
    // Lines 2 and 12 share an _id and sit in batches that run concurrently: either may land first.
    const duplicate = letters.find((l) => l.reason.kind === 'duplicateKey')?.line;
    expect([2, 12]).toContain(duplicate);
    expect(letters.map((l) => [l.line, l.reason.kind]).sort(([a], [b]) => Number(a) - Number(b))).toEqual(
      [
        [3, 'parse'],
        [6, 'parse'],
        [9, 'validation'],
        [duplicate, 'duplicateKey'],
      ].sort(([a], [b]) => Number(a) - Number(b)),
    );
    expect(letters.find((l) => l.line === 3)?.record).toBe(BAD_ROWS[3]);
    // The CLI counts positions in bytes (the same in every share of a split import): a letter's
    // position is the byte offset of its line, plus 1.
    const text = await readFile(file);
    for (const l of letters) {
      const offset =
        text
          .toString('utf8')
          .split('\n')
          .slice(0, l.line - 1)
          .join('\n').length + (l.line > 1 ? 1 : 0);
      expect(l.position).toBe(offset + 1);
    }

    // Not a terminal: plain progress lines, no bar, no escape codes.
    expect(run.stderr).toMatch(/^progress: read \d+/m);
    expect(run.stderr).not.toContain(ESC);
    expect(run.stdout).not.toContain(ESC);
  });

  it('prints the report as JSON with --json, and exits 0 when everything is written', async () => {
    const file = await peopleFile('clean.ndjson', 25);
    const run = await cli(['import', file, ...target('clean'), '--json', '--quiet']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      ok: true,
      mode: 'insert',
      read: 25,
      written: 25,
      rejected: 0,
      skipped: 0,
    });
    expect(report.deadLetterFile).toBeNull();
    expect(run.stderr).toBe('');
    expect(await t.db.collection('clean').countDocuments()).toBe(25);
  });

  it('writes nothing with --dry-run, yet reports what it would reject', async () => {
    const file = await peopleFile('dry.ndjson', 10, { 4: 'not json' });
    const before = (await t.db.listCollections().toArray()).map((c) => c.name).sort();
    const run = await cli(['import', file, ...target('dry'), '--dry-run', '--json']);
    expect(run.code, run.stderr).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      dryRun: true,
      read: 11,
      rejected: 1,
      rejectedByKind: { parse: 1 },
    });
    const after = (await t.db.listCollections().toArray()).map((c) => c.name).sort();
    expect(after).toEqual(before);
    expect(after).not.toContain('dry');
  });

  it('never shows the password, whether the connection fails or the URI is malformed', async () => {
    const file = await peopleFile('secret.ndjson', 3);
    const refused = await cli([
      'import',
      file,
      ...target('secret', `${uriWithSecret(t.uri, SECRET, 1)}&serverSelectionTimeoutMS=1000`),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/cannot connect to mongodb:\/\/\*\*\*@127\.0\.0\.1:1\//);

    const fromEnv = await cli(['import', file, '--db', t.db.databaseName, '--collection', 'secret'], {
      MONGODB_URI: `${uriWithSecret(t.uri, SECRET, 1)}&serverSelectionTimeoutMS=1000`,
    });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('***@');

    const malformed = await cli([
      'import',
      file,
      ...target('secret', `mongodb://bwuser:${SECRET}@host:notaport/`),
    ]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/^bulkwright: --uri: /m);

    // Unparseable as a URI by the driver, with the password outside any URI shape.
    const bare = await cli(['import', file, ...target('secret', `mongodb://bwuser:${SECRET} @h/`)]);
    expect(bare.code).toBe(2);
  });

  it('keeps the password out of stdout, stderr and the dead-letter file of a run that works', async () => {
    const file = await peopleFile('secret-ok.ndjson', 5, { 2: `{"oops": "${SECRET}"` });
    const run = await cli(['import', file, ...target('secretok'), '--progress-interval', '0']);
    expect(run.code, run.stderr).toBe(1);
    const letters = await readFile(join(work, 'secret-ok.ndjson.rejected.ndjson'), 'utf8');
    // The record itself is kept as read (it is the user's data); the reason never quotes the URI.
    const reasons = letters
      .trim()
      .split('\n')
      .map((line) => JSON.stringify((JSON.parse(line) as { reason: unknown }).reason));
    for (const reason of reasons) expect(reason).not.toContain(SECRET);
  });

  it('fails with exit 2 and a clear message on bad options, before connecting', async () => {
    const started = Date.now();
    const run = await cli(
      [
        'import',
        'missing.ndjson',
        ...target('x', `${uriWithSecret(t.uri, SECRET, 1)}&serverSelectionTimeoutMS=30000`),
        '--batch-size',
        '0',
        '--mode',
        'replace',
      ],
      {},
      true,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'bulkwright: --batch-size: expected an integer from 1 to 100000, received "0"',
    );
    expect(run.stderr).toContain(
      'bulkwright: --mode: expected one of insert, upsert, merge, delete, received "replace"',
    );
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('fails with exit 2 on an unreadable file and on a module without a model', async () => {
    const missing = await cli(['import', 'nope.ndjson', ...target('x')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`<file>: cannot read ${join(work, 'nope.ndjson')}: no such file`);

    const file = await peopleFile('m.ndjson', 2);
    const noModel = await cli(['import', file, ...target('x'), '--model', join(models, 'none.mjs')]);
    expect(noModel.code).toBe(2);
    // A model that does not load is a usage error with its own message, not an "unexpected error".
    expect(noModel.stderr).toMatch(
      /^bulkwright: --model: expected .*none\.mjs to export a bulkwright model/m,
    );
    expect(noModel.stderr).not.toContain('unexpected error');

    const wrongExport = await cli([
      'import',
      file,
      ...target('x'),
      '--model',
      `${join(models, 'person.mjs')}#notAModel`,
    ]);
    expect(wrongExport.code).toBe(2);
    expect(wrongExport.stderr).toMatch(
      /^bulkwright: --model: expected export "notAModel" .* to be a bulkwright model/m,
    );
    expect(wrongExport.stderr).not.toContain('unexpected error');
  });

  it('on SIGINT finishes the batches in flight, prints the summary, exits 130, and --resume completes it', async () => {
    const total = 60_000;
    const file = await peopleFile('big.ndjson', total);
    const args = ['import', file, ...target('big'), '--batch-size', '500', '--progress-interval', '0'];
    const child = spawnCli(args, { cwd: work, env: cliEnv() });
    let signalled = false;
    const run = await collectCli(child, ({ stderr }) => {
      if (!signalled && /^progress: /m.test(stderr)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    expect(`${run.stdout}${run.stderr}`).not.toContain(SECRET);
    expect(signalled).toBe(true);
    expect(run.code, run.stderr).toBe(130);
    expect(run.stdout).toContain('bulkwright import: interrupted');
    expect(run.stdout).toContain('run the same command again with --resume');
    const written = Number(/written\s+([\d,]+)/.exec(run.stdout)?.[1]?.replace(/,/g, ''));
    expect(written).toBeLessThan(total);
    expect(await count('big')).toBe(written);

    const resumed = await cli([...args, '--resume', '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const report = JSON.parse(resumed.stdout) as { skipped: number; written: number; rejected: number };
    expect(report.rejected).toBe(0);
    expect(await count('big')).toBe(total);
  }, 120_000);
});

describe('bulkwright export', () => {
  it('round-trips: export to a file, import it into another collection, same documents', async () => {
    const source = t.db.collection('roundtrip');
    await source.insertMany([
      {
        _id: 1 as never,
        name: 'Ada',
        born: new Date('1815-12-10T00:00:00Z'),
        tags: ['math'],
        nested: { a: { b: 1 } },
      },
      { name: 'Grace', born: new Date('1906-12-09T00:00:00Z'), score: 1.5, big: 2 ** 40 },
      { name: 'Edsger', nothing: null, flag: true },
    ]);
    const out = join(work, 'roundtrip.ndjson');
    const exported = await cli(['export', ...target('roundtrip'), '--out', out, '--sort', '{"name": 1}']);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/^bulkwright export: 3 documents/);
    expect((await readFile(out, 'utf8')).trim().split('\n')).toHaveLength(3);

    const imported = await cli(['import', out, ...target('roundtrip_copy'), '--quiet']);
    expect(imported.code, imported.stderr + imported.stdout).toBe(0);
    const original = await source.find().sort({ name: 1 }).toArray();
    const copy = await t.db.collection('roundtrip_copy').find().sort({ name: 1 }).toArray();
    expect(copy).toEqual(original);
  });

  it('writes to standard output with a filter, and the count to standard error', async () => {
    const run = await cli(['export', ...target('people'), '--filter', '{"age": {"$lt": 5}}']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { age: number }).age).every((age) => age < 5)).toBe(true);
    expect(run.stderr).toMatch(new RegExp(`bulkwright export: ${lines.length} documents`));
  });
});
