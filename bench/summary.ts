/**
 * From trials to figures: per scenario and implementation, the medians over runs (docs/s, client
 * CPU per document, peak RSS) with their min–max spread, and their ratios to the scenario's
 * baseline from the same runs.
 */
import { median } from './measure.js';
import type { Trial } from './report.js';
import type { ImplId, Scenario } from './scenarios.js';

export interface Row {
  readonly impl: ImplId;
  readonly n: number;
  readonly runs: number;
  readonly available: boolean;
  readonly error?: string;
  readonly method?: string;
  readonly docsPerSec: number;
  readonly cpuUsPerDoc: number;
  readonly peakRssMB: number;
  /** Peak RSS minus RSS before the write (in-process only: the input data are not the library's). */
  readonly addedRssMB?: number;
  readonly heapAfterGcMB?: number;
  /** [min, max] over runs, beside each median. */
  readonly spread: { readonly docsPerSec: Range; readonly cpuUsPerDoc: Range; readonly peakRssMB: Range };
  readonly throughputRatio: number;
  readonly cpuRatio: number;
  readonly rssRatio: number;
}

export type Range = readonly [number, number];

const MB = 2 ** 20;

function range(values: readonly number[]): Range {
  return values.length === 0 ? [Number.NaN, Number.NaN] : [Math.min(...values), Math.max(...values)];
}

export function summarize(scenario: Scenario, trials: readonly Trial[]): Row[] {
  const mine = trials.filter((t) => t.scenario === scenario.id);
  const raw = scenario.impls.map((impl) => {
    const all = mine.filter((t) => t.impl === impl);
    const ok = all.filter((t) => t.ok);
    const failed = all.find((t) => !t.ok);
    const values = (f: (t: Trial) => number | undefined) =>
      ok.map(f).filter((v): v is number => v !== undefined);
    const pick = (f: (t: Trial) => number | undefined) => median(values(f));
    const rate = (t: Trial) => (t.n / t.wallMs!) * 1000;
    const cpu = (t: Trial) => (t.cpuMs! * 1000) / t.n;
    const rss = (t: Trial) => t.peakRssBytes! / MB;
    return {
      impl,
      n: ok[0]?.n ?? all[0]?.n ?? 0,
      runs: ok.length,
      available: ok.length > 0,
      ...(ok.length === 0 && failed?.error ? { error: failed.error } : {}),
      ...(ok[0]?.method ? { method: ok[0].method } : {}),
      docsPerSec: pick(rate),
      cpuUsPerDoc: pick(cpu),
      peakRssMB: pick(rss),
      spread: {
        docsPerSec: range(values(rate)),
        cpuUsPerDoc: range(values(cpu)),
        peakRssMB: range(values(rss)),
      },
      ...(ok.some((t) => t.rssBeforeBytes !== undefined)
        ? { addedRssMB: pick((t) => (t.peakRssBytes! - t.rssBeforeBytes!) / MB) }
        : {}),
      ...(ok.some((t) => t.heapAfterGcBytes !== undefined)
        ? { heapAfterGcMB: pick((t) => (t.heapAfterGcBytes ?? 0) / MB) }
        : {}),
    };
  });
  const base = raw.find((r) => r.impl === scenario.baseline);
  return raw.map((r) => ({
    ...r,
    throughputRatio: base ? r.docsPerSec / base.docsPerSec : Number.NaN,
    cpuRatio: base ? r.cpuUsPerDoc / base.cpuUsPerDoc : Number.NaN,
    rssRatio: base ? r.peakRssMB / base.peakRssMB : Number.NaN,
  }));
}
