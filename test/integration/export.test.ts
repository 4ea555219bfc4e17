import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { BSON } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportDocuments, exportNdjson } from '../../src/stream/export.js';
import { readNdjson } from '../../src/stream/sources/ndjson.js';
import { useTestDb } from '../support/db.js';
import { collect } from '../support/drain.js';

const t = useTestDb('export');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-export-'));
  const docs = Array.from({ length: 500 }, (_, i) => ({
    _id: new BSON.ObjectId(),
    n: i,
    name: `user ${i} ✓`,
    at: new Date(Date.UTC(2024, 0, 1) + i * 60_000),
    ratio: i + 0.5,
    nested: { tags: ['a', 'b'], flag: i % 2 === 0, nothing: null },
  }));
  await t.db.collection('people').insertMany(docs);
  await t.db.collection('typed').insertMany([
    {
      _id: 1 as never,
      i: new BSON.Int32(7),
      d: new BSON.Double(1),
      l: BSON.Long.fromString('9007199254740993'),
    },
  ]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('exportNdjson', () => {
  it('exports every document as a line that readNdjson reads back with its BSON types', async () => {
    const path = join(dir, 'out', 'people.ndjson');
    const result = await exportNdjson(t.db.collection('people'), { sort: { n: 1 }, batchSize: 37 }, path);
    const text = await readFile(path, 'utf8');
    expect(result).toEqual({ exported: 500, bytes: Buffer.byteLength(text) });
    const records = await collect(readNdjson(path));
    const stored = await t.db.collection('people').find().sort({ n: 1 }).toArray();
    expect(records.map((r) => r.value)).toEqual(stored);
    expect(records.every((r) => r.error === undefined)).toBe(true);
    expect((await readdir(join(dir, 'out'))).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('applies filter, projection, sort and limit', async () => {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (chunk: Buffer) => chunks.push(chunk));
    const result = await exportNdjson(
      t.db.collection('people'),
      { filter: { n: { $gte: 10 } }, projection: { _id: 0, n: 1 }, sort: { n: -1 }, limit: 3 },
      sink,
    );
    expect(result.exported).toBe(3);
    expect(Buffer.concat(chunks).toString()).toBe('{"n":499}\n{"n":498}\n{"n":497}\n');
    expect(sink.writableEnded).toBe(false);
  });

  it('keeps Int32, Double and Long exact in canonical mode', async () => {
    const path = join(dir, 'typed.ndjson');
    await exportNdjson(t.db.collection('typed'), { ejson: 'canonical' }, path);
    const [record] = await collect(readNdjson(path, { ejson: 'canonical' }));
    const stored = await t.db.collection('typed').findOne({}, { promoteValues: false });
    expect(BSON.EJSON.stringify(record?.value, { relaxed: false })).toBe(
      BSON.EJSON.stringify(stored, { relaxed: false }),
    );
    expect((await readFile(path, 'utf8')).trim()).toContain('"$numberLong":"9007199254740993"');
  });

  it('waits on a slow destination instead of buffering the collection', async () => {
    const pad = 'p'.repeat(1000);
    await t.db.collection('padded').insertMany(Array.from({ length: 2000 }, (_, n) => ({ n, pad })));
    let maxBuffered = 0;
    const slow = new Writable({
      highWaterMark: 16 * 1024,
      write(_chunk, _encoding, callback) {
        maxBuffered = Math.max(maxBuffered, this.writableLength);
        setTimeout(callback, 1);
      },
    });
    const result = await exportNdjson(t.db.collection('padded'), {}, slow);
    expect(result.exported).toBe(2000);
    expect(result.bytes).toBeGreaterThan(2_000_000);
    // One gathered write (≤ 64 KiB plus a line) at a time, never the whole 2 MB export.
    expect(maxBuffered).toBeLessThan(80 * 1024);
  });

  it('leaves no file under the name when the export fails', async () => {
    const path = join(dir, 'failed.ndjson');
    await expect(
      exportNdjson(t.db.collection('people'), { filter: { $bogusOperator: 1 } as never }, path),
    ).rejects.toThrow();
    expect(
      (await readdir(dir)).filter((name) => name.startsWith('failed') || name.includes('failed.ndjson')),
    ).toEqual([]);
  });

  it('rejects bad options before querying', async () => {
    await expect(
      exportNdjson(t.db.collection('people'), { batchSize: 0 }, join(dir, 'x.ndjson')),
    ).rejects.toThrow('Expected `batchSize` to be a positive integer, got 0 (number)');
    await expect(exportNdjson(t.db.collection('people'), {}, '')).rejects.toThrow('Expected `destination`');
  });
});

describe('exportDocuments', () => {
  it('yields the documents, and closes the cursor when the loop stops early', async () => {
    const seen: number[] = [];
    for await (const document of exportDocuments(t.db.collection<{ n: number }>('people'), {
      sort: { n: 1 },
      batchSize: 10,
    })) {
      seen.push(document.n);
      if (seen.length === 25) break;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });
});
