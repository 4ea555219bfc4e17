/**
 * mongoimport parity without a server (issue 17): field names checked before anything is sent,
 * zone-safe date text, Go/.NET/Oracle layouts, typed headers, blank cells, and the new options.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type Binary, Decimal128, Double, Long } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImportCommand, parseCli, UsageError } from '../../src/cli/args.js';
import { DEFAULT_BATCH_TIMEOUT_MS } from '../../src/plan/options.js';
import { readCsv } from '../../src/stream/sources/csv.js';
import { parseDateText } from '../../src/stream/sources/date-text.js';
import { resolveStreamOptions } from '../../src/stream/stream-options.js';
import { collect } from '../support/drain.js';

const base = [
  'import',
  'people.csv',
  '--uri',
  'mongodb://127.0.0.1:27017',
  '--db',
  'app',
  '--collection',
  'people',
];

function problems(...extra: string[]): readonly string[] {
  try {
    parseCli([...base, ...extra], {});
  } catch (error) {
    if (error instanceof UsageError) return error.problems;
    throw error;
  }
  return [];
}

function parsed(...extra: string[]): ImportCommand {
  const command = parseCli([...base, ...extra], {});
  if (command.command !== 'import') throw new Error('expected an import');
  return command;
}

const csv = (text: string) => Readable.from([Buffer.from(text)]);
const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-parity-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('field names are checked before anything is sent', () => {
  it.each([
    ['--columns', 'a,$,b', '"$"'],
    ['--columns', 'a,b..c', '"b..c"'],
    ['--columns', '.a,b', '".a"'],
    ['--columns', 'a.,b', '"a."'],
    ['--types', 'a.$x:number', '"a.$x"'],
  ])('%s %s is an option error naming the field', (option, value, named) => {
    const found = problems('--format', 'csv', option, value);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(option);
    expect(found[0]).toContain(named);
  });

  it('checks --upsert-fields and the names in --fields-file', async () => {
    expect(problems('--mode', 'upsert', '--upsert-fields', 'email,$where')[0]).toMatch(
      /--upsert-fields.*"\$where"/,
    );
    const file = join(dir, 'fields.txt');
    await writeFile(file, 'name\n$bad\nage\n');
    expect(problems('--fields-file', file)).toEqual([expect.stringMatching(/^--fields-file: .*"\$bad"/)]);
  });

  it('checks typed column names and their types', () => {
    expect(problems('--columns-have-types', '--columns', 'a.int32(),b.nope()')[0]).toMatch(
      /unknown type nope/,
    );
    expect(problems('--columns-have-types', '--columns', '$a.int32()')[0]).toMatch(/"\$a"/);
    expect(problems('--columns-have-types', '--columns', 'a.int32(),b.string()')).toEqual([]);
  });

  it('library: readCsv refuses bad columns and streamInsert bad upsertFields, before any I/O', () => {
    expect(() => readCsv('never-opened.csv', { columns: ['a', '$b'] })).toThrow(/`columns`.*"\$b"/);
    expect(() => resolveStreamOptions({ mode: 'upsert', upsertFields: ['a..b'] })).toThrow(
      /`upsertFields`.*empty path segment/,
    );
  });

  it('a header row with a bad name is one clear error record, and no row is read', async () => {
    const records = await collect(readCsv(csv('name,$age\nann,3\nbob,4\n')));
    expect(records).toHaveLength(1);
    expect(records[0]?.error?.message).toMatch(
      /Header "\$age" is not a usable field path.*no row can be read/,
    );
  });
});

describe('date text', () => {
  it('reads zone-less text as UTC, or in the zone given', async () => {
    const text = 'd\n"June 02, 1997 15:24:00"\n2016-06-08 09:26\n2016-06-08T09:26:00+02:00\n';
    const utc = await collect(readCsv(csv(text), { types: { d: 'date' } }));
    expect(utc.map((r) => iso((r.value as { d: Date }).d))).toEqual([
      '1997-06-02T15:24:00.000Z',
      '2016-06-08T09:26:00.000Z',
      '2016-06-08T07:26:00.000Z',
    ]);
    const ny = await collect(readCsv(csv(text), { types: { d: 'date' }, timeZone: 'America/New_York' }));
    expect(ny.map((r) => iso((r.value as { d: Date }).d))).toEqual([
      '1997-06-02T19:24:00.000Z',
      '2016-06-08T13:26:00.000Z',
      '2016-06-08T07:26:00.000Z',
    ]);
    const offset = await collect(readCsv(csv(text), { types: { d: 'date' }, timeZone: '+05:30' }));
    expect(iso((offset[0]?.value as { d: Date } | undefined)?.d)).toBe('1997-06-02T09:54:00.000Z');
  });

  it('reads every form docs/cli.md lists', () => {
    const forms: [string, string][] = [
      ['2016-06-08', '2016-06-08T00:00:00.000Z'],
      ['2016-06-08 09:26', '2016-06-08T09:26:00.000Z'],
      ['2016-06-08T09:26:00.5', '2016-06-08T09:26:00.500Z'],
      ['2016/06/08', '2016-06-08T00:00:00.000Z'],
      ['June 02, 1997 15:24:00', '1997-06-02T15:24:00.000Z'],
      ['Jun 2 1997', '1997-06-02T00:00:00.000Z'],
      ['2 June 1997 3:24 PM', '1997-06-02T15:24:00.000Z'],
      ['Mon, 02 Jun 1997 15:24:00 GMT', '1997-06-02T15:24:00.000Z'],
      ['2016-06-08T09:26:00Z', '2016-06-08T09:26:00.000Z'],
      ['2016-06-08 09:26 -0500', '2016-06-08T14:26:00.000Z'],
      ['June 02, 1997 15:24 +02', '1997-06-02T13:24:00.000Z'],
    ];
    for (const [text, expected] of forms) expect([text, iso(parseDateText(text))]).toEqual([text, expected]);
  });

  it('refuses day/month text without a layout (06/08/2016 is June or August), and reads it with one', async () => {
    expect(parseDateText('06/08/2016 09:26:00')).toEqual({ problem: expect.stringMatching(/ambiguous/) });
    expect(parseDateText('13/08/2016')).toEqual({ problem: expect.stringMatching(/ambiguous/) });
    const records = await collect(
      readCsv(csv('d.date(01/02/2006 15:04:05),e.date(02/01/2006)\n06/08/2016 09:26:00,06/08/2016\n'), {
        columnsHaveTypes: true,
      }),
    );
    const value = records[0]?.value as { d: Date; e: Date };
    expect([iso(value.d), iso(value.e)]).toEqual(['2016-06-08T09:26:00.000Z', '2016-08-06T00:00:00.000Z']);
  });

  it('refuses what is no date, naming the column', async () => {
    const records = await collect(readCsv(csv('d\nFeb 30 2020\nsoon\n'), { types: { d: 'date' } }));
    expect(records.map((r) => r.error?.message)).toEqual([
      expect.stringMatching(/^Column "d": "Feb 30 2020" is not a valid calendar date/),
      expect.stringMatching(/^Column "d": "soon" is not a date/),
    ]);
  });

  it('rejects an unknown zone before reading', () => {
    expect(() => readCsv('x.csv', { timeZone: 'Mars/Olympus' })).toThrow(/`timeZone`/);
    expect(problems('--timezone', 'Mars/Olympus')[0]).toMatch(/^--timezone: expected an IANA time zone/);
  });
});

describe('typed headers (--columns-have-types, as mongoimport)', () => {
  it("reads mongoimport's types, nested names and date layouts", async () => {
    const header =
      'a.string(),b.int32(),n.int64(),x.double(),"c.xyz.date_oracle(Month dd, yyyy HH24:mi:ss)",c.noop.boolean(),d.hij.binary(hex),m.date_ms(yyyy-MM-dd HH:mm),g.date_go(2006-01-02),z.auto(),q.decimal(),e.binary(base64),f.binary(base32)';
    const row =
      'foo,12,9007199254740993,1,"June 02, 1997 15:24:00",true,7bc3049f,2016-06-08 09:26,2016-06-08,3.5,1.10,dGVzdAo=,ORSXG5AK';
    const [record] = await collect(readCsv(csv(`${header}\n${row}\n`), { columnsHaveTypes: true }));
    const v = record?.value as Record<string, unknown>;
    expect(v).toMatchObject({ a: 'foo', b: 12, c: { noop: true } });
    expect(v.n).toEqual(Long.fromString('9007199254740993'));
    expect(v.x).toEqual(new Double(1));
    expect(v.z).toEqual(new Double(3.5));
    expect(iso((v.c as { xyz: Date }).xyz)).toBe('1997-06-02T15:24:00.000Z');
    expect(iso(v.m)).toBe('2016-06-08T09:26:00.000Z');
    expect(iso(v.g)).toBe('2016-06-08T00:00:00.000Z');
    expect((v.d as { hij: Binary }).hij.toString('hex')).toBe('7bc3049f');
    expect(v.q).toEqual(Decimal128.fromString('1.10'));
    expect((v.e as Binary).toString('utf8')).toBe('test\n');
    expect((v.f as Binary).toString('utf8')).toBe('test\n');
  });

  it("dead-letters a cell that does not convert (mongoimport's test_type.csv), and reads on", async () => {
    const records = await collect(
      readCsv(csv('zip.string(),number.double()\n12345,20.2\n12345-1234,40.4\n23455,BLAH\n'), {
        columnsHaveTypes: true,
      }),
    );
    expect(records.map((r) => [r.position, r.error?.code ?? (r.value as { zip: string }).zip])).toEqual([
      [2, '12345'],
      [3, '12345-1234'],
      [4, 'BW_CSV_TYPE'],
    ]);
    expect(records[2]?.error?.message).toBe('Column "number": expected a double, got "BLAH"');
  });

  it('leaves an empty cell of a typed non-text column out (an empty int32 is no int32), keeps an empty string()', async () => {
    const records = await collect(readCsv(csv('a.string(),b.int32()\n,\n'), { columnsHaveTypes: true }));
    expect(records[0]?.value).toEqual({ a: '' });
  });

  it('refuses a header cell without a type', async () => {
    const records = await collect(readCsv(csv('a.int32(),b\n1,2\n'), { columnsHaveTypes: true }));
    expect(records[0]?.error?.message).toMatch(/Header "b" has no type/);
  });
});

describe('blank cells and the other new options', () => {
  it('--ignore-blanks leaves empty cells out, even string ones', async () => {
    const text = 'a,b,c\n1,,x\n,2,\n';
    const kept = await collect(readCsv(csv(text)));
    expect(kept.map((r) => r.value)).toEqual([
      { a: '1', b: '', c: 'x' },
      { a: '', b: '2', c: '' },
    ]);
    const blanksOut = await collect(readCsv(csv(text), { ignoreBlanks: true }));
    expect(blanksOut.map((r) => r.value)).toEqual([{ a: '1', c: 'x' }, { b: '2' }]);
    expect(parsed('--ignore-blanks').ignoreBlanks).toBe(true);
  });

  it('parses --mode delete, --batch-timeout and --fields-file', async () => {
    const file = join(dir, 'header.txt');
    await writeFile(file, 'name\r\nage\r\n\r\n');
    const command = parsed(
      '--mode',
      'delete',
      '--upsert-fields',
      'name',
      '--batch-timeout',
      '2.5',
      '--fields-file',
      file,
    );
    expect(command).toMatchObject({
      mode: 'delete',
      upsertFields: ['name'],
      batchTimeoutMs: 2500,
      columns: ['name', 'age'],
    });
    expect(problems('--batch-timeout', '0')[0]).toMatch(/^--batch-timeout: expected a number of seconds/);
  });

  it('the batch deadline defaults to 60 s, as docs/cli.md says, in the CLI and the library', () => {
    expect(DEFAULT_BATCH_TIMEOUT_MS).toBe(60_000);
    expect(parsed().batchTimeoutMs).toBe(60_000);
    expect(resolveStreamOptions({}).batchTimeoutMs).toBe(60_000);
  });
});
