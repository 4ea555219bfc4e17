/**
 * Bad input, generated (fast-check): streams of in-memory records and raw NDJSON / CSV lines mixing
 * valid, schema-invalid, malformed, non-object, deeply nested, odd-Unicode records and keys that
 * start with `$` or contain `.`, through `streamInsert` with a dead-letter file. Whatever comes in:
 * the call never throws, `read = written + rejected + skipped + notAttempted`, and every record is
 * in exactly one place: stored (found by the `_id` derived from its position) or in the dead-letter
 * file at its position with a reason. Kinds the outcome of which is known are checked exactly.
 * FerretDB rejects `.`/`$` field names (code 2) where MongoDB 5+ stores them: such records are
 * accounted either way, and the MongoDB behaviour is its own test behind `dottedFieldNames`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deadLetterFile, defineModel, readCsv, type StreamReport, streamInsert } from '../../src/index.js';
import { positionId } from '../../src/stream/record-op.js';
import { importArgs, runCli } from '../support/cli.js';
import { requires, useTestDb } from '../support/db.js';
import { drain } from '../support/drain.js';

const t = useTestDb('rel_bad_input');
let work: string;
let runs = 0;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bulkwright-bad-input-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** `sku` and `qty` are checked; any other key is kept as it came (`$x`, `a.b`, `__proto__`…). */
const schema = z.object({ sku: z.string(), qty: z.number().int() }).loose();

/** What a record must become: 'written', rejected with that kind, or either ('any'). */
type Expected = 'written' | 'validation' | 'parse' | 'any';

const oddText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('\u0000', '\ud800', '\udfff', '\u2028\u2029', '\ufeff', 'e\u0301', '🏳️‍🌈', '\u202e', 'ß'),
);
const oddKey = fc
  .oneof(
    fc.constantFrom(
      '$where',
      '$gt',
      '$',
      'a.b',
      '.',
      '..',
      'a.$b',
      '$set.x',
      '__proto__',
      'constructor',
      // A NUL byte in a key: BSON cannot encode it, so the record is dead-lettered (invalidDocument).
      'k\u0000',
      '\u0000',
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
  )
  .filter((k) => k !== '_id' && k !== 'sku' && k !== 'qty');
const validRecord = fc.record({
  sku: fc.string({ unit: 'grapheme', maxLength: 16 }),
  qty: fc.integer({ min: -1e9, max: 1e9 }),
});
const nested = (depth: number) => {
  let value: Record<string, unknown> = { leaf: depth };
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

/** One generated record: its value (in memory), its NDJSON line, and what it must become. */
interface Case {
  readonly value: unknown;
  readonly line: string;
  readonly expected: Expected;
}
const caseArb: fc.Arbitrary<Case> = fc.oneof(
  {
    weight: 5,
    arbitrary: validRecord.map((v) => ({ value: v, line: JSON.stringify(v), expected: 'written' as const })),
  },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.record({ sku: fc.integer(), qty: fc.integer() }),
        fc
          .record({ sku: oddText, qty: fc.oneof(fc.double(), fc.string(), fc.constant(null)) })
          .filter((v) => !Number.isInteger(v.qty)),
        fc.record({ qty: fc.integer() }),
        fc.constant({}),
      )
      .map((v) => ({ value: v, line: JSON.stringify(v), expected: 'validation' as const })),
  },
  {
    weight: 2,
    arbitrary: validRecord.chain((v) =>
      fc.integer({ min: 1, max: Math.max(1, JSON.stringify(v).length - 1) }).map((cut) => ({
        value: undefined,
        line: JSON.stringify(v).slice(0, cut),
        expected: 'parse' as const,
      })),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        '42',
        '"text"',
        '[1,2]',
        'null',
        'true',
        '{"sku": "x", "qty": 1} trailing',
        "{'sku': 1}",
        '{"sku":"a","qty":1,}',
      )
      .map((line) => ({ value: undefined, line, expected: 'parse' as const })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(validRecord, fc.dictionary(oddKey, fc.oneof(oddText, fc.integer()), { minKeys: 1, maxKeys: 3 }))
      .map(([v, extra]) => {
        const value = { ...extra, ...v };
        return { value, line: JSON.stringify(value), expected: 'any' as const };
      }),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(validRecord, fc.integer({ min: 20, max: 220 })).map(([v, depth]) => {
      const value = { ...v, deep: nested(depth) };
      return { value, line: JSON.stringify(value), expected: 'any' as const };
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ sku: oddText, qty: fc.integer() }).map((v) => ({
      value: v,
      line: JSON.stringify(v),
      expected: 'any' as const,
    })),
  },
);

/** In memory only: values no JSON line can hold. */
const jsOnlyArb: fc.Arbitrary<Case> = fc
  .constantFrom(
    () => {
      const v: Record<string, unknown> = { sku: 'circular', qty: 1 };
      v.self = v;
      return v;
    },
    () => ({ sku: 'bigint', qty: 1, big: 2n ** 70n }),
    () => ({ sku: 'fn', qty: 1, fn: () => 1, sym: Symbol('s') }),
    // NaN is left to its own example below: FerretDB closes the connection on it.
    () => ({ sku: 'inf', qty: 1, inf: Number.POSITIVE_INFINITY, negZero: -0 }),
    () => ({ sku: 'types', qty: 1, when: new Date(0), oid: new ObjectId(), buf: Buffer.from('x'), re: /x/g }),
    () => ({ sku: 'map', qty: 1, map: new Map([['a', 1]]) }),
    () => new Map([['sku', 'x']]),
    () => undefined,
    () => Object.create(null) as object,
    () => ({ sku: 'undef', qty: 1, gone: undefined }),
    () => ({ sku: 7n, qty: 1 }),
  )
  .map((make) => ({ value: make(), line: '', expected: 'any' as const }));

interface Letter {
  readonly position: number;
  readonly reason: { readonly kind: string; readonly code: unknown; readonly message: string };
  readonly record: unknown;
}

async function readLetters(path: string): Promise<Letter[]> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Letter);
}

/**
 * The accounting invariant, per record: `positions` maps each position the source had to what it
 * must become; each is either stored under its derived `_id` or dead-lettered there, never both,
 * never neither.
 */
async function checkAccounting(
  collection: string,
  namespace: string,
  report: StreamReport,
  letters: readonly Letter[],
  positions: ReadonlyMap<number, Expected>,
) {
  expect(report.read).toBe(positions.size);
  expect(report.read).toBe(report.written + report.rejected + report.skipped + report.notAttempted);
  expect(report.skipped + report.notAttempted).toBe(0);
  expect(letters).toHaveLength(report.rejected);
  const lettered = new Map(letters.map((l) => [l.position, l]));
  expect(lettered.size, 'one dead letter per position').toBe(letters.length);
  for (const l of letters) {
    expect(positions.has(l.position), `dead letter at unknown position ${l.position}`).toBe(true);
    expect(typeof l.reason.kind).toBe('string');
    expect(l.reason.message.length).toBeGreaterThan(0);
  }
  const ids = [...positions.keys()].map((p) => positionId(namespace, p));
  const stored = await t.db
    .collection(collection)
    .find({ _id: { $in: ids } }, { projection: { _id: 1 } })
    .toArray();
  const storedIds = new Set(stored.map((d) => String(d._id)));
  expect(Number((await t.db.command({ collStats: collection })).count)).toBe(report.written);
  for (const [position, expected] of positions) {
    const isStored = storedIds.has(String(positionId(namespace, position)));
    const letter = lettered.get(position);
    expect(isStored !== (letter !== undefined), `record ${position} stored xor dead-lettered`).toBe(true);
    if (expected === 'written') expect(isStored, `record ${position} written`).toBe(true);
    if (expected === 'validation' || expected === 'parse') expect(letter?.reason.kind).toBe(expected);
  }
}

const model = (collection: string) => defineModel({ collection, schema, db: t.db });

describe('bad input through streamInsert (property-based)', () => {
  it('in-memory record streams: never throws, every record stored or dead-lettered at its position', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof({ weight: 6, arbitrary: caseArb }, { weight: 1, arbitrary: jsOnlyArb }), {
          minLength: 1,
          maxLength: 150,
        }),
        fc.integer({ min: 1, max: 64 }),
        async (cases, batchSize) => {
          const name = `mem${++runs}`;
          const dlq = join(work, `${name}.rejected.ndjson`);
          // Records with a line only (malformed text) go in as that string: not an object.
          const values = cases.map((c) => (c.line && c.value === undefined ? c.line : c.value));
          const { report } = await drain(
            streamInsert(model(name), values, {
              batchSize,
              concurrency: 3,
              idNamespace: name,
              deadLetter: deadLetterFile(dlq),
            }),
          );
          const positions = new Map(
            cases.map((c, i): [number, Expected] => [
              i + 1,
              c.expected === 'parse' ? 'validation' : c.expected,
            ]),
          );
          await checkAccounting(name, name, report, await readLetters(dlq), positions);
        },
      ),
      { numRuns: 30, seed: 20261126, endOnFailure: true },
    );
  }, 120_000);

  it('raw NDJSON files: never throws, every non-blank line stored or dead-lettered with its line number', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof({ weight: 12, arbitrary: caseArb }, { weight: 1, arbitrary: fc.constant(null) }), {
          minLength: 1,
          maxLength: 200,
        }),
        fc.constantFrom('\n', '\r\n'),
        async (cases, eol) => {
          const name = `nd${++runs}`;
          const file = join(work, `${name}.ndjson`);
          const dlq = join(work, `${name}.rejected.ndjson`);
          // null: a blank line (skipped by the reader, but it still counts as a line).
          await writeFile(file, cases.map((c) => (c === null ? '   ' : c.line)).join(eol) + eol);
          const { report } = await drain(
            streamInsert(model(name), file, {
              batchSize: 37,
              concurrency: 2,
              idNamespace: name,
              deadLetter: deadLetterFile(dlq),
            }),
          );
          const positions = new Map<number, Expected>();
          cases.forEach((c, i) => {
            if (c !== null) positions.set(i + 1, c.expected);
          });
          const letters = await readLetters(dlq);
          await checkAccounting(name, name, report, letters, positions);
          // A rejected line is kept as it was read, so it can be fixed and re-imported.
          // (As the file holds it: a lone surrogate was written as U+FFFD.)
          for (const l of letters)
            expect(l.record).toBe(Buffer.from((cases[l.position - 1] as Case).line).toString('utf8'));
        },
      ),
      { numRuns: 30, seed: 20261127, endOnFailure: true },
    );
  }, 120_000);

  it('raw CSV files: never throws, every row stored or dead-lettered at the line it starts on', async () => {
    const cell = fc.string({ unit: 'grapheme', maxLength: 10 });
    const quoted = (s: string) => `"${s.replaceAll('"', '""')}"`;
    type Row = { readonly text: string; readonly expected: Expected };
    // A quote inside an unquoted cell. csv-parse reports such a row with its text before the
    // quote, so `a"b` and `ab"b` rows share a prefix: each must still be accounted at its own line.
    const badQuote: fc.Arbitrary<Row> = fc
      .tuple(fc.constantFrom('a', 'ab'), fc.integer())
      .map(([prefix, q]) => ({ text: `${prefix}"b,${q},`, expected: 'any' as const }));
    const rowArb: fc.Arbitrary<Row> = fc.oneof(
      {
        weight: 5,
        arbitrary: fc
          .tuple(cell, fc.integer(), cell)
          .map(([s, q, n]) => ({ text: `${quoted(s)},${q},${quoted(n)}`, expected: 'written' as const })),
      },
      // A quoted cell holding the delimiter, quotes and a line break: one record over two lines.
      {
        weight: 1,
        arbitrary: fc
          .tuple(cell, fc.integer())
          .map(([s, q]) => ({ text: `${quoted(`${s},"x"\n${s}`)},${q},`, expected: 'written' as const })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(cell, fc.integer())
          .map(([s, q]) => ({ text: `${quoted(s)},${q},a,extra`, expected: 'parse' as const })),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(cell).map(([s]) => ({ text: `${quoted(s)}`, expected: 'parse' as const })),
      },
      {
        weight: 1,
        arbitrary: cell.map((s) => ({ text: `${quoted(s)},not-a-number,`, expected: 'parse' as const })),
      },
      { weight: 1, arbitrary: badQuote },
      {
        weight: 1,
        arbitrary: fc
          .tuple(oddText, fc.integer())
          .map(([s, q]) => ({ text: `${quoted(s)},${q},${quoted(s)}`, expected: 'any' as const })),
      },
    );
    await fc.assert(
      fc.asyncProperty(
        // Single rows, and now and then a run of 2–3 bad-quote rows in a row.
        fc
          .array(
            fc.oneof(
              { weight: 10, arbitrary: rowArb.map((r) => [r]) },
              { weight: 1, arbitrary: fc.array(badQuote, { minLength: 2, maxLength: 3 }) },
            ),
            { minLength: 1, maxLength: 100 },
          )
          .map((groups) => groups.flat()),
        async (rows) => {
          const name = `csv${++runs}`;
          const file = join(work, `${name}.csv`);
          const dlq = join(work, `${name}.rejected.ndjson`);
          await writeFile(file, `sku,qty,note\n${rows.map((r) => r.text).join('\n')}\n`);
          const positions = new Map<number, Expected>();
          let line = 2;
          for (const row of rows) {
            positions.set(line, row.expected);
            line += row.text.split('\n').length;
          }
          const { report } = await drain(
            streamInsert(model(name), readCsv(file, { schema }), {
              records: true,
              batchSize: 25,
              idNamespace: name,
              deadLetter: deadLetterFile(dlq),
            }),
          );
          await checkAccounting(name, name, report, await readLetters(dlq), positions);
        },
      ),
      { numRuns: 25, seed: 20261128, endOnFailure: true },
    );
  }, 120_000);
});

describe('regressions: bad input the property found (fixed in src)', () => {
  it('a NUL byte in a key: that record is dead-lettered (invalidDocument), not the whole stream aborted', async () => {
    const letters: Letter[] = [];
    const run = drain(
      streamInsert(
        model('nul_key'),
        [
          { sku: 'a', qty: 1 },
          { sku: 'b', qty: 2, 'k\u0000': 1 },
          { sku: 'c', qty: 3 },
        ],
        { idNamespace: 'nul', deadLetter: { write: (l) => void letters.push(l) } },
      ),
    );
    // Was: the whole stream aborted (BW_STREAM_ABORTED "key k\u0000 must not contain null bytes"):
    // the driver refuses the batch, and the screen in run-chunk.ts, which only sized documents
    // (sizing does not check key names), found no culprit. It now encodes them too.
    const { report } = await run;
    expect(report).toMatchObject({ read: 3, written: 2, rejected: 1 });
    expect(letters.map((l) => [l.position, l.reason.kind])).toEqual([[2, 'invalidDocument']]);
  });

  it('two rows in a row with a bad quote are both dead-lettered: no CSV row vanishes', async () => {
    const file = join(work, 'two-bad-quotes.csv');
    await writeFile(file, 'sku,qty\na"b,1\na"b,2\nc,3\n');
    const letters: Letter[] = [];
    const { report } = await drain(
      streamInsert(model('two_bad_quotes'), readCsv(file, { schema }), {
        records: true,
        deadLetter: { write: (l) => void letters.push(l) },
      }),
    );
    // Was: read 2, the row on line 3 neither written nor dead-lettered. csv-parse reports each bad
    // row through on_skip with the row's text so far ("a"), and toRecords in csv.ts merged a skip
    // whose raw text started with the held one's into it (meant for several errors of one row).
    // It now merges only reports from the same line.
    expect(letters.map((l) => l.position)).toEqual([2, 3]);
    expect(report).toMatchObject({ read: 3, written: 1, rejected: 2 });
  });
});

describe('bad input: the rare and the server-specific (examples)', () => {
  it('a record over 16 MiB, in memory and as an NDJSON line: dead-lettered at its position, the rest written', async () => {
    const huge = 'h'.repeat(17 * 1024 * 1024);
    const values = [
      { sku: 'a', qty: 1 },
      { sku: 'huge', qty: 2, blob: huge },
      { sku: 'b', qty: 3 },
    ];
    const letters: Letter[] = [];
    const sink = { write: (l: Letter) => void letters.push({ ...l, record: null }) };
    const mem = await drain(streamInsert(model('huge_mem'), values, { idNamespace: 'hm', deadLetter: sink }));
    expect(mem.report).toMatchObject({ read: 3, written: 2, rejected: 1 });
    expect(letters.map((l) => [l.position, l.reason.kind])).toEqual([[2, 'invalidDocument']]);

    const file = join(work, 'huge.ndjson');
    await writeFile(file, values.map((v) => JSON.stringify(v)).join('\n'));
    const dlq = join(work, 'huge.rejected.ndjson');
    const nd = await drain(
      streamInsert(model('huge_nd'), file, { idNamespace: 'hn', deadLetter: deadLetterFile(dlq) }),
    );
    expect(nd.report).toMatchObject({ read: 3, written: 2, rejected: 1 });
    const fileLetters = await readLetters(dlq);
    expect(fileLetters.map((l) => [l.position, l.reason.kind, l.reason.code])).toEqual([
      [2, 'parse', 'BW_LINE_TOO_LONG'],
    ]);
    // Only the line's first KiB is kept: the dead-letter file does not become 17 MB.
    expect(JSON.stringify(fileLetters[0]).length).toBeLessThan(4096);
  }, 60_000);

  it('a NaN value: stored (MongoDB), or, where the server drops the connection on it (FerretDB), the stream aborts with its own error', async () => {
    const letters: Letter[] = [];
    const outcome = await drain(
      streamInsert(
        model('nan'),
        [
          { sku: 'a', qty: 1 },
          { sku: 'nan', qty: 2, x: Number.NaN },
        ],
        {
          idNamespace: 'nan',
          retry: { attempts: 2, delayMs: 1 },
          deadLetter: { write: (l) => void letters.push(l) },
        },
      ),
    ).then(
      ({ report }) => report,
      (error: unknown) => error,
    );
    if ('read' in (outcome as object)) expect(outcome).toMatchObject({ read: 2, written: 2 });
    else expect(outcome).toMatchObject({ code: 'BW_STREAM_ABORTED' });
  });

  it('`.`/`$` field names on a server that rejects them: dead-lettered with the server code, nothing else lost', async (ctx) => {
    if ((await import('../support/db.js')).hasCapability('dottedFieldNames'))
      ctx.skip('the server stores them');
    const letters: Letter[] = [];
    const { report } = await drain(
      streamInsert(
        model('dotted_rejected'),
        [
          { sku: 'a', qty: 1 },
          { sku: 'b', qty: 2, 'x.y': 1 },
          { sku: 'c', qty: 3, $z: 1 },
          { sku: 'd', qty: 4 },
        ],
        { deadLetter: { write: (l) => void letters.push(l) } },
      ),
    );
    expect(report).toMatchObject({ read: 4, written: 2, rejected: 2 });
    expect(letters.map((l) => [l.position, l.reason.kind]).sort()).toEqual([
      [2, 'writeError'],
      [3, 'writeError'],
    ]);
  });

  it('`.`/`$` field names on MongoDB 5+: stored as given', async (ctx) => {
    requires(ctx, 'dottedFieldNames');
    const { report } = await drain(
      streamInsert(model('dotted_stored'), [{ sku: 'b', qty: 2, 'x.y': 1, $z: 1 }], { idNamespace: 'ds' }),
    );
    expect(report).toMatchObject({ written: 1, rejected: 0 });
    const doc = await t.db.collection('dotted_stored').findOne({ _id: positionId('ds', 1) });
    expect(doc).toMatchObject({ 'x.y': 1, $z: 1 });
  });

  it('a CSV quote that never closes ends the source with one error record: nothing after it is silently lost', async () => {
    const file = join(work, 'runaway.csv');
    await writeFile(file, 'sku,qty\na,1\n"b,2\nc,3\nd,4\n');
    const letters: Letter[] = [];
    const { report } = await drain(
      streamInsert(model('runaway'), readCsv(file, { schema }), {
        records: true,
        deadLetter: { write: (l) => void letters.push(l) },
      }),
    );
    expect(report.read).toBe(report.written + report.rejected);
    expect(report.written).toBe(1);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ position: 3, reason: { kind: 'parse' } });
  });
});

describe('bad input through the CLI (generated files, one process each)', () => {
  async function cli(args: string[]) {
    return runCli(args, { cwd: work });
  }

  it('NDJSON and CSV files of generated bad lines: exit 1, no crash, every line accounted in the report and the dead-letter file', async () => {
    const cases = fc.sample(caseArb, { numRuns: 200, seed: 42 });
    const ndjson = join(work, 'cli-bad.ndjson');
    await writeFile(ndjson, `${cases.map((c) => c.line).join('\n')}\n`);
    const csv = join(work, 'cli-bad.csv');
    await writeFile(
      csv,
      'sku,qty\n"a",1\n"b",x\n"c",1,extra\nd"e,2\n"f\n",3\n\u00e9\u0301,4\n"\ud83c\udff3\ufe0f\u200d\ud83c\udf08",5\n',
    );
    for (const [file, lines] of [
      [ndjson, cases.length],
      [csv, 7],
    ] as const) {
      const dlq = `${file}.rejected.ndjson`;
      const run = await cli([
        ...importArgs(file, t.uri, t.db.databaseName, `cli_${file.endsWith('csv') ? 'csv' : 'nd'}`),
        '--no-checkpoint',
        '--dead-letter',
        dlq,
        '--json',
        '--quiet',
        '--batch-size',
        '33',
      ]);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      const report = JSON.parse(run.stdout) as StreamReport;
      expect(report.read).toBe(lines);
      expect(report.read).toBe(report.written + report.rejected + report.skipped + report.notAttempted);
      const letters = await readLetters(dlq);
      expect(letters).toHaveLength(report.rejected);
      expect(new Set(letters.map((l) => l.position)).size).toBe(letters.length);
      expect(
        Number((await t.db.command({ collStats: `cli_${file.endsWith('csv') ? 'csv' : 'nd'}` })).count),
      ).toBe(report.written);
    }
  }, 60_000);
});
