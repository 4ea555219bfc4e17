import { constants, PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { scheduleGc } from '../../src/cli/scheduled-gc.js';

/** Start times of the major (full) collections V8 reports while `during` runs. */
async function majorCollections(during: () => Promise<void>): Promise<number[]> {
  const starts: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const { detail } = entry as { detail?: { kind?: number } | null };
      if (detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) starts.push(entry.startTime);
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  await during();
  await sleep(50); // entries are delivered after the collection
  observer.disconnect();
  return starts;
}

describe('scheduleGc', () => {
  it('runs a full collection on each tick of its schedule, and none once stopped', async () => {
    let stoppedAt = 0;
    const starts = await majorCollections(async () => {
      const stop = scheduleGc(25, { maxShare: 1 }); // no spacing out: one collection per tick
      await sleep(400);
      stop();
      stoppedAt = performance.now();
      await sleep(400);
    });
    // About 16 ticks in 400 ms; an idle process runs next to no full collections of its own.
    expect(starts.filter((t) => t < stoppedAt).length).toBeGreaterThanOrEqual(8);
    expect(starts.filter((t) => t >= stoppedAt).length).toBeLessThanOrEqual(2);
  });

  it('spaces collections out when one takes long, to keep their share of the time', async () => {
    const calls: number[] = [];
    const slowCollect = () => {
      calls.push(performance.now());
      const until = performance.now() + 20;
      while (performance.now() < until); // a collection of a large heap
    };
    const stop = scheduleGc(10, { maxShare: 0.1, collect: slowCollect });
    await sleep(700);
    stop();
    // 20 ms at most 10% of the time: 200 ms apart, not 10 ms.
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < calls.length; i++) expect(calls[i]! - calls[i - 1]!).toBeGreaterThanOrEqual(200);
  });

  it('leaves gc unexposed to code that runs after it', () => {
    scheduleGc(60_000)();
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});
