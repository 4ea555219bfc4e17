/**
 * A full garbage collection on a schedule while the CLI imports. Records promoted while their batch
 * was in flight pile up in V8's old generation until V8's own limit calls a major collection, so
 * the CLI's peak RSS moved from run to run with when that came (docs/performance.md). The CLI owns
 * its process and collects every few seconds; the library never does, as it runs in its callers'.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface GcSchedule {
  /** At most this share of the time goes to these collections: a slow one spaces out the next. */
  readonly maxShare?: number;
  /** What collects (tests give their own); by default V8's full collection. */
  readonly collect?: (() => void) | undefined;
}

/**
 * Collects every `intervalMs`, or less often when a collection takes long (a large heap), and
 * returns what stops it. The timer never keeps the process up.
 */
export function scheduleGc(intervalMs: number, schedule: GcSchedule = {}): () => void {
  const { maxShare = 0.02, collect = exposedGc() } = schedule;
  if (!collect) return () => {};
  let timer: NodeJS.Timeout | undefined;
  const next = (delayMs: number) => {
    timer = setTimeout(tick, delayMs);
    timer.unref();
  };
  const tick = () => {
    const started = performance.now();
    collect();
    next(Math.max(intervalMs, (performance.now() - started) / maxShare));
  };
  next(intervalMs);
  return () => clearTimeout(timer);
}

/**
 * Node hands out `gc` only behind `--expose-gc`. Set at run time, the flag applies to contexts made
 * after it, so a fresh vm context yields the function; the flag is then cleared again.
 */
function exposedGc(): (() => void) | undefined {
  const own = (globalThis as { gc?: unknown }).gc;
  if (typeof own === 'function') return own as () => void;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
