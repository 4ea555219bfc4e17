import type { Output } from './output.js';

/** The run's abort signal, the exit code of the signal that came (130/143), and the handlers' removal. */
export interface Interruption {
  readonly signal: AbortSignal;
  code(): number | undefined;
  dispose(): void;
}

/** Stops pulling on the first SIGINT/SIGTERM; a second one ends the process at once. */
export function interruption(output: Output, onFirst: (message: string) => void): Interruption {
  const controller = new AbortController();
  let signalCode: number | undefined;
  let firstAt = 0;
  const handler = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGTERM' ? 143 : 130;
    // The same Ctrl-C can arrive twice (to the process and to its group, e.g. through `timeout`
    // or a wrapper): only a signal a moment later means "quit now".
    if (signalCode !== undefined && Date.now() - firstAt < 500) return;
    if (signalCode !== undefined) {
      output.err(`bulkwright: ${signal} again, quitting without waiting for batches in flight`);
      process.exit(code);
    }
    signalCode = code;
    firstAt = Date.now();
    onFirst(
      `bulkwright: ${signal}: finishing the batches in flight, then saving the checkpoint (${signal} again to quit now)`,
    );
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    code: () => signalCode,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
