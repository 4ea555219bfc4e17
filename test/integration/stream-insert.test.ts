import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type DeadLetter, defineModel, streamInsert } from '../../src/index.js';
import { useTestDb } from '../support/db.js';
import { drain } from '../support/drain.js';

const t = useTestDb('stream_insert');

const schema = z.object({
  sku: z.string(),
  qty: z.number().int(),
  meta: z.object({ color: z.string() }).optional(),
});

async function items(name: string) {
  const model = defineModel({
    collection: name,
    schema,
    db: t.db,
    indexes: [{ key: { sku: 1 }, unique: true }],
  });
  await model.ensureIndexes();
  return model;
}

function* records(n: number, bad: Record<number, unknown> = {}) {
  for (let i = 1; i <= n; i++) yield i in bad ? bad[i] : { sku: `s${i}`, qty: i };
}

describe('streamInsert', () => {
  it('accounts for every record: read = written + rejected + skipped, each rejection dead-lettered with its position', async () => {
    const model = await items('accounting');
    await model.collection().insertOne({ sku: 's50', qty: 0 });
    const letters: DeadLetter[] = [];
    const { events, report } = await drain(
      streamInsert(
        model,
        records(1000, { 7: { sku: 7 }, 300: 'not an object', 640: { sku: 's1', qty: 1 } }),
        {
          batchSize: 100,
          concurrency: 3,
          deadLetter: { write: (l) => void letters.push(l) },
          filter: (v) => (v as { qty?: number }).qty !== 999,
        },
      ),
    );
    expect(report.read).toBe(1000);
    expect(report.read).toBe(report.written + report.rejected + report.skipped + report.notAttempted);
    expect(report).toMatchObject({ written: 995, rejected: 4, skipped: 1, ok: false });
    expect(
      letters.map((l) => [l.position, l.reason.kind]).sort((a, b) => Number(a[0]) - Number(b[0])),
    ).toEqual([
      [7, 'validation'],
      [50, 'duplicateKey'],
      [300, 'validation'],
      [640, 'duplicateKey'],
    ]);
    expect(letters.find((l) => l.position === 7)?.record).toEqual({ sku: 7 });
    expect(report.rejectedByKind).toEqual({ validation: 2, duplicateKey: 2 });
    expect(events.length).toBe(10);
    expect(events.at(-1)?.position).toBe(1000);
    expect(await model.collection().countDocuments()).toBe(996);
  });

  it('ordered: stops at the first rejected record and reads nothing after it', async () => {
    const model = await items('ordered');
    let pulled = 0;
    function* counted() {
      for (const r of records(500, { 230: { sku: 's230' } })) {
        pulled++;
        yield r;
      }
    }
    const { report } = await drain(streamInsert(model, counted(), { batchSize: 100, ordered: true }));
    expect(report).toMatchObject({ stoppedAt: 230, written: 229, rejected: 1, ok: false });
    expect(pulled).toBe(230);
    expect(await model.collection().countDocuments()).toBe(229);
  });

  it('upsert mode replaces the match on upsertFields; merge mode $sets fields onto it', async () => {
    const model = await items('modes');
    await model.collection().insertMany([
      { sku: 'a', qty: 1, meta: { color: 'red' } },
      { sku: 'b', qty: 2, meta: { color: 'blue' } },
    ]);
    const upsert = await drain(
      streamInsert(
        model,
        [
          { sku: 'a', qty: 10 },
          { sku: 'c', qty: 3 },
        ],
        { mode: 'upsert', upsertFields: ['sku'] },
      ),
    );
    expect(upsert.report).toMatchObject({ matched: 1, upserted: 1, written: 2 });
    expect(await model.collection().findOne({ sku: 'a' }, { projection: { _id: 0 } })).toEqual({
      sku: 'a',
      qty: 10,
    });

    const merge = await drain(
      streamInsert(
        model,
        [
          { sku: 'b', qty: 20 },
          { sku: 'd', meta: { color: 'green' } },
        ],
        { mode: 'merge', upsertFields: ['sku'] },
      ),
    );
    expect(merge.report).toMatchObject({ matched: 1, upserted: 1, rejected: 0 });
    expect(await model.collection().findOne({ sku: 'b' }, { projection: { _id: 0 } })).toEqual({
      sku: 'b',
      qty: 20,
      meta: { color: 'blue' },
    });
    expect(await model.collection().countDocuments()).toBe(4);
  });

  it('upsert and merge match values literally: an operator object in a key field is rejected and touches nothing', async () => {
    const model = await items('injection');
    await model.collection().insertMany([
      { sku: 'x', qty: 1 },
      { sku: 'y', qty: 2 },
    ]);
    const letters: DeadLetter[] = [];
    const sink = { write: (l: DeadLetter) => void letters.push(l) };
    const loose = defineModel({ collection: 'injection', schema: z.object({}).loose(), db: t.db });
    for (const mode of ['upsert', 'merge'] as const) {
      const { report } = await drain(
        streamInsert(
          loose,
          [
            { sku: { $ne: null }, qty: 666 },
            { sku: { $gt: '' }, qty: 666 },
            { sku: [{ $exists: true }], qty: 666 },
          ],
          { mode, upsertFields: ['sku'], deadLetter: sink },
        ),
      );
      expect(report).toMatchObject({ rejected: 3, written: 0 });
    }
    expect(letters.every((l) => /operator object/.test(l.reason.message))).toBe(true);
    expect(await model.collection().countDocuments({ qty: 666 })).toBe(0);
    expect(await model.collection().countDocuments()).toBe(2);
  });

  it('a record missing its upsert field is rejected, not matched against everything', async () => {
    const model = await items('missing_key');
    await model.collection().insertOne({ sku: 'keep', qty: 1 });
    const loose = defineModel({ collection: 'missing_key', schema: z.object({}).loose(), db: t.db });
    const { report } = await drain(
      streamInsert(loose, [{ qty: 5 }], { mode: 'merge', upsertFields: ['sku'] }),
    );
    expect(report.rejected).toBe(1);
    expect(await model.collection().findOne({ sku: 'keep' })).toMatchObject({ qty: 1 });
  });

  it('resume: a run stopped midway and resumed ends with the same collection as one uninterrupted run', async () => {
    const model = await items('resume');
    let saved: number | undefined;
    const checkpoint = {
      load: async () => saved,
      save: async (p: number) => {
        saved = p;
      },
      clear: async () => {
        saved = undefined;
      },
    };
    const controller = new AbortController();
    const first = streamInsert(model, records(2000), {
      batchSize: 100,
      concurrency: 3,
      checkpoint,
      idNamespace: 'resume-test',
      signal: controller.signal,
    });
    for await (const p of first) if (p.written >= 700) controller.abort();
    const stoppedAt = saved!;
    expect(stoppedAt).toBeGreaterThanOrEqual(700);
    expect(stoppedAt).toBeLessThan(2000);
    // Pretend the crash lost the checkpoint's last saves: resume from further back than acknowledged.
    saved = stoppedAt - 250;
    const { report } = await drain(
      streamInsert(model, records(2000), {
        batchSize: 100,
        checkpoint,
        idNamespace: 'resume-test',
        resume: true,
      }),
    );
    expect(report.resumedFrom).toBe(stoppedAt - 250);
    expect(report.rejected).toBe(0);
    expect(saved).toBeUndefined();
    expect(await model.collection().countDocuments()).toBe(2000);
    const skus = await model.collection().distinct('sku');
    expect(skus).toHaveLength(2000);
  });

  it('saves the checkpoint at most once per checkpointEveryMs, and once more when stopped early', async () => {
    const model = await items('throttle');
    const saved: number[] = [];
    const checkpoint = {
      load: async () => undefined,
      save: async (p: number) => void saved.push(p),
      clear: async () => {},
    };
    const controller = new AbortController();
    const run = streamInsert(model, records(3000), {
      batchSize: 100,
      checkpoint,
      checkpointEveryMs: 60_000,
      idNamespace: 'throttle',
      signal: controller.signal,
    });
    let last = 0;
    for await (const p of run) {
      last = p.position;
      if (p.written >= 1000) controller.abort();
    }
    expect(saved).toEqual([last]);
    expect(last).toBeGreaterThanOrEqual(1000);
  });

  it('a dry run validates and dead-letters but writes nothing', async () => {
    const model = await items('dry');
    const { report } = await drain(streamInsert(model, records(50, { 3: { sku: 3 } }), { dryRun: true }));
    expect(report).toMatchObject({ dryRun: true, written: 0, rejected: 1, skipped: 49 });
    expect(await model.collection().countDocuments()).toBe(0);
  });

  it('checks options before reading anything', async () => {
    const model = await items('opts');
    await expect(drain(streamInsert(model, records(1), { mode: 'replace' as never }))).rejects.toThrow(
      /`mode`/,
    );
    await expect(drain(streamInsert(model, records(1), { resume: true }))).rejects.toThrow(/`checkpoint`/);
    const checkpoint = { load: async () => 0, save: async () => {}, clear: async () => {} };
    await expect(drain(streamInsert(model, records(1), { checkpoint }))).rejects.toThrow(/`idNamespace`/);
  });
});
