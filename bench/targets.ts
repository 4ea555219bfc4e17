/**
 * The five bars of the importer issue (#13), checked against the medians of one interleaved run on
 * one server. They are the bar docs/performance.md holds the library to, not CI assertions.
 */
import { EXPLANATIONS } from './explanations.js';
import type { ImplId } from './scenarios.js';
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
const mb = (x: number) => `${fmt(x, 0)} MB`;

/** The settings both sides of the streaming bars run with (bench/children.ts). */
export const STREAM_SETTINGS =
  'batches of 1,000 on both sides; the CLI at its default concurrency (2 batches in flight), the plain loop one at a time';

function row(summaries: Summaries, scenario: string, impl: string): Row | undefined {
  const r = summaries.get(scenario)?.find((x) => x.impl === impl);
  return r?.available ? r : undefined;
}

const byPrefix = (summaries: Summaries, prefix: string) =>
  [...summaries.keys()].filter((id) => id.startsWith(prefix));

/** The streaming scenario the bars are held at: 1M, or the largest run below 10M (quick runs). */
function mainStream(summaries: Summaries): string | undefined {
  const ids = byPrefix(summaries, 'stream-').sort(
    (a, b) => (row(summaries, a, 'plain-loop')?.n ?? 0) - (row(summaries, b, 'plain-loop')?.n ?? 0),
  );
  return ids.includes('stream-1m') ? 'stream-1m' : (ids.at(-2) ?? ids.at(-1));
}

export function checkTargets(summaries: Summaries): TargetResult[] {
  const out: TargetResult[] = [];
  const add = (t: Omit<TargetResult, 'explanation'>) => {
    const explanation =
      t.met === false ? (EXPLANATIONS[`${t.id}/${t.scenario}`] ?? EXPLANATIONS[t.id]) : undefined;
    out.push(explanation ? { ...t, explanation } : t);
  };

  const s = mainStream(summaries);
  if (s) {
    const cli = row(summaries, s, 'bulkwright-cli');
    const loop = row(summaries, s, 'plain-loop');
    const mi4 = row(summaries, s, 'mongoimport-j4');
    add({
      id: 'stream-cpu',
      target: `1. streaming client CPU per record ≤ 1.25x the plain loop (${STREAM_SETTINGS})`,
      scenario: s,
      measured:
        cli && loop
          ? `${fmt(cli.cpuUsPerDoc, 1)} vs ${fmt(loop.cpuUsPerDoc, 1)} µs/record = ${fmt(cli.cpuRatio)}x`
          : 'n/a',
      met: cli && loop ? cli.cpuRatio <= 1.25 : undefined,
    });
    const cap = loop && loop.peakRssMB <= 100 ? 100 : undefined;
    add({
      id: 'stream-rss',
      target: '2a. streaming peak RSS ≤ the plain loop’s (and ≤ 100 MB where the plain loop stays under it)',
      scenario: s,
      measured:
        cli && loop
          ? `${mb(cli.peakRssMB)} vs ${mb(loop.peakRssMB)} = ${fmt(cli.rssRatio)}x${cap ? '' : ' (the plain loop is over 100 MB)'}`
          : 'n/a',
      met: cli && loop ? cli.peakRssMB <= loop.peakRssMB && (!cap || cli.peakRssMB <= cap) : undefined,
    });
    const big = byPrefix(summaries, 'stream-')
      .filter((id) => id !== s && (row(summaries, id, 'bulkwright-cli')?.n ?? 0) > (cli?.n ?? 0))
      .at(-1);
    const bigCli = big ? row(summaries, big, 'bulkwright-cli') : undefined;
    const bigLoop = big ? row(summaries, big, 'plain-loop') : undefined;
    const growth = cli && bigCli ? bigCli.peakRssMB / cli.peakRssMB - 1 : Number.NaN;
    const loopGrowth = loop && bigLoop ? bigLoop.peakRssMB / loop.peakRssMB - 1 : Number.NaN;
    const pct = (x: number) => `${x >= 0 ? '+' : ''}${fmt(x * 100, 0)}%`;
    add({
      id: 'stream-flat',
      target: '2b. streaming peak RSS flat within ±10% from 1M to 10M records',
      scenario: big ? `${s}→${big}` : s,
      measured:
        cli && bigCli
          ? `${mb(cli.peakRssMB)} → ${mb(bigCli.peakRssMB)} (${pct(growth)}; plain loop ${pct(loopGrowth)})`
          : 'n/a (no larger run)',
      met: cli && bigCli ? Math.abs(growth) <= 0.1 : undefined,
    });
    add({
      id: 'stream-throughput',
      target: '3. streaming throughput ≥ 1.1x mongoimport -j 4 and ≥ 1.0x the plain loop',
      scenario: s,
      measured:
        cli && mi4 && loop
          ? `${rate(cli.docsPerSec)}: ${fmt(cli.docsPerSec / mi4.docsPerSec)}x mongoimport -j 4 (${rate(mi4.docsPerSec)}), ${fmt(cli.throughputRatio)}x the plain loop (${rate(loop.docsPerSec)})`
          : cli && loop
            ? `${fmt(cli.throughputRatio)}x the plain loop; mongoimport not available`
            : 'n/a',
      met:
        cli && mi4 && loop ? cli.docsPerSec >= 1.1 * mi4.docsPerSec && cli.throughputRatio >= 1 : undefined,
    });
  }

  for (const r of byPrefix(summaries, 'resume-')) {
    const resumed = row(summaries, r, 'bulkwright-cli-resumed');
    const fresh = row(summaries, r, 'bulkwright-cli-remainder');
    add({
      id: 'resume',
      target:
        '4. a resumed import (replay window included) runs at ≥ 50% of a fresh import of the same remainder',
      scenario: r,
      measured:
        resumed && fresh
          ? `${rate(resumed.docsPerSec)} vs ${rate(fresh.docsPerSec)} = ${fmt(resumed.throughputRatio)}x`
          : 'n/a',
      met: resumed && fresh ? resumed.throughputRatio >= 0.5 : undefined,
    });
  }

  for (const s of byPrefix(summaries, 'insert-')) {
    const raw = row(summaries, s, 'driver');
    const versus = (impl: ImplId, what: string) => {
      const r = row(summaries, s, impl);
      return r ? `; ${what}: ${fmt(r.cpuUsPerDoc, 1)} µs/doc = ${fmt(r.cpuRatio)}x` : '';
    };
    // What the batching costs alone (the raw driver sent as the 1,000-per-batch rows are), and
    // what the Zod parse costs alone (the raw driver after the same parse).
    const sameBatches = versus('driver-chunked', 'the raw driver in the same batches');
    const sameParse = versus('driver-zod', 'the raw driver after the same Zod parse');
    for (const [impl, label, bar, context] of [
      ['bulkwright-novalidate', 'validate:false', 1.1, sameBatches],
      ['bulkwright', 'Zod', 1.25, sameBatches + sameParse],
    ] as const) {
      const r = row(summaries, s, impl);
      add({
        id: `insert-cpu-${impl}`,
        target: `5. insert path: client CPU per doc, ${label} ≤ ${bar}x raw insertMany`,
        scenario: s,
        measured:
          r && raw
            ? `${fmt(r.cpuUsPerDoc, 1)} vs ${fmt(raw.cpuUsPerDoc, 1)} µs/doc = ${fmt(r.cpuRatio)}x${context}`
            : 'n/a',
        met: r && raw ? r.cpuRatio <= bar : undefined,
      });
    }
  }
  return out;
}
