/**
 * The one place run settings are built, for every writer (verbs, retryFailed, bulkWrite across
 * collections, streams, migrate, rollback): the server's limits fill what the caller left open.
 */
import type { ThrottleOptions } from '../plan/throttle-options.js';
import { createPacer } from './pacer.js';
import type { RunSettings } from './run-plan.js';
import type { ServerLimits } from './server-limits.js';

/** What a caller chooses; the rest has a default. */
export interface RunChoices
  extends Partial<Omit<RunSettings, 'ordered' | 'maxBsonObjectSize' | 'pacer' | 'review' | 'runner'>> {
  readonly ordered: boolean;
  /** Throttling (`maxOpsPerSecond`, `pauseMs`): one pacer for the whole run, retries included. */
  readonly throttle?: ThrottleOptions;
}

/** The defaults when the server's limits are not asked (a cross-collection run on older servers). */
const fallbackLimits = { maxBsonObjectSize: 16 * 1024 * 1024, maxWriteBatchSize: 100_000 } as const;

/**
 * Ops per chunk unless the caller says otherwise (capped by the server's `maxWriteBatchSize`).
 * Measured against one chunk of everything (docs/performance.md, the raw driver's two batchings):
 * chunks of 1,000 with 4 in flight cost less client CPU and peak memory and finish sooner.
 * mongoimport caps its batches at 1,000 too.
 */
const DEFAULT_BATCH_SIZE = 1000;

export function runSettings(
  limits: Pick<ServerLimits, 'maxBsonObjectSize' | 'maxWriteBatchSize'> | undefined,
  c: RunChoices,
): RunSettings {
  const { maxBsonObjectSize, maxWriteBatchSize } = limits ?? fallbackLimits;
  return {
    ordered: c.ordered,
    session: c.session,
    writeConcern: c.writeConcern,
    bypassDocumentValidation: c.bypassDocumentValidation,
    comment: c.comment,
    let: c.let,
    maxBsonObjectSize,
    batchTimeoutMs: c.batchTimeoutMs,
    batchSize: c.batchSize ?? Math.min(DEFAULT_BATCH_SIZE, maxWriteBatchSize),
    // Ordered runs send one chunk after another whatever this says.
    concurrency: c.ordered ? 1 : (c.concurrency ?? 1),
    attempt: c.attempt ?? 1,
    total: c.total ?? 0,
    onProgress: c.onProgress,
    pacer: createPacer(c.throttle ?? {}),
  };
}
