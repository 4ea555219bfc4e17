/** Throttling options shared by every writer, checked before any I/O. */
import { optionError } from '../core/option-error.js';

export interface ThrottleOptions {
  /** Ops sent per second at most, averaged from the first batch on. @default unlimited */
  readonly maxOpsPerSecond?: number;
  /** Wait this long after each batch before the next one starts. @default 0 */
  readonly pauseMs?: number;
}

export function checkThrottle(o: ThrottleOptions): void {
  const rate = o.maxOpsPerSecond;
  if (rate !== undefined && (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0)) {
    throw optionError('maxOpsPerSecond', 'a finite number > 0', rate);
  }
  const pause = o.pauseMs;
  if (pause !== undefined && (typeof pause !== 'number' || !Number.isFinite(pause) || pause < 0)) {
    throw optionError('pauseMs', 'a finite number >= 0', pause);
  }
}
