import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPartition, filesOfShare, parsePartition, shareRange } from '../../src/stream/partition.js';
import { shareRecords } from '../../src/stream/sources/share-source.js';
import { readTextShare } from '../../src/stream/sources/text-share.js';
import type { SourceRecord } from '../../src/stream/types.js';
import { collect } from '../support/drain.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-partition-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function shares(path: string, count: number): Promise<SourceRecord[][]> {
  const all: SourceRecord[][] = [];
  for (let index = 0; index < count; index++) all.push(await collect(shareRecords(path, { index, count })));
  return all;
}

const strip = ({ bytesRead: _b, line: _l, ...rest }: SourceRecord) => rest;

describe('shares of one file', () => {
  it('NDJSON: every record in exactly one share, at the same byte position as in a whole-file read', async () => {
    const line = fc.oneof(
      fc
        .record({ a: fc.integer(), s: fc.string({ unit: 'grapheme', maxLength: 30 }) })
        .map((v) => JSON.stringify(v)),
      fc.constantFrom('', '   ', '{"broken": ', '[1]', '{"crlf":1}\r'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 60 }),
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        async (lines, count, trailing) => {
          const path = join(dir, 'p.ndjson');
          await writeFile(path, lines.join('\n') + (trailing ? '\n' : ''));
          const whole = await collect(shareRecords(path, { index: 0, count: 1 }));
          const parts = await shares(path, count);
          expect(parts.flat().map(strip)).toEqual(whole.map(strip));
          // The share starting at byte 0 knows line numbers; positions are byte offsets + 1.
          const text = Buffer.from(lines.join('\n'));
          for (const record of whole) {
            expect(record.line).toBeDefined();
            expect(record.position === 1 || text[record.position - 2] === 0x0a).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('CSV: every share reads the header first, and rows keep their whole-file positions', async () => {
    const path = join(dir, 'p.csv');
    const rows = Array.from({ length: 200 }, (_, i) => `${i},name ${i},"quoted, ${i}"`);
    await writeFile(path, `n,name,note\n${rows.join('\n')}\n`);
    const whole = await collect(shareRecords(path, { index: 0, count: 1 }));
    expect(whole).toHaveLength(200);
    for (const count of [2, 3, 7]) {
      const parts = await shares(path, count);
      expect(parts.flat().map(strip)).toEqual(whole.map(strip));
      for (const part of parts) for (const r of part) expect(r.value).toHaveProperty('name');
    }
  });

  it('CSV with a line break inside a quoted field: a split share refuses it (BW_PARTITION_MULTILINE_CSV); one share reads it', async () => {
    const path = join(dir, 'multi.csv');
    const rows = Array.from({ length: 50 }, (_, i) => `${i},"line one\nline two"`);
    await writeFile(path, `n,note\n${rows.join('\n')}\n`);
    expect(await collect(shareRecords(path, { index: 0, count: 1 }))).toHaveLength(50);
    await expect(collect(shareRecords(path, { index: 0, count: 2 }))).rejects.toMatchObject({
      code: 'BW_PARTITION_MULTILINE_CSV',
    });
  });

  it('a resumed share past byte 0 seeks to its checkpoint line; share 0 reads from its start (line numbers)', async () => {
    const path = join(dir, 'seek.ndjson');
    await writeFile(path, `${Array.from({ length: 100 }, (_, i) => JSON.stringify({ i })).join('\n')}\n`);
    const [first, second] = await shares(path, 2);
    const checkpoint = second![10]!.position;
    const resumed = await collect(
      readTextShare(path, { index: 1, count: 2 }, { format: 'ndjson', resumeAfter: checkpoint }),
    );
    expect(resumed.map(strip)).toEqual(second!.slice(10).map(strip));
    const zero = await collect(
      readTextShare(path, { index: 0, count: 2 }, { format: 'ndjson', resumeAfter: first![10]!.position }),
    );
    expect(zero.map(strip)).toEqual(first!.map(strip));
  });

  it('a JSON array splits by element number modulo the count', async () => {
    const path = join(dir, 'p.json');
    await writeFile(path, JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ i }))));
    const parts = await shares(path, 3);
    expect(parts.map((p) => p.map((r) => r.position))).toEqual([
      [1, 4, 7, 10],
      [2, 5, 8],
      [3, 6, 9],
    ]);
  });
});

describe('partition helpers', () => {
  it('byte ranges cover the file without gaps or overlaps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 1, max: 100 }), (size, count) => {
        let next = 0;
        for (let index = 0; index < count; index++) {
          const { start, end } = shareRange(size, { index, count });
          expect(start).toBe(next);
          expect(end).toBeGreaterThanOrEqual(start);
          next = end;
        }
        expect(next).toBe(size);
      }),
    );
  });

  it('parses i/n and refuses anything else', () => {
    expect(parsePartition('3/8')).toEqual({ index: 3, count: 8 });
    for (const bad of ['8/8', '-1/2', '1', '1/0', 'a/b', '1/2/3'])
      expect(parsePartition(bad)).toBeUndefined();
    expect(() => checkPartition({ index: 2, count: 2 })).toThrow(/Expected `partition`/);
  });

  it('several files: each in exactly one share, the same on every call', () => {
    const paths = Array.from({ length: 40 }, (_, i) => `data/part-${i}.ndjson`);
    const split = [0, 1, 2, 3].map((index) => filesOfShare(paths, { index, count: 4 }));
    expect(split.flat().sort()).toEqual([...paths].sort());
    expect(filesOfShare(paths, { index: 2, count: 4 })).toEqual(split[2]);
  });
});
