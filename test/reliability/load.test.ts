/**
 * Load: 8 streaming imports at once into one collection with a unique index, their keys
 * overlapping. Every record must end up written exactly once or dead-lettered as a duplicate
 * key, the reports must add up to the input, and memory must stay bounded. Each stored document
 * carries its (run, position), so the check is per record, not only per count.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type DeadLetter, defineModel, type StreamReport, streamInsert } from '../../src/index.js';
import { useTestDb } from '../support/db.js';
import { drain } from '../support/drain.js';

const t = useTestDb('rel_load');

const RUNS = 8;
const PER_RUN = 10_000;
/** Distinct keys across all runs: every key is offered by two runs. */
const KEYS = (RUNS * PER_RUN) / 2;
const schema = z.object({
  key: z.string(),
  run: z.number().int(),
  pos: z.number().int(),
  body: z.object({ text: z.string(), n: z.number() }),
});

/** Run r's record at 1-based position p: runs r and r+4 (mod 8) share the same 10,000 keys, in another order. */
function record(run: number, pos: number) {
  const pair = run % (RUNS / 2);
  const i = run < RUNS / 2 ? pos - 1 : PER_RUN - pos;
  return { key: `key-${pair * PER_RUN + i}`, run, pos, body: { text: `r${run}p${pos}`, n: pos / 3 } };
}

describe(`${RUNS} concurrent streamInsert runs, one collection, unique keys overlapping`, () => {
  it('every record written once or dead-lettered as duplicateKey; reports add up; memory bounded', async () => {
    const model = defineModel({
      collection: 'load',
      schema,
      db: t.db,
      indexes: [{ key: { key: 1 }, unique: true }],
    });
    await model.ensureIndexes();
    const letters: DeadLetter[][] = Array.from({ length: RUNS }, () => []);
    const peak = { rss: 0, heap: 0 };
    const baseline = process.memoryUsage();
    const sample = () => {
      const m = process.memoryUsage();
      peak.rss = Math.max(peak.rss, m.rss);
      peak.heap = Math.max(peak.heap, m.heapUsed);
    };
    const sampler = setInterval(sample, 25);
    const started = performance.now();
    let reports: StreamReport[];
    try {
      reports = await Promise.all(
        Array.from({ length: RUNS }, async (_, run) => {
          function* records() {
            for (let pos = 1; pos <= PER_RUN; pos++) yield record(run, pos);
          }
          const { report } = await drain(
            streamInsert(model, records(), {
              batchSize: 500,
              concurrency: 2,
              deadLetter: { write: (l) => void letters[run]!.push(l) },
            }),
          );
          return report;
        }),
      );
    } finally {
      clearInterval(sampler);
    }
    sample();
    const wallMs = performance.now() - started;

    const total = RUNS * PER_RUN;
    for (const [run, report] of reports.entries()) {
      expect(report.read, `run ${run}`).toBe(PER_RUN);
      expect(report.read).toBe(report.written + report.rejected + report.skipped + report.notAttempted);
      expect(report.skipped + report.notAttempted).toBe(0);
      expect(Object.keys(report.rejectedByKind).filter((k) => k !== 'duplicateKey')).toEqual([]);
      expect(letters[run]).toHaveLength(report.rejected);
    }
    const written = reports.reduce((s, r) => s + r.written, 0);
    const rejected = reports.reduce((s, r) => s + r.rejected, 0);
    expect(written + rejected).toBe(total);
    expect(written).toBe(KEYS);

    // Per record: the stored (run, pos) pairs and the dead-lettered ones partition the input.
    const stored = await t.db
      .collection('load')
      .find({}, { projection: { _id: 0, key: 1, run: 1, pos: 1 } })
      .toArray();
    expect(Number((await t.db.command({ collStats: 'load' })).count)).toBe(KEYS);
    expect(new Set(stored.map((d) => d.key)).size).toBe(KEYS);
    const seen = new Map<string, string>();
    for (const d of stored) {
      const id = `${d.run}:${d.pos}`;
      expect(record(d.run, d.pos).key).toBe(d.key);
      seen.set(id, 'written');
    }
    for (const [run, list] of letters.entries()) {
      for (const l of list) {
        const id = `${run}:${l.position}`;
        expect(seen.has(id), `record ${id} both written and dead-lettered, or twice dead-lettered`).toBe(
          false,
        );
        expect(l.reason.kind).toBe('duplicateKey');
        // The record in the letter is the one that was read at that position.
        expect((l.record as { key: string }).key).toBe(record(run, l.position).key);
        seen.set(id, 'rejected');
      }
    }
    expect(seen.size).toBe(total);

    const mb = (n: number) => Math.round(n / 2 ** 20);
    const figures = {
      records: total,
      wallMs: Math.round(wallMs),
      recordsPerSecond: Math.round((total / wallMs) * 1000),
      written,
      rejected,
      peakRssMb: mb(peak.rss),
      peakHeapMb: mb(peak.heap),
      rssGrowthMb: mb(peak.rss - baseline.rss),
      heapGrowthMb: mb(peak.heap - baseline.heapUsed),
    };
    console.log(`[reliability] load: ${JSON.stringify(figures)}`);
    // 8 runs × 2 batches of 500 in flight hold a few thousand small records: tens of MB, not
    // the 80,000 records read.
    expect(figures.heapGrowthMb).toBeLessThan(200);
  }, 120_000);
});
