/**
 * The link between a `--workers` parent and its children: a child started by the parent (with an
 * IPC channel and BULKWRIGHT_WORKER=1) sends its progress and its final report instead of drawing
 * a bar of its own, so the parent shows one merged bar and one summary.
 */
import type { StreamProgress, StreamReport } from '../stream/types.js';
import type { ProgressReporter } from './progress.js';

export type WorkerMessage =
  | { readonly type: 'progress'; readonly progress: StreamProgress }
  | { readonly type: 'report'; readonly report: StreamReport; readonly deadLetterFile?: string }
  | { readonly type: 'finished-before'; readonly written: number; readonly rejected: number };

export const WORKER_ENV = 'BULKWRIGHT_WORKER';

export function isWorker(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[WORKER_ENV] === '1' && typeof process.send === 'function';
}

export function sendToParent(message: WorkerMessage): void {
  process.send?.(message);
}

/** Progress sent to the parent (at most every 200 ms); notes still go to standard error. */
export function workerProgress(
  stream: NodeJS.WritableStream,
  redact: (text: string) => string,
): ProgressReporter {
  let last = 0;
  let pending: StreamProgress | undefined;
  return {
    update(progress) {
      pending = progress;
      if (Date.now() - last < 200) return;
      last = Date.now();
      sendToParent({ type: 'progress', progress });
      pending = undefined;
    },
    note(message) {
      stream.write(`${redact(message)}\n`);
    },
    stop() {
      if (pending) sendToParent({ type: 'progress', progress: pending });
      pending = undefined;
    },
  };
}
