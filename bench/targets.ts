/**
 * The targets of the benchmark issue, checked against the measured medians. They are the bar the
 * library is held to in docs/performance.md, not CI assertions.
 */
import { EXPLANATIONS } from './explanations.js';
import type { Row } from './summary.js';

export interface TargetResult {
  readonly id: string;
  readonly target: string;
  readonly scenario: string;
  readonly measured: string;
  /** undefined when a figure it needs was not measured. */
  readonly met: boolean | undefined;
  readonly explanation?: string;
}

type Summaries = ReadonlyMap<string, readonly Row[]>;

const fmt = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const rate = (x: number) => (Number.isFinite(x) ? `${Math.round(x).toLocaleString('en')} docs/s` : 'n/a');

function row(summaries: Summaries, scenario: string, impl: string): Row | undefined {
  const r = summaries.get(scenario)?.find((x) => x.impl === impl);
  return r?.available ? r : undefined;
}

export function checkTargets(summaries: Summaries): TargetResult[] {
  const out: TargetResult[] = [];
  const add = (t: Omit<TargetResult, 'explanation'>) => {
    const explanation =
      t.met === false ? (EXPLANATIONS[`${t.id}/${t.scenario}`] ?? EXPLANATIONS[t.id]) : undefined;
    out.push(explanation ? { ...t, explanation } : t);
  };
  const inserts = [...summaries.keys()].filter((id) => id.startsWith('insert-'));
  for (const s of inserts) {
    const raw = row(summaries, s, 'driver');
    const nv = row(summaries, s, 'bulkwright-novalidate');
    const zod = row(summaries, s, 'bulkwright');
    const mongoose = row(summaries, s, 'mongoose');
    const mi4 = row(summaries, s, 'mongoimport-j4');
    add({
      id: 'cpu-novalidate',
      target: 'client CPU per doc, validate:false ≤ 1.1x raw insertMany',
      scenario: s,
      measured:
        nv && raw
          ? `${fmt(nv.cpuUsPerDoc, 1)} vs ${fmt(raw.cpuUsPerDoc, 1)} µs/doc = ${fmt(nv.cpuRatio)}x`
          : 'n/a',
      met: nv && raw ? nv.cpuRatio <= 1.1 : undefined,
    });
    add({
      id: 'cpu-zod',
      target: 'client CPU per doc, with Zod validation ≤ 2x raw insertMany',
      scenario: s,
      measured:
        zod && raw
          ? `${fmt(zod.cpuUsPerDoc, 1)} vs ${fmt(raw.cpuUsPerDoc, 1)} µs/doc = ${fmt(zod.cpuRatio)}x`
          : 'n/a',
      met: zod && raw ? zod.cpuRatio <= 2 : undefined,
    });
    for (const [impl, r] of [
      ['validate:false', nv],
      ['Zod', zod],
    ] as const) {
      add({
        id: 'throughput-raw',
        target: `throughput (${impl}) ≥ 0.95x raw insertMany`,
        scenario: s,
        measured:
          r && raw ? `${rate(r.docsPerSec)} vs ${rate(raw.docsPerSec)} = ${fmt(r.throughputRatio)}x` : 'n/a',
        met: r && raw ? r.throughputRatio >= 0.95 : undefined,
      });
    }
    add({
      id: 'throughput-mongoose',
      target: 'throughput (Zod) ≥ 3x Mongoose insertMany',
      scenario: s,
      measured:
        zod && mongoose
          ? `${rate(zod.docsPerSec)} vs ${rate(mongoose.docsPerSec)} = ${fmt(zod.docsPerSec / mongoose.docsPerSec)}x`
          : 'n/a',
      met: zod && mongoose ? zod.docsPerSec >= 3 * mongoose.docsPerSec : undefined,
    });
    add({
      id: 'throughput-mongoimport',
      target: 'throughput (Zod, concurrency 4) ≥ mongoimport -j 4',
      scenario: s,
      measured:
        zod && mi4
          ? `${rate(zod.docsPerSec)} vs ${rate(mi4.docsPerSec)} = ${fmt(zod.docsPerSec / mi4.docsPerSec)}x`
          : 'n/a',
      met: zod && mi4 ? zod.docsPerSec >= mi4.docsPerSec : undefined,
    });
  }
  const mixedRaw = row(summaries, 'mixed', 'driver');
  const mixedZod = row(summaries, 'mixed', 'bulkwright');
  if (summaries.has('mixed')) {
    add({
      id: 'throughput-raw',
      target: 'throughput (Zod) ≥ 0.95x raw bulkWrite',
      scenario: 'mixed',
      measured:
        mixedZod && mixedRaw
          ? `${rate(mixedZod.docsPerSec)} vs ${rate(mixedRaw.docsPerSec)} = ${fmt(mixedZod.throughputRatio)}x`
          : 'n/a',
      met: mixedZod && mixedRaw ? mixedZod.throughputRatio >= 0.95 : undefined,
    });
    add({
      id: 'cpu-zod',
      target: 'client CPU per op, with Zod validation ≤ 2x raw bulkWrite',
      scenario: 'mixed',
      measured:
        mixedZod && mixedRaw
          ? `${fmt(mixedZod.cpuUsPerDoc, 1)} vs ${fmt(mixedRaw.cpuUsPerDoc, 1)} µs/op = ${fmt(mixedZod.cpuRatio)}x`
          : 'n/a',
      met: mixedZod && mixedRaw ? mixedZod.cpuRatio <= 2 : undefined,
    });
  }

  const streams = [...summaries.keys()].filter((id) => id.startsWith('stream-'));
  const byCount = streams
    .map((id) => ({ id, cli: row(summaries, id, 'bulkwright-cli'), loop: row(summaries, id, 'plain-loop') }))
    .sort((a, b) => (a.cli?.n ?? 0) - (b.cli?.n ?? 0));
  const main = byCount.find((s) => s.id === 'stream-1m') ?? byCount.at(-1);
  if (main) {
    const mi4 = row(summaries, main.id, 'mongoimport-j4');
    add({
      id: 'throughput-mongoimport',
      target: 'streaming throughput (CLI, concurrency 4) ≥ mongoimport -j 4',
      scenario: main.id,
      measured:
        main.cli && mi4
          ? `${rate(main.cli.docsPerSec)} vs ${rate(mi4.docsPerSec)} = ${fmt(main.cli.docsPerSec / mi4.docsPerSec)}x`
          : 'n/a',
      met: main.cli && mi4 ? main.cli.docsPerSec >= mi4.docsPerSec : undefined,
    });
    add({
      id: 'stream-rss',
      target: 'streaming peak RSS < 200 MB',
      scenario: main.id,
      measured: main.cli
        ? `${fmt(main.cli.peakRssMB, 0)} MB (plain loop ${fmt(main.loop?.peakRssMB ?? Number.NaN, 0)} MB)`
        : 'n/a',
      met: main.cli ? main.cli.peakRssMB < 200 : undefined,
    });
  }
  for (let i = 1; i < byCount.length; i++) {
    const [a, b] = [byCount[i - 1]!, byCount[i]!];
    if (!a.cli || !b.cli) continue;
    const growth = b.cli.peakRssMB / a.cli.peakRssMB - 1;
    const loopGrowth = a.loop && b.loop ? b.loop.peakRssMB / a.loop.peakRssMB - 1 : Number.NaN;
    add({
      id: 'stream-flat',
      target: `streaming peak RSS within 10% from ${a.cli.n.toLocaleString('en')} to ${b.cli.n.toLocaleString('en')} records`,
      scenario: `${a.id}→${b.id}`,
      measured: `${fmt(a.cli.peakRssMB, 0)} → ${fmt(b.cli.peakRssMB, 0)} MB (${growth >= 0 ? '+' : ''}${fmt(growth * 100, 0)}%; plain loop ${loopGrowth >= 0 ? '+' : ''}${fmt(loopGrowth * 100, 0)}%)`,
      met: Math.abs(growth) <= 0.1,
    });
  }
  return out;
}
