import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { BSON } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { readCsv } from '../../src/stream/sources/csv.js';
import { fromIterable } from '../../src/stream/sources/from-iterable.js';
import { readJsonArray } from '../../src/stream/sources/json-array.js';
import { readNdjson } from '../../src/stream/sources/ndjson.js';
import { openSource, sourceFormat, sourceSize } from '../../src/stream/sources/open-source.js';
import { collect } from '../support/drain.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-sources-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A stream of the text's bytes cut at the given offsets (mid-character cuts included). */
function chunked(text: string | Buffer, cuts: readonly number[] = []): Readable {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const offsets = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let start = 0;
  for (const offset of [...offsets, bytes.length]) {
    if (offset > start) pieces.push(bytes.subarray(start, offset));
    start = Math.max(start, offset);
  }
  return Readable.from(pieces);
}

/** Live bytes (JS heap and Buffers) after a full collection. */
function liveBytes(): number {
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

const plainKey = fc
  .string({ minLength: 1, maxLength: 8 })
  .filter((key) => !key.startsWith('$') && key !== '__proto__');
const jsonObject = fc.dictionary(plainKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 });

describe('readNdjson', () => {
  it('numbers records by line, skips blank lines, and keeps the raw line', async () => {
    const text = '{"a":1}\n\n   \n{"b":2}\n{"c":3}';
    const records = await collect(readNdjson(chunked(text)));
    expect(records.map((r) => [r.position, r.raw, r.value])).toEqual([
      [1, '{"a":1}', { a: 1 }],
      [4, '{"b":2}', { b: 2 }],
      [5, '{"c":3}', { c: 3 }],
    ]);
    expect(records.map((r) => r.bytesRead)).toEqual([8, 21, Buffer.byteLength(text)]);
  });

  it('strips CRLF line ends and a UTF-8 byte-order mark', async () => {
    const records = await collect(readNdjson(chunked('\ufeff{"a":"é"}\r\n\r\n{"b":2}\r\n')));
    expect(records.map((r) => [r.position, r.raw, r.value])).toEqual([
      [1, '{"a":"é"}', { a: 'é' }],
      [3, '{"b":2}', { b: 2 }],
    ]);
  });

  it('turns a malformed line into an error record and reads on', async () => {
    const records = await collect(readNdjson(chunked('{"a":1}\n{"a":\n{"b":2}\n')));
    expect(records).toHaveLength(3);
    expect(records[1]).toMatchObject({ position: 2, raw: '{"a":', error: { code: 'BW_PARSE_JSON' } });
    expect(records[1]?.value).toBeUndefined();
    expect(records[2]).toMatchObject({ position: 3, value: { b: 2 } });
  });

  it.each([
    ['42', 'a number'],
    ['[1,2]', 'an array'],
    ['null', 'null'],
    ['"text"', 'a string'],
  ])('reports a line that parses to %s as BW_NOT_AN_OBJECT', async (line, got) => {
    const [record] = await collect(readNdjson(chunked(`${line}\n`)));
    expect(record).toEqual({
      position: 1,
      raw: line,
      bytesRead: line.length + 1,
      error: { code: 'BW_NOT_AN_OBJECT', message: `Expected a JSON object, got ${got}` },
    });
  });

  it('reads Extended JSON types by default, and plain JSON with ejson: false', async () => {
    const id = new BSON.ObjectId();
    const line = `{"_id":{"$oid":"${id.toHexString()}"},"at":{"$date":"2024-05-01T00:00:00Z"},"n":{"$numberInt":"7"}}`;
    const [relaxed] = await collect(readNdjson(chunked(line)));
    expect(relaxed?.value).toEqual({ _id: id, at: new Date('2024-05-01T00:00:00Z'), n: 7 });
    const [canonical] = await collect(readNdjson(chunked(line), { ejson: 'canonical' }));
    expect((canonical?.value as { n: unknown } | undefined)?.n).toEqual(new BSON.Int32(7));
    const [plain] = await collect(readNdjson(chunked(line), { ejson: false }));
    expect((plain?.value as { _id: unknown } | undefined)?._id).toEqual({ $oid: id.toHexString() });
  });

  it('turns a line over maxLineBytes into an error record with its start, and reads on', async () => {
    const long = `{"x":"${'y'.repeat(5000)}"}`;
    const text = `{"a":1}\n${long}\n{"b":2}\n`;
    const records = await collect(readNdjson(chunked(text, [20, 100, 3000]), { maxLineBytes: 1000 }));
    expect(records.map((r) => [r.position, r.error?.code])).toEqual([
      [1, undefined],
      [2, 'BW_LINE_TOO_LONG'],
      [3, undefined],
    ]);
    expect(records[1]?.raw).toBe(long.slice(0, 1024));
    expect(records[2]?.bytesRead).toBe(text.length);
  });

  it('does not buffer a huge line: memory stays flat while 64 MiB without a newline stream by', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x'.charCodeAt(0));
    const before = liveBytes();
    let atEnd = 0;
    async function* huge() {
      yield Buffer.from('{"a":1}\n');
      for (let i = 0; i < 1024; i++) yield chunk;
      atEnd = liveBytes();
      yield Buffer.from('\n{"b":2}\n');
    }
    const records = await collect(readNdjson(huge(), { maxLineBytes: 1024 * 1024 }));
    expect(records.map((r) => r.error?.code ?? 'ok')).toEqual(['ok', 'BW_LINE_TOO_LONG', 'ok']);
    expect(atEnd - before).toBeLessThan(16 * 1024 * 1024);
  });

  it('reads a 200k-line file in bounded memory', async () => {
    const path = join(dir, 'big.ndjson');
    const line = (i: number) =>
      `${JSON.stringify({ i, name: `user ${i}`, tags: ['a', 'b', 'c'], pad: 'p'.repeat(80) })}\n`;
    await writeFile(path, Array.from({ length: 200_000 }, (_, i) => line(i)).join(''));
    const before = liveBytes();
    let peak = 0;
    let count = 0;
    let last = 0;
    for await (const record of readNdjson(path)) {
      count++;
      last = record.position;
      if (count % 40_000 === 0) peak = Math.max(peak, liveBytes() - before);
    }
    expect(count).toBe(200_000);
    expect(last).toBe(200_000);
    // The file is ~29 MB and its records would take several times that if retained.
    expect(peak).toBeLessThan(12 * 1024 * 1024);
  });

  it('reads a file whose lines cross its read buffer’s edges intact (the buffer is reused)', async () => {
    const path = join(dir, 'edges.ndjson');
    // Lines of 1 to ~700 bytes, and one longer than a whole read (256 KiB): many cross an edge.
    const lines = Array.from({ length: 4_000 }, (_, i) =>
      JSON.stringify({ i, pad: i === 1_500 ? 'L'.repeat(300_000) : 'x'.repeat((i * 7919) % 700) }),
    );
    await writeFile(path, `${lines.join('\n')}\n`);
    const records = await collect(readNdjson(path));
    expect(records.map((r) => r.raw)).toEqual(lines);
    expect(records.every((r) => r.error === undefined)).toBe(true);
  });

  it('reads back any objects written as NDJSON with CRLF, blank lines and arbitrary chunk cuts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(jsonObject, fc.nat(2), fc.boolean()), { maxLength: 20 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (rows, bom, cuts) => {
          let text = bom ? '\ufeff' : '';
          let line = 0;
          const expected: [number, string, unknown][] = [];
          for (const [object, blanks, crlf] of rows) {
            const end = crlf ? '\r\n' : '\n';
            text += end.repeat(blanks);
            line += blanks + 1;
            const json = JSON.stringify(object);
            text += json + end;
            expected.push([line, json, JSON.parse(json)]);
          }
          const records = await collect(readNdjson(chunked(text, cuts), { ejson: false }));
          expect(records.map((r) => [r.position, r.raw, r.value])).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rejects a bad option before reading', () => {
    expect(() => readNdjson('missing.ndjson', { maxLineBytes: 0 })).toThrow(
      'Expected `maxLineBytes` to be a positive integer, got 0 (number)',
    );
  });
});

describe('readCsv', () => {
  it('maps the header to keys, positions rows by line, and keeps raw text', async () => {
    const records = await collect(readCsv(chunked('name,city\nann,Paris\n\nbob,"Oslo\nNorth"\ncid,Rome\n')));
    expect(records.map((r) => [r.position, r.raw, r.value])).toEqual([
      [2, 'ann,Paris', { name: 'ann', city: 'Paris' }],
      [4, 'bob,"Oslo\nNorth"', { name: 'bob', city: 'Oslo\nNorth' }],
      [6, 'cid,Rome', { name: 'cid', city: 'Rome' }],
    ]);
  });

  it('handles CRLF, a BOM and CRLF inside quoted fields (csv-parse counts those twice)', async () => {
    const text = '\ufeffa,b\r\n1,"x\r\ny\r\nz"\r\n2,w\r\n\r\n3,v';
    const records = await collect(readCsv(chunked(text)));
    expect(records.map((r) => [r.position, r.value])).toEqual([
      [2, { a: '1', b: 'x\r\ny\r\nz' }],
      [5, { a: '2', b: 'w' }],
      [7, { a: '3', b: 'v' }],
    ]);
  });

  it('reports a ragged row with its line and reads on', async () => {
    const records = await collect(readCsv(chunked('a,b\n1,2\n3\n4,5,6\n7,8\n')));
    expect(records.map((r) => [r.position, r.raw, r.error?.code ?? r.value])).toEqual([
      [2, '1,2', { a: '1', b: '2' }],
      [3, '3', 'BW_PARSE_CSV'],
      [4, '4,5,6', 'BW_PARSE_CSV'],
      [5, '7,8', { a: '7', b: '8' }],
    ]);
    expect(records[1]?.error?.message).toBe('Expected 2 fields (as in the header), got 1');
  });

  it('reports a bad quote once per row and reads on', async () => {
    const records = await collect(readCsv(chunked('a,b\n1,x"y\n2,3\n"4"z,5\n')));
    expect(records.map((r) => [r.position, r.error?.code ?? r.value])).toEqual([
      [2, 'BW_PARSE_CSV'],
      [3, { a: '2', b: '3' }],
      [4, 'BW_PARSE_CSV'],
    ]);
  });

  it('reports an unclosed quote at the line it opens on, its raw holding the rest of the file', async () => {
    const records = await collect(readCsv(chunked('a,b\n1,2\n3,"open\n4,5\n6,7\n')));
    expect(records.map((r) => [r.position, r.error?.code])).toEqual([
      [2, undefined],
      [3, 'BW_PARSE_CSV'],
    ]);
    expect(records[1]?.raw).toBe('3,"open\n4,5\n6,7');
  });

  it('gives every bad row its whole line(s) as in the file, wherever the chunks are cut', async () => {
    // mongoimport's test_bad.csv row `3,5".4,string`: csv-parse's own raw text stops at `3,5"`.
    const file =
      '\ufeff_id,b,c\r\n1,2,x\r\n3,5".4,string\r\n4,5,y\r\n5,6\r\n\r\n6,7,"a\r\nb",z\r\n8,x,y\r\n9,"open,1\r\n10,1,1';
    const lines = file.slice(1).split('\r\n');
    const expected = [
      [2, undefined, '1,2,x'],
      [3, 'BW_PARSE_CSV', lines[2]],
      [4, undefined, '4,5,y'],
      [5, 'BW_PARSE_CSV', lines[4]],
      [7, 'BW_PARSE_CSV', `${lines[6]}\r\n${lines[7]}`],
      [9, undefined, '8,x,y'],
      [10, 'BW_PARSE_CSV', `${lines[9]}\r\n${lines[10]}`],
    ];
    expect(expected[1]?.[2]).toBe('3,5".4,string');
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 8 }), async (cuts) => {
        const records = await collect(readCsv(chunked(file, cuts)));
        expect(records.map((r) => [r.position, r.error?.code, r.raw])).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('ends the source at a record longer than maxRecordBytes instead of buffering it', async () => {
    const rows = Array.from({ length: 200 }, () => '4,5\n');
    const records = await collect(
      readCsv(Readable.from(['a,b\n1,2\n3,"open\n', ...rows].map((s) => Buffer.from(s))), {
        maxRecordBytes: 100,
      }),
    );
    expect(records.map((r) => [r.position, r.error?.code])).toEqual([
      [2, undefined],
      [3, 'BW_PARSE_CSV'],
    ]);
    expect(records[1]?.error?.message).toMatch(/longer than maxRecordBytes \(100\).*source ends here/);
  });

  it('converts typed columns and reports a cell that does not convert', async () => {
    const text = 'n;ok;at;j;s\n1.5;yes;2024-01-02T03:04:05Z;"{""a"":[1]}";x\nabc;no;;;\n2;maybe;;;\n';
    const types = { n: 'number', ok: 'boolean', at: 'date', j: 'json' } as const;
    const records = await collect(readCsv(chunked(text), { delimiter: ';', types }));
    expect(records[0]?.value).toEqual({
      n: 1.5,
      ok: true,
      at: new Date('2024-01-02T03:04:05Z'),
      j: { a: [1] },
      s: 'x',
    });
    expect(records[1]).toMatchObject({
      position: 3,
      error: { code: 'BW_CSV_TYPE', message: 'Column "n": expected a number, got "abc"' },
    });
    expect(records[2]?.error?.message).toBe('Column "ok": expected a boolean, got "maybe"');
  });

  it('infers column types from a Zod schema, nests dotted headers, and leaves empty optional cells out', async () => {
    const schema = z.object({
      name: z.string(),
      nick: z.string().optional(),
      age: z.number().int().optional(),
      active: z.boolean(),
      born: z.date().nullable(),
      address: z.object({ city: z.string(), zip: z.coerce.string().optional() }),
      tags: z.array(z.string()).default([]),
    });
    const text =
      'name,nick,age,active,born,address.city,address.zip,tags\nann,,41,true,2020-01-02,Paris,75001,"[""a""]"\nbob,b,,false,,Oslo,,\n';
    const records = await collect(readCsv(chunked(text), { schema }));
    expect(records.map((r) => r.value)).toEqual([
      {
        name: 'ann',
        age: 41,
        active: true,
        born: new Date('2020-01-02'),
        address: { city: 'Paris', zip: '75001' },
        tags: ['a'],
      },
      { name: 'bob', nick: 'b', active: false, born: null, address: { city: 'Oslo' } },
    ]);
    for (const record of records) expect(schema.safeParse(record.value).success).toBe(true);
  });

  it('reads headerless rows with explicit columns', async () => {
    const records = await collect(readCsv(chunked('1,2\n3,4\n'), { columns: ['x', 'y.z'] }));
    expect(records.map((r) => [r.position, r.value])).toEqual([
      [1, { x: '1', y: { z: '2' } }],
      [2, { x: '3', y: { z: '4' } }],
    ]);
  });

  it('refuses a header where one column nests inside another', async () => {
    const records = await collect(readCsv(chunked('a,a.b\n1,2\n')));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ position: 1, error: { code: 'BW_PARSE_CSV' } });
  });

  it('rejects bad options before reading', () => {
    expect(() => readCsv('x.csv', { delimiter: '' })).toThrow(
      'Expected `delimiter` to be a non-empty string',
    );
    expect(() => readCsv('x.csv', { types: { a: 'integer' as 'number' } })).toThrow(
      'Expected `types.a` to be one of',
    );
  });

  it('reads back any rows with quoted commas, quotes and line breaks at the right lines', async () => {
    const cell = fc.string({
      unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', 'é'),
      maxLength: 6,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 15 }),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (rows, end, cuts) => {
          const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
          let text = `a,b${end}`;
          let line = 2;
          const expected: [number, unknown][] = [];
          for (const [a, b] of rows) {
            expected.push([line, { a, b }]);
            const row = `${quote(a)},${quote(b)}`;
            text += row + end;
            line += 1 + (row.match(/\r\n|\r|\n/g)?.length ?? 0);
          }
          const records = await collect(readCsv(chunked(text, cuts)));
          expect(records.map((r) => [r.position, r.value])).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('readJsonArray', () => {
  it('yields the elements with 1-based positions, and non-objects as error records', async () => {
    const records = await collect(
      readJsonArray(chunked('\ufeff [ {"a":1}, 3, null, [1], {"b":{"c":2}} ]', [5, 9])),
    );
    expect(records.map((r) => [r.position, r.error?.code ?? r.value])).toEqual([
      [1, { a: 1 }],
      [2, 'BW_NOT_AN_OBJECT'],
      [3, 'BW_NOT_AN_OBJECT'],
      [4, 'BW_NOT_AN_OBJECT'],
      [5, { b: { c: 2 } }],
    ]);
  });

  it('ends with one error record naming the byte offset of a syntax error', async () => {
    const records = await collect(readJsonArray(chunked('[{"a":1}, {"b":x}, {"c":3}]')));
    expect(records).toHaveLength(2);
    expect(records[1]).toMatchObject({ position: 2, error: { code: 'BW_PARSE_JSON' } });
    expect(records[1]?.error?.message).toContain('near byte 15');
  });

  it('reports a truncated array and a top-level value that is not an array', async () => {
    const truncated = await collect(readJsonArray(chunked('[{"a":1}, {"b":')));
    expect(truncated.map((r) => r.error?.code)).toEqual([undefined, 'BW_PARSE_JSON']);
    const object = await collect(readJsonArray(chunked('{"a":1}')));
    expect(object).toEqual([
      {
        position: 1,
        error: { code: 'BW_PARSE_JSON', message: expect.stringContaining('to be a JSON array') },
      },
    ]);
  });

  it('reads Extended JSON values', async () => {
    const [record] = await collect(readJsonArray(chunked('[{"at":{"$date":"2024-01-01T00:00:00Z"}}]')));
    expect(record?.value).toEqual({ at: new Date('2024-01-01T00:00:00Z') });
  });

  it('reads back any array of objects cut at arbitrary points', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(jsonObject, { maxLength: 15 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (objects, cuts) => {
          const text = JSON.stringify(objects, null, 1);
          const records = await collect(readJsonArray(chunked(text, cuts), { ejson: false }));
          expect(records.map((r) => [r.position, r.value])).toEqual(
            objects.map((o, i) => [i + 1, JSON.parse(JSON.stringify(o))]),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it('reads a 200k-element array in bounded memory', async () => {
    const path = join(dir, 'big.json');
    const element = (i: number) => JSON.stringify({ i, name: `user ${i}`, pad: 'p'.repeat(60) });
    await writeFile(path, `[${Array.from({ length: 200_000 }, (_, i) => element(i)).join(',\n')}]`);
    const before = liveBytes();
    let peak = 0;
    let count = 0;
    for await (const record of readJsonArray(path, { ejson: false })) {
      count++;
      if (record.position % 40_000 === 0) peak = Math.max(peak, liveBytes() - before);
    }
    expect(count).toBe(200_000);
    expect(peak).toBeLessThan(12 * 1024 * 1024);
  });
});

describe('fromIterable', () => {
  it('numbers the elements of sync, async and object-mode stream sources', async () => {
    const expected = [
      { position: 1, value: { a: 1 } },
      { position: 2, value: 'x' },
    ];
    expect(await collect(fromIterable([{ a: 1 }, 'x']))).toEqual(expected);
    async function* generate() {
      yield { a: 1 };
      yield 'x';
    }
    expect(await collect(fromIterable(generate()))).toEqual(expected);
    expect(await collect(fromIterable(Readable.from([{ a: 1 }, 'x'])))).toEqual(expected);
  });

  it('passes SourceRecords through with records: true, and flags items that are not records', async () => {
    const record = { position: 7, raw: '{}', value: {} };
    const records = await collect(fromIterable([record, { value: 1 }], { records: true }));
    expect(records[0]).toBe(record);
    expect(records[1]).toMatchObject({ position: 2, error: { code: 'BW_NOT_A_RECORD' } });
  });

  it('rejects a source that is not iterable', () => {
    expect(() => fromIterable(42 as unknown as Iterable<unknown>)).toThrow(
      'Expected `source` to be an iterable or async iterable, got 42 (number)',
    );
  });
});

describe('openSource', () => {
  it('picks the reader from the extension or the format option', async () => {
    const path = join(dir, 'people.CSV');
    await writeFile(path, 'a\n1\n');
    expect(await collect(openSource(path))).toEqual([
      { position: 2, raw: '1', bytesRead: 4, value: { a: '1' } },
    ]);
    expect(sourceFormat('x.jsonl')).toBe('ndjson');
    expect(sourceFormat('x.json')).toBe('json');
    expect(sourceFormat('x.txt', 'ndjson')).toBe('ndjson');
    const records = await collect(openSource(chunked('{"a":1}\n'), { format: 'ndjson' }));
    expect(records.map((r) => r.value)).toEqual([{ a: 1 }]);
    expect(await sourceSize(path)).toBe(4);
  });

  it('says which extensions it knows, and that a stream needs a format', () => {
    expect(() => openSource('data.txt')).toThrow(
      'Cannot tell the format of `data.txt` from its extension: expected .ndjson, .jsonl, .json or .csv, or pass `format`',
    );
    expect(() => openSource(chunked(''))).toThrow('Expected `format`');
    expect(() => openSource('a.csv', { format: 'xml' as 'csv' })).toThrow(
      "Expected `format` to be 'ndjson', 'csv' or 'json'",
    );
  });
});
