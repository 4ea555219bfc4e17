/** `bulkwright import`: one file (or one share of it) into a collection, through streamInsert. */
import { resolve } from 'node:path';
import type { MongoClient } from 'mongodb';
import { looseModel } from '../model/define-model.js';
import { lazyDeadLetter } from '../stream/lazy-dead-letter.js';
import { streamInsert } from '../stream/stream-insert.js';
import type { StreamReport } from '../stream/types.js';
import { alreadyFinished } from './already-finished.js';
import type { ImportCommand } from './commands.js';
import { checkReadable, connect } from './connect.js';
import { importIdOf, setupShare } from './import-share.js';
import { isFileList } from './input-files.js';
import { interruption } from './interruption.js';
import { bindModel, loadModel } from './load-model.js';
import { FatalError, fatal, messageOf, type Output } from './output.js';
import { createProgress, progressMode } from './progress.js';
import { scheduleGc } from './scheduled-gc.js';
import { exitCodeOf, type SummaryContext, summaryJson, summaryText } from './summary.js';
import { isWorker, sendToParent, workerProgress } from './worker-channel.js';

/** How often an import collects its garbage in full (src/cli/scheduled-gc.ts says why). */
const GC_INTERVAL_MS = 2_000;

export async function runImport(command: ImportCommand, output: Output): Promise<number> {
  let note = (message: string) => output.err(message);
  const interrupt = interruption(output, (message) => note(message));
  const file = resolve(command.file);
  let client: MongoClient | undefined;
  try {
    await checkReadable(file);
    const loaded = command.model ? await loadModel(command.model) : undefined;
    const collection = command.collection ?? (loaded?.name as string);
    client = await connect(command.uri, output);
    if (interrupt.signal.aborted) {
      output.err('bulkwright: interrupted before the import started; nothing was written');
      return interrupt.code() ?? 130;
    }
    const db = client.db(command.db);
    const model = bindModel(loaded ?? looseModel(collection), db, collection);
    // A model's unique indexes are part of its contract: without them duplicates would go in unseen.
    if (!command.dryRun && model.indexes.length > 0) {
      try {
        await model.ensureIndexes();
      } catch (error) {
        throw new FatalError(
          `cannot create the model's indexes on ${command.db}.${collection}: ${messageOf(error)}`,
        );
      }
    }

    const share = await setupShare(command, file, db, collection, loaded ? model.schema : undefined);
    const { totalBytes, checkpoint, deadLetterPath } = share;
    if (deadLetterPath === file)
      throw new FatalError(`--dead-letter: expected another file than the input, received ${file}`);
    const deadLetter = deadLetterPath
      ? lazyDeadLetter(deadLetterPath, output.redact, {
          append: command.resume,
          ...(isFileList(command.files) ? { file } : {}), // one file of a list: name it in each letter
        })
      : undefined;
    const checkpointKey = importIdOf(file, command.db, collection);
    const before = await share.shareStore?.begin(command.resume).catch((e: unknown) => fatal(e));
    if (before?.finished) return alreadyFinished(command, before, output);
    const source = share.open(before && before.position > 0 ? before.position : undefined);

    const progress = isWorker()
      ? workerProgress(output.io.stderr, output.redact)
      : createProgress({
          mode: progressMode({
            quiet: command.quiet,
            isTTY: output.io.stderr.isTTY,
            term: output.io.env.TERM,
          }),
          stream: output.io.stderr,
          ...(totalBytes !== undefined ? { totalBytes } : {}),
          intervalMs: command.progressIntervalMs,
          redact: output.redact,
        });
    note = (message) => progress.note(message);

    const run = streamInsert(model, source, {
      records: true,
      mode: command.mode,
      ...(command.upsertFields ? { upsertFields: [...command.upsertFields] } : {}),
      ordered: command.ordered,
      ...(command.batchSize !== undefined ? { batchSize: command.batchSize } : {}),
      ...(command.concurrency !== undefined ? { concurrency: command.concurrency } : {}),
      ...(command.maxRate !== undefined ? { maxOpsPerSecond: command.maxRate } : {}),
      ...(deadLetter ? { deadLetter } : {}),
      ...(checkpoint ? { checkpoint, idNamespace: checkpointKey } : {}),
      resume: command.resume,
      dryRun: command.dryRun,
      batchTimeoutMs: command.batchTimeoutMs,
      signal: interrupt.signal,
    });
    let report: StreamReport;
    const stopGc = scheduleGc(GC_INTERVAL_MS);
    try {
      for (;;) {
        const step = await run.next();
        if (step.done) {
          report = step.value;
          break;
        }
        progress.update(step.value);
      }
    } catch (error) {
      progress.stop();
      const hint = checkpoint ? '; what was acknowledged is checkpointed: run again with --resume' : '';
      throw new FatalError(`import failed: ${messageOf(error)}${hint}`);
    } finally {
      stopGc();
      progress.stop();
      await deadLetter?.close();
    }

    const interrupted = interrupt.code() !== undefined;
    const context: SummaryContext = {
      file,
      db: command.db,
      collection,
      ...(deadLetter && deadLetterPath && deadLetter.count() > 0 ? { deadLetterFile: deadLetterPath } : {}),
      interrupted,
      dryRun: command.dryRun,
      checkpointed: checkpoint !== undefined,
      resumeRequested: command.resume,
    };
    if (isWorker())
      sendToParent({
        type: 'report',
        report,
        ...(context.deadLetterFile ? { deadLetterFile: context.deadLetterFile } : {}),
      });
    output.out(command.json ? summaryJson(report, context) : summaryText(report, context));
    return interrupted ? (interrupt.code() ?? 130) : exitCodeOf(report, false);
  } finally {
    interrupt.dispose();
    await client?.close().catch(() => {});
  }
}
