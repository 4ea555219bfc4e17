/**
 * When a stream's consumer stops early (`break`, `return`, a throw in its loop) the generator
 * is returned at a `yield`, and when the source fails it throws from its read: either way the
 * run must not leave work behind. What runs here is the tail of a normal run, without yielding.
 */
import type { DeadLetterSink } from './types.js';

export interface UnfinishedRun {
  /** Batches sent and not yet settled. */
  readonly inFlight: ReadonlySet<Promise<void>>;
  /** Settles finished batches (dead letters, checkpoint watermark); its progress has no reader now. */
  readonly drain: () => AsyncIterable<unknown>;
  readonly deadLetter: DeadLetterSink | undefined;
  /** Saves the checkpoint over everything acknowledged. */
  readonly saveCheckpoint: () => Promise<void>;
}

/**
 * Waits for the batches in flight and settles them, closes the dead-letter sink, and saves the
 * checkpoint, so the collection holds exactly what the checkpoint and the sink account for.
 * The source was closed already: leaving the `for await` over it returned its iterator.
 */
export async function stopEarly(run: UnfinishedRun): Promise<void> {
  while (run.inFlight.size > 0) await Promise.race(run.inFlight);
  for await (const _ of run.drain()) {
    // Settling is the point; the progress events have no reader any more.
  }
  try {
    await run.deadLetter?.close?.();
  } finally {
    await run.saveCheckpoint();
  }
}
