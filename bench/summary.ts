/**
 * From trials to figures: per scenario and implementation, the medians over runs (docs/s, client
 * CPU per document, peak RSS) and their ratios to the scenario's baseline from the same runs.
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
  readonly throughputRatio: number;
  readonly cpuRatio: number;
  readonly rssRatio: number;
}

const MB = 2 ** 20;

export function summarize(scenario: Scenario, trials: readonly Trial[]): Row[] {
  const mine = trials.filter((t) => t.scenario === scenario.id);
  const raw = scenario.impls.map((impl) => {
    const all = mine.filter((t) => t.impl === impl);
    const ok = all.filter((t) => t.ok);
    const failed = all.find((t) => !t.ok);
    const pick = (f: (t: Trial) => number | undefined) =>
      median(ok.map(f).filter((v): v is number => v !== undefined));
    return {
      impl,
      n: ok[0]?.n ?? all[0]?.n ?? 0,
      runs: ok.length,
      available: ok.length > 0,
      ...(ok.length === 0 && failed?.error ? { error: failed.error } : {}),
      ...(ok[0]?.method ? { method: ok[0].method } : {}),
      docsPerSec: pick((t) => (t.n / t.wallMs!) * 1000),
      cpuUsPerDoc: pick((t) => (t.cpuMs! * 1000) / t.n),
      peakRssMB: pick((t) => t.peakRssBytes! / MB),
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
