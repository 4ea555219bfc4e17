/**
 * The streaming inserter: pulls records from any source, validates and batches them, keeps at
 * most `concurrency` batches in flight (it stops pulling while they are: backpressure), sends
 * rejected records to a dead-letter sink, and moves a checkpoint over what is acknowledged.
 * An async generator: it yields progress per acknowledged batch and returns the final report.
 * Batches run in run-batch.ts, counting and dead-lettering in stream-tally.ts.
 */
import type { Collection, Document } from 'mongodb';
import { BulkwrightError } from '../core/errors.js';
import { runSettings } from '../execute/run-settings.js';
import { serverLimits } from '../execute/server-limits.js';
import { type AnyModel, isLooseModel } from '../model/define-model.js';
import { checksNothing } from '../plan/checks-nothing.js';
import { type Item, toItem } from './batch-item.js';
import type { RecordOpContext } from './record-op.js';
import { replayDetector } from './replayed-inserts.js';
import { type BatchResult, runBatch } from './run-batch.js';
import { isOwnSource } from './sources/own-source.js';
import { type StreamSource, streamRecords } from './sources/stream-source.js';
import { stopEarly } from './stop-early.js';
import { resolveStreamOptions, type StreamInsertOptions } from './stream-options.js';
import { type RunState, StreamTally } from './stream-tally.js';
import type { StreamProgress, StreamReport } from './types.js';
import { Watermark } from './watermark.js';

export type { StreamSource };

export async function* streamInsert(
  model: AnyModel,
  source: StreamSource,
  options: StreamInsertOptions = {},
): AsyncGenerator<StreamProgress, StreamReport> {
  const o = resolveStreamOptions(options);
  const collection = model.collection() as Collection<Document>;
  const limits = await serverLimits(model.db!);
  const records = streamRecords(source, options);
  const resumedFrom = options.resume ? await options.checkpoint!.load() : undefined;
  const from = resumedFrom ?? 0;
  if (options.resume) await options.deadLetter?.resume?.(from);
  const watermark = new Watermark(from);
  const started = performance.now();
  // A loose model (the CLI's without --model) checks nothing: its schema is not even built.
  const validate = o.validate && !isLooseModel(model) && !checksNothing(model.schema);
  // Merge and delete records hold only some fields: whatever they hold must be valid.
  const partial = o.mode === 'merge' || o.mode === 'delete';
  const ctx: RecordOpContext = {
    model,
    mode: o.mode,
    upsertFields: o.upsertFields,
    validate,
    now: new Date(),
    idNamespace: options.idNamespace,
    schema: validate ? (partial ? model.schema.partial() : model.schema) : undefined,
    ownsValues: typeof source === 'string' || (options.records === true && isOwnSource(source)),
  };
  const settings = runSettings(limits, {
    ordered: o.ordered,
    writeConcern: options.writeConcern,
    batchTimeoutMs: o.batchTimeoutMs,
    batchSize: o.batchSize,
    throttle: options,
  });
  const n = new StreamTally();
  const state: RunState = {};
  let bytesRead: number | undefined;
  let savedPosition = from;
  let savedAt = performance.now();
  /** Saves the checkpoint when it moved and, unless forced, at most once per `checkpointEveryMs`. */
  const saveCheckpoint = async (force: boolean) => {
    if (!options.checkpoint || o.dryRun || watermark.value <= savedPosition) return;
    if (!force && performance.now() - savedAt < o.checkpointEveryMs) return;
    savedPosition = watermark.value;
    savedAt = performance.now();
    await options.checkpoint.save(savedPosition, checkpointProgress());
  };

  // Counts of the acknowledged prefix only: a resume replays what lies past it and counts it again.
  const checkpointProgress = () => watermark.counts;

  const replayed = replayDetector(collection);
  const inFlight = new Set<Promise<void>>();
  const completed: BatchResult[] = [];
  let sequence = 0;
  let batch: Item[] = [];
  let batchBytes = 0;

  const send = (items: Item[]) => {
    const task = runBatch(collection, items, sequence++, o, settings, replayed).then(
      (result) => void completed.push(result),
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        state.fatal ??= new BulkwrightError('BW_STREAM_ABORTED', `a batch failed: ${message}`, {
          cause: error,
        });
      },
    );
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  };

  /** Settles finished batches in any order; the checkpoint only moves over a contiguous prefix. */
  async function* drain(): AsyncGenerator<StreamProgress> {
    while (completed.length > 0) {
      const result = completed.shift()!;
      try {
        const before = { written: n.inserted + n.upserted + n.matched, rejected: n.rejected };
        await n.settle(result, o, options.deadLetter, state);
        // A batch whose dead letters could not be written is not acknowledged: the checkpoint stays.
        if (state.fatal) continue;
        watermark.complete(result.sequence, result.items.at(-1)!.position, {
          written: n.inserted + n.upserted + n.matched - before.written,
          rejected: n.rejected - before.rejected,
        });
        await saveCheckpoint(false);
      } catch (error) {
        // A dead-letter sink or checkpoint that fails stops the run the orderly way: batches in
        // flight settle, the sink is closed, and the error surfaces as BW_STREAM_ABORTED.
        const message = error instanceof Error ? error.message : String(error);
        state.fatal ??= new BulkwrightError('BW_STREAM_ABORTED', `could not record progress: ${message}`, {
          cause: error,
        });
        continue;
      }
      n.batches++;
      yield n.progress(watermark.value, bytesRead, started);
    }
  }

  let wrappedUp = false;
  try {
    // One async step per array of records (a reader's chunk), then a plain loop over it.
    reading: for await (const arrived of records) {
      for (const record of arrived) {
        if (record.bytesRead !== undefined) bytesRead = record.bytesRead;
        n.read++;
        if (record.position <= from) {
          n.skipped++;
          continue;
        }
        const item = toItem(ctx, record, options.filter);
        batch.push(item);
        batchBytes += typeof record.raw === 'string' ? record.raw.length : 0;
        // Ordered: the batch up to a rejected record is sent; nothing after it is read.
        const stopHere = o.ordered && item.rejection !== undefined;
        if (batch.length >= o.batchSize || batchBytes >= o.batchBytes || stopHere) {
          send(batch);
          batch = [];
          batchBytes = 0;
          while (inFlight.size >= o.concurrency) await Promise.race(inFlight);
          yield* drain();
        }
        if (stopHere || state.stoppedAt !== undefined || state.fatal || options.signal?.aborted)
          break reading;
      }
    }
    if (batch.length > 0 && state.stoppedAt === undefined && !state.fatal) send(batch);
    while (inFlight.size > 0) {
      await Promise.race(inFlight);
      yield* drain();
    }
    yield* drain();
    wrappedUp = true;
    await options.deadLetter?.close?.();
  } finally {
    // The consumer stopped early (break, throw) or the source failed: leave nothing running.
    if (!wrappedUp)
      await stopEarly({
        inFlight,
        drain,
        deadLetter: options.deadLetter,
        saveCheckpoint: () => saveCheckpoint(true),
      });
  }
  const finished = state.stoppedAt === undefined && !options.signal?.aborted && !state.fatal;
  if (!finished) {
    // Stopped early: record everything acknowledged, so a resume replays as little as possible.
    await saveCheckpoint(true).catch((error: unknown) => {
      state.fatal ??= new BulkwrightError(
        'BW_STREAM_ABORTED',
        `could not save the checkpoint: ${String(error)}`,
        { cause: error },
      );
    });
  }
  if (state.fatal) throw state.fatal;
  if (finished && options.checkpoint && !o.dryRun) await options.checkpoint.clear(checkpointProgress());
  return n.report(o, finished, started, {
    resumedFrom,
    stoppedAt: state.stoppedAt,
    aborted: options.signal?.aborted ?? false,
  });
}
