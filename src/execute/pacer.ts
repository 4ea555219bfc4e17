/**
 * Throttling for every writer: a pacer spaces batch starts so that ops sent never run ahead of
 * `maxOpsPerSecond` (one batch of burst at most), and keeps `pauseMs` between the end of one
 * batch and the start of the next. One pacer serves a whole run, retries included.
 */
import { checkThrottle, type ThrottleOptions } from '../plan/throttle-options.js';

export interface Pacer {
  /** Resolves when a batch of `ops` may start. */
  take(ops: number): Promise<void>;
  /** Marks the end of a batch (starts the pause). */
  finished(): void;
}

/** A pacer for the options, or undefined when nothing is throttled (the fast path stays untouched). */
export function createPacer(o: ThrottleOptions): Pacer | undefined {
  checkThrottle(o);
  const rate = o.maxOpsPerSecond;
  const pause = o.pauseMs ?? 0;
  if (rate === undefined && pause === 0) return undefined;
  let next = 0;
  // Batches may ask concurrently: they get their turns one after another.
  let queue: Promise<void> = Promise.resolve();
  return {
    take(ops) {
      const turn = queue.then(async () => {
        const now = performance.now();
        const start = Math.max(now, next);
        if (start > now) await new Promise((resolve) => setTimeout(resolve, start - now));
        next = start + (rate === undefined ? 0 : (ops * 1000) / rate);
      });
      queue = turn;
      return turn;
    },
    finished() {
      if (pause > 0) next = Math.max(next, performance.now() + pause);
    },
  };
}
