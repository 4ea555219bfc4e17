/**
 * Operator injection. In upsert and merge modes the match filter is built from record values: a
 * key field (or `_id`, or a dotted upsert field) holding `{"$ne": null}`, `{"$gt": ""}`, `{"$in": …}`
 * or an operator nested deeper must never become a query that matches other documents, and a
 * record's own `$`-keys must never become update operators. Every case compares the whole
 * collection before and after: no other document may change. Extends stream-insert.test.ts
 * (which covers a plain key field) to `_id`, dotted fields, `$`-keys in the record and the CLI.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type DeadLetter, defineModel, type StreamMode, streamInsert } from '../../src/index.js';
import { importArgs, runCli } from '../support/cli.js';
import { useTestDb } from '../support/db.js';
import { drain } from '../support/drain.js';

const t = useTestDb('rel_injection');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bulkwright-injection-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

const SEED = [
  { _id: 'a', sku: 'a', qty: 1, meta: { code: 'A', tier: 1 } },
  { _id: 'b', sku: 'b', qty: 2, meta: { code: 'B', tier: 2 } },
  { _id: 'c', sku: 'c', qty: 3, meta: { code: '', tier: 3 } },
];

async function seeded(collection: string) {
  const c = t.db.collection<Document>(collection);
  await c.deleteMany({});
  await c.insertMany(SEED.map((d) => structuredClone(d)) as Document[]);
  return c;
}

const loose = (collection: string) => defineModel({ collection, schema: z.object({}).loose(), db: t.db });

/** Runs records through streamInsert and returns what changed among the seeded documents. */
async function attack(
  collection: string,
  mode: StreamMode,
  upsertFields: string[],
  records: unknown[],
  batchSize = 1000,
): Promise<{ letters: DeadLetter[]; seededAfter: unknown[]; total: number; read: number; written: number }> {
  const c = await seeded(collection);
  const letters: DeadLetter[] = [];
  const { report } = await drain(
    streamInsert(loose(collection), records, {
      mode,
      upsertFields,
      batchSize,
      deadLetter: { write: (l) => void letters.push(l) },
    }),
  );
  expect(report.read, 'read = written + rejected + skipped + notAttempted').toBe(
    report.written + report.rejected + report.skipped + report.notAttempted,
  );
  const seededAfter = await c
    .find({ _id: { $in: SEED.map((d) => d._id) } } as Document)
    .sort({ _id: 1 })
    .toArray();
  return {
    letters,
    seededAfter,
    total: await c.countDocuments(),
    read: report.read,
    written: report.written,
  };
}

const operatorValues = [
  { $ne: null },
  { $gt: '' },
  { $gte: 0 },
  { $in: ['a', 'b', 'c'] },
  { $exists: true },
  { $regex: '.*' },
  { $where: 'true' },
  { $not: { $eq: 'zzz' } },
  [{ $ne: null }],
  { nested: { $ne: null } },
];

describe('operator objects in match fields never widen the match', () => {
  for (const mode of ['upsert', 'merge'] as const) {
    it(`${mode}: in \`_id\` (the default upsert field), every operator form is rejected and nothing else changes`, async () => {
      const r = await attack(
        `id_${mode}`,
        mode,
        ['_id'],
        operatorValues.map((v) => ({ _id: v, qty: 666, sku: 'evil' })),
      );
      expect(r.seededAfter).toEqual(SEED);
      expect(r.total).toBe(SEED.length);
      expect(r.written).toBe(0);
      expect(r.letters.map((l) => l.position)).toEqual(operatorValues.map((_, i) => i + 1));
      expect(r.letters.every((l) => /operator object/.test(l.reason.message))).toBe(true);
    });

    it(`${mode}: in a dotted upsert field (meta.code), and with several upsert fields, nothing else changes`, async () => {
      const records = [
        ...operatorValues.map((v) => ({ meta: { code: v }, qty: 666 })),
        ...operatorValues.map((v) => ({ sku: 'a', meta: { code: v }, qty: 666 })),
        ...operatorValues.map((v) => ({ sku: v, meta: { code: 'A' }, qty: 666 })),
      ];
      const single = await attack(
        `dot1_${mode}`,
        mode,
        ['meta.code'],
        records.slice(0, operatorValues.length),
      );
      expect(single.seededAfter).toEqual(SEED);
      expect(single.written).toBe(0);
      const both = await attack(
        `dot2_${mode}`,
        mode,
        ['sku', 'meta.code'],
        records.slice(operatorValues.length),
      );
      expect(both.seededAfter).toEqual(SEED);
      expect(both.written).toBe(0);
      expect(both.total).toBe(SEED.length);
    });
  }

  it('values that only look like operators (the string "$ne", a JSON text of an operator) are matched literally', async () => {
    const r = await attack(
      'literal',
      'upsert',
      ['sku'],
      [
        { sku: '$ne', qty: 7 },
        { sku: '{"$ne": null}', qty: 8 },
      ],
    );
    expect(r.seededAfter).toEqual(SEED);
    expect(r.written).toBe(2);
    expect(r.total).toBe(SEED.length + 2);
  });
});

describe("a record's own `$`-keys never become update operators", () => {
  for (const mode of ['upsert', 'merge'] as const) {
    it(`${mode}: { sku: "a", $set / $inc / $unset / $rename … } changes no other document`, async () => {
      const records = [
        { sku: 'a', $inc: { qty: 1000 } },
        { sku: 'b', $unset: { meta: '' } },
        { sku: 'c', $rename: { qty: 'gone' } },
        { sku: 'a', $set: { qty: 0 } },
        { sku: 'c', $currentDate: { qty: true } },
      ];
      // One record per batch: see 'a rejected upsert does not make the rest of its batch vanish'.
      const r = await attack(`own_keys_${mode}`, mode, ['sku'], records, 1);
      // Each record is either rejected or, where the server stores `$`/`.` field names, written as
      // a field of its own match; never an operator applied to a seeded document's other fields.
      for (const [i, doc] of (r.seededAfter as Record<string, unknown>[]).entries()) {
        const seed = SEED[i]!;
        expect(doc.qty, `qty of ${seed._id}`).toBe(seed.qty);
        if (mode === 'merge') expect(doc.meta, `meta of ${seed._id}`).toEqual(seed.meta);
      }
      expect(r.total).toBe(SEED.length);
      expect(r.read).toBe(records.length);
    });
  }
});

describe('regression: accounting when the server stops a batch of upserts at a failing op (FerretDB)', () => {
  it('a rejected upsert does not make the rest of its batch vanish: read = written + rejected', async () => {
    // FerretDB (no perOpUpdateErrors) answers a failing update/replace op with one error at index
    // 0 and does not apply the later ops of the batch, even unordered. The adapter took every op
    // without a write error as applied, so record 2 ended up neither written nor dead-lettered.
    // Now (src/report/bulk-write-error.ts `countsCover`) ops the server's counts do not cover are
    // outcome-unknown, retryable when replay-safe. On MongoDB record 2 is simply written.
    const r = await attack(
      'batch_hole',
      'upsert',
      ['sku'],
      [
        { sku: 'a', $inc: { qty: 1000 } },
        { sku: 'b', qty: 5 },
      ],
    );
    expect(r.read).toBe(2);
    const b = (r.seededAfter as Record<string, unknown>[]).find((d) => d._id === 'b');
    expect(r.letters.map((l) => l.position)).toEqual(b?.qty === 5 ? [1] : [1, 2]);
  });
});

describe('the CLI, --mode upsert / merge with injected key values', () => {
  it('rejects every operator record (exit 1) and leaves the other documents as they were', async () => {
    const file = join(work, 'evil.ndjson');
    const lines = [
      { _id: { $ne: null }, qty: 666 },
      { _id: { $gt: '' }, qty: 666 },
      { sku: { $ne: null }, qty: 666 },
      { sku: { $in: ['a', 'b'] }, qty: 666 },
      { meta: { code: { $gt: '' } }, qty: 666 },
    ];
    await writeFile(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
    for (const [mode, fields] of [
      ['upsert', '_id'],
      ['merge', 'sku'],
      ['upsert', 'meta.code'],
    ] as const) {
      const collection = `cli_${mode}_${fields.replace('.', '_')}`;
      await seeded(collection);
      const run = await runCli(
        [
          ...importArgs(file, t.uri, t.db.databaseName, collection),
          '--mode',
          mode,
          '--upsert-fields',
          fields,
          '--no-checkpoint',
          '--dead-letter',
          join(work, `${collection}.rejected.ndjson`),
          '--json',
          '--quiet',
        ],
        { cwd: work },
      );
      expect(run.code, run.output).toBe(1);
      const report = JSON.parse(run.output.trim().split('\n').at(-1)!) as {
        read: number;
        rejected: number;
        written: number;
      };
      expect(report).toMatchObject({ read: lines.length, written: 0, rejected: lines.length });
      const after = await t.db.collection(collection).find().sort({ _id: 1 }).toArray();
      expect(after).toEqual(SEED);
    }
  }, 60_000);
});
