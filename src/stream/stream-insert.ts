/**
 * The streaming inserter: pulls records from any source, validates and batches them, keeps at
 * most `concurrency` batches in flight (it stops pulling while they are: backpressure), sends
 * rejected records to a dead-letter sink, and moves a checkpoint over what is acknowledged.
 * An async generator: it yields progress per acknowledged batch and returns the final report.
 */
import type { Collection, Document } from 'mongodb';
import { BulkwrightError } from '../core/errors.js';
import { type Failure, FailureKind } from '../core/failure.js';
import type { PlannedOp } from '../core/planned-op.js';
import type { RunSettings } from '../execute/run-plan.js';
import { runSettings } from '../execute/run-settings.js';
import { serverLimits } from '../execute/server-limits.js';
import type { AnyModel } from '../model/define-model.js';
import { checksNothing } from '../plan/checks-nothing.js';
import type { BulkReport } from '../report/report.js';
import { ReportBuilder } from '../report/report-builder.js';
import { runWithRetries } from '../retry/run-with-retries.js';
import { type RecordOpContext, recordOp } from './record-op.js';
import { type ReplayDetector, replayDetector } from './replayed-inserts.js';
import { type StreamSource, streamRecords } from './sources/stream-source.js';
import { stopEarly } from './stop-early.js';
import {
  type ResolvedStreamOptions,
  resolveStreamOptions,
  type StreamInsertOptions,
} from './stream-options.js';
import type { DeadLetter, SourceRecord, StreamProgress, StreamReport } from './types.js';
import { Watermark } from './watermark.js';

export type { StreamSource };

/** One record on its way: what was read, and the op it became or why it was rejected. */
interface Item {
  readonly position: number;
  readonly line?: number | undefined;
  readonly record: unknown;
  readonly op?: PlannedOp;
  readonly derivedId?: boolean;
  readonly rejection?: DeadLetter['reason'];
  readonly skipped?: boolean;
}

interface BatchResult {
  readonly sequence: number;
  readonly items: readonly Item[];
  readonly report: BulkReport | undefined;
  /** Positions whose insert had landed in an earlier run (resume): written, not rejected. */
  readonly replayed: ReadonlySet<number>;
}

const lostKinds = new Set<string>([FailureKind.network, FailureKind.transient]);

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
  const ctx: RecordOpContext = {
    model,
    mode: o.mode,
    upsertFields: o.upsertFields,
    validate: o.validate && !checksNothing(model.schema),
    now: new Date(),
    idNamespace: options.idNamespace,
    partialSchema: model.schema.partial(),
  };
  const settings = runSettings(limits, {
    ordered: o.ordered,
    writeConcern: options.writeConcern,
    batchTimeoutMs: o.batchTimeoutMs,
    batchSize: o.batchSize,
    throttle: options,
  });
  const n = {
    read: 0,
    inserted: 0,
    upserted: 0,
    matched: 0,
    modified: 0,
    deleted: 0,
    deletesAcknowledged: 0,
    rejected: 0,
    skipped: 0,
    notAttempted: 0,
    batches: 0,
  };
  const rejectedByKind: Record<string, number> = {};
  let bytesRead: number | undefined;
  let stoppedAt: number | undefined;
  let fatal: Error | undefined;
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
        fatal ??= new BulkwrightError('BW_STREAM_ABORTED', `a batch failed: ${message}`, { cause: error });
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
        await settle(result);
        // A batch whose dead letters could not be written is not acknowledged: the checkpoint stays.
        if (fatal) continue;
        watermark.complete(result.sequence, result.items.at(-1)!.position, {
          written: n.inserted + n.upserted + n.matched - before.written,
          rejected: n.rejected - before.rejected,
        });
        await saveCheckpoint(false);
      } catch (error) {
        // A dead-letter sink or checkpoint that fails stops the run the orderly way: batches in
        // flight settle, the sink is closed, and the error surfaces as BW_STREAM_ABORTED.
        const message = error instanceof Error ? error.message : String(error);
        fatal ??= new BulkwrightError('BW_STREAM_ABORTED', `could not record progress: ${message}`, {
          cause: error,
        });
        continue;
      }
      n.batches++;
      yield progress();
    }
  }

  async function settle(result: BatchResult): Promise<void> {
    const report = result.report;
    const failures = new Map<number, Failure>(report?.failures.map((f) => [f.index, f]));
    const notAttempted = new Set(report?.notAttempted);
    if (report) {
      n.inserted += report.insertedCount + result.replayed.size;
      n.upserted += report.upsertedCount;
      n.matched += report.matchedCount;
      n.modified += report.modifiedCount;
      n.deleted += report.deletedCount;
    }
    for (const item of result.items) {
      if (item.skipped) {
        n.skipped++;
        continue;
      }
      if (notAttempted.has(item.position)) {
        n.notAttempted++;
        continue;
      }
      const failure = failures.get(item.position);
      if (failure && lostKinds.has(failure.kind)) {
        fatal ??= new BulkwrightError(
          'BW_STREAM_ABORTED',
          `record ${item.position}: ${failure.message} (retries exhausted; resume from the checkpoint once the server is back)`,
        );
        continue;
      }
      const reason =
        item.rejection ?? (failure && !result.replayed.has(item.position) ? reasonOf(failure) : undefined);
      if (!reason) {
        if (o.dryRun) n.skipped++;
        // A delete that matched nothing is acknowledged all the same: it counts as written.
        else if (o.mode === 'delete') n.deletesAcknowledged++;
        continue;
      }
      n.rejected++;
      rejectedByKind[reason.kind] = (rejectedByKind[reason.kind] ?? 0) + 1;
      await options.deadLetter?.write({
        position: item.position,
        ...(item.line !== undefined ? { line: item.line } : {}),
        record: item.record,
        reason,
      });
      if (o.ordered) stoppedAt ??= item.position;
    }
  }

  const progress = (): StreamProgress => {
    const elapsedMs = performance.now() - started;
    const written = n.inserted + n.upserted + n.matched + n.deletesAcknowledged;
    return {
      type: 'progress',
      read: n.read,
      written,
      inserted: n.inserted,
      upserted: n.upserted,
      matched: n.matched,
      deleted: n.deleted,
      rejected: n.rejected,
      skipped: n.skipped,
      position: watermark.value,
      ...(bytesRead !== undefined ? { bytesRead } : {}),
      elapsedMs: Math.round(elapsedMs),
      docsPerSecond: elapsedMs > 0 ? Math.round((written / elapsedMs) * 1000) : 0,
    };
  };

  let wrappedUp = false;
  try {
    for await (const record of records) {
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
      if (stopHere || stoppedAt !== undefined || fatal || options.signal?.aborted) break;
    }
    if (batch.length > 0 && stoppedAt === undefined && !fatal) send(batch);
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
  const finished = stoppedAt === undefined && !options.signal?.aborted && !fatal;
  if (!finished) {
    // Stopped early: record everything acknowledged, so a resume replays as little as possible.
    await saveCheckpoint(true).catch((error: unknown) => {
      fatal ??= new BulkwrightError('BW_STREAM_ABORTED', `could not save the checkpoint: ${String(error)}`, {
        cause: error,
      });
    });
  }
  if (fatal) throw fatal;
  if (finished && options.checkpoint && !o.dryRun) await options.checkpoint.clear(checkpointProgress());

  const durationMs = performance.now() - started;
  const written = n.inserted + n.upserted + n.matched + n.deletesAcknowledged;
  return {
    ok: n.rejected === 0 && n.notAttempted === 0 && finished,
    mode: o.mode,
    read: n.read,
    written,
    inserted: n.inserted,
    upserted: n.upserted,
    matched: n.matched,
    modified: n.modified,
    deleted: n.deleted,
    rejected: n.rejected,
    skipped: n.skipped,
    notAttempted: n.notAttempted,
    rejectedByKind,
    ...(resumedFrom !== undefined ? { resumedFrom } : {}),
    ...(stoppedAt !== undefined ? { stoppedAt } : {}),
    ...(options.signal?.aborted ? { aborted: true } : {}),
    ...(o.dryRun ? { dryRun: true } : {}),
    batches: n.batches,
    durationMs: Math.round(durationMs),
    docsPerSecond: durationMs > 0 ? Math.round((written / durationMs) * 1000) : 0,
  };
}

function toItem(ctx: RecordOpContext, record: SourceRecord, filter: StreamInsertOptions['filter']): Item {
  const shown = record.raw ?? record.value;
  if (record.error) {
    const { position, line } = record;
    return { position, line, record: shown, rejection: { kind: 'parse', ...record.error } };
  }
  if (filter && !filter(record.value, record.position))
    return { position: record.position, record: shown, skipped: true };
  const planned = recordOp(ctx, record.value, record.position);
  if (!planned.ok) {
    const { position, line } = record;
    return { position, line, record: shown, rejection: reasonOf(planned.failure) };
  }
  return {
    position: record.position,
    line: record.line,
    record: shown,
    op: { index: record.position, op: planned.value.op },
    derivedId: planned.value.derivedId,
  };
}

async function runBatch(
  collection: Collection<Document>,
  items: readonly Item[],
  sequence: number,
  o: ResolvedStreamOptions,
  settings: RunSettings,
  replayedOf: ReplayDetector,
): Promise<BatchResult> {
  const ops: PlannedOp[] = [];
  for (const item of items) if (item.op) ops.push(item.op);
  if (o.dryRun || ops.length === 0) return { sequence, items, report: undefined, replayed: new Set() };
  const builder = new ReportBuilder('write', o.ordered, ops.length, false);
  const report = await runWithRetries(collection, ops, builder, settings, o.retry);
  return { sequence, items, report, replayed: await replayedOf(items, report) };
}

function reasonOf(failure: Failure): DeadLetter['reason'] {
  return {
    kind: failure.kind,
    code: failure.code,
    message: failure.message,
    ...(failure.issues ? { issues: failure.issues } : {}),
    ...(failure.keyValue ? { keyValue: failure.keyValue } : {}),
    ...(failure.errInfo ? { errInfo: failure.errInfo } : {}),
  };
}
