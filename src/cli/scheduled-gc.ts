/**
 * A full garbage collection on a schedule while the CLI imports. Records promoted while their batch
 * was in flight pile up in V8's old generation until V8's own limit calls a major collection, so
 * the CLI's peak RSS moved from run to run with when that came (docs/performance.md). The CLI owns
 * its process and collects every few seconds; the library never does, as it runs in its callers'.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Starts collecting every `intervalMs`; returns what stops it. The timer never keeps the process up. */
export function scheduleGc(intervalMs: number): () => void {
  const gc = exposedGc();
  if (!gc) return () => {};
  const timer = setInterval(gc, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
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
