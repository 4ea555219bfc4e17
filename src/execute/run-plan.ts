/**
 * Runs planned ops in chunks: ordered runs strictly one chunk after another and stop at the first
 * failure; unordered runs send up to `concurrency` chunks at once (p-map).
 */
import type { Collection, Document } from 'mongodb';
import pMap from 'p-map';
import { chunk, type PlannedOp } from '../core/planned-op.js';
import type { BulkProgress } from '../plan/options.js';
import type { ChunkOutcome } from '../report/chunk-outcome.js';
import type { ReportBuilder } from '../report/report-builder.js';
import type { Pacer } from './pacer.js';
import { type ChunkSettings, runChunk } from './run-chunk.js';

export interface RunSettings extends ChunkSettings {
  readonly batchSize: number;
  readonly concurrency: number;
  readonly attempt: number;
  readonly total: number;
  readonly onProgress: ((progress: BulkProgress) => void) | undefined;
  /** Looks at a chunk's outcome before it is recorded (retries use it to confirm lost inserts). */
  readonly review?: (chunk: readonly PlannedOp[], outcome: ChunkOutcome) => Promise<ChunkOutcome>;
  /** Throttles batch starts (`maxOpsPerSecond`, `pauseMs`). */
  readonly pacer?: Pacer | undefined;
  /** Sends a chunk some other way than the collection's bulkWrite (the client-level command). */
  readonly runner?: (chunk: readonly PlannedOp[]) => Promise<ChunkOutcome>;
}

export async function runPlan(
  collection: Collection<Document>,
  ops: readonly PlannedOp[],
  builder: ReportBuilder,
  settings: RunSettings,
): Promise<void> {
  const chunks = chunk(ops, settings.batchSize);
  const started = performance.now();
  const runOne = async (part: readonly PlannedOp[]) => {
    await settings.pacer?.take(part.length);
    const t0 = performance.now();
    const send = settings.runner ? settings.runner(part) : runChunk(collection, part, settings);
    const raw = await send.finally(() => settings.pacer?.finished());
    const outcome = settings.review ? await settings.review(part, raw) : raw;
    builder.addChunk(part, outcome, performance.now() - t0, settings.attempt);
    if (settings.onProgress) {
      const c = builder.counts;
      settings.onProgress({
        done: builder.done,
        total: settings.total,
        inserted: c.inserted,
        matched: c.matched,
        deleted: c.deleted,
        upserted: c.upserted,
        failed: builder.failureCount,
        elapsedMs: performance.now() - started,
      });
    }
    return outcome;
  };
  if (!settings.ordered) {
    await pMap(chunks, runOne, { concurrency: settings.concurrency });
    return;
  }
  for (let i = 0; i < chunks.length; i++) {
    const outcome = await runOne(chunks[i]!);
    if (outcome.stop) {
      builder.addNotAttempted(chunks.slice(i + 1).flat());
      return;
    }
  }
}
