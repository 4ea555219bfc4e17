#!/usr/bin/env node
/**
 * The `bulkwright` command. Exit codes: 0 everything written, 1 finished with rejected records,
 * 2 fatal (bad options, cannot connect, unreadable file), 130 interrupted by SIGINT (143 SIGTERM).
 * Everything it prints goes through a redactor, so a password in `--uri` is never shown.
 */
import { constants } from 'node:fs';
import { access, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MongoClient, type MongoClientOptions } from 'mongodb';
import { looseModel } from '../model/define-model.js';
import { deadLetterFile } from '../stream/dead-letter.js';
import { forgetLettersAfter } from '../stream/dead-letter-resume.js';
import { exportNdjson } from '../stream/export.js';
import { streamInsert } from '../stream/stream-insert.js';
import type { DeadLetter, DeadLetterSink, StreamReport } from '../stream/types.js';
import { alreadyFinished } from './already-finished.js';
import { type ExportCommand, type ImportCommand, parseCli, UsageError } from './args.js';
import { runImportFiles } from './import-files.js';
import { importIdOf, setupShare } from './import-share.js';
import { isFileList } from './input-files.js';
import { bindModel, loadModel, ModelLoadError } from './load-model.js';
import { createProgress, formatBytes, formatCount, progressMode } from './progress.js';
import { createRedactor, type Redactor, secretsOf } from './redact.js';
import { runStatus } from './status.js';
import { exitCodeOf, type SummaryContext, summaryJson, summaryText } from './summary.js';
import { isWorker, sendToParent, workerProgress } from './worker-channel.js';
import { runWorkers } from './workers.js';

const EXIT_OK = 0;
const EXIT_FATAL = 2;

/** A failure that ends the run with exit code 2 and one clear message. */
class FatalError extends Error {}
const fatal = (error: unknown): never => {
  throw new FatalError(messageOf(error));
};

interface Output {
  readonly redact: Redactor;
  out(text: string): void;
  err(text: string): void;
}

function createOutput(redact: Redactor): Output {
  return {
    redact,
    out: (text) => process.stdout.write(`${redact(text)}\n`),
    err: (text) => process.stderr.write(`${redact(text)}\n`),
  };
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** Runs the CLI with `argv` (without node and the script) and resolves to the exit code. */
async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // Mask the passwords of every connection string we were handed, before anything is printed.
  const output = createOutput(createRedactor(secretsOf([...argv, env.MONGODB_URI])));
  // Node prints warnings itself; route them through the redactor instead.
  process.removeAllListeners('warning');
  process.on('warning', (warning) => output.err(`bulkwright: warning: ${warning.name}: ${warning.message}`));

  if (argv[0] === 'status') return runStatus(argv.slice(1), env, output);
  let command: ReturnType<typeof parseCli>;
  try {
    command = parseCli(argv, env);
  } catch (error) {
    if (error instanceof UsageError) {
      for (const problem of error.problems) output.err(`bulkwright: ${problem}`);
      output.err('Run `bulkwright --help` or `bulkwright <command> --help` for usage.');
      return EXIT_FATAL;
    }
    throw error;
  }
  try {
    if (command.command === 'exit') {
      process.stdout.write(output.redact(command.output));
      return command.code;
    }
    if (command.command === 'export') return await runExport(command, output);
    if (isFileList(command.files))
      return await runImportFiles(command, argv, output, (one) => runImport(one, output));
    if (command.shares.workers !== undefined) return await runWorkers(command, argv, output);
    return await runImport(command, output);
  } catch (error) {
    // A model that does not load is the user's to fix, like a bad option: its own message, exit 2.
    const usage = error instanceof FatalError || error instanceof ModelLoadError;
    output.err(`bulkwright: ${usage ? error.message : `unexpected error: ${messageOf(error)}`}`);
    if (env.BULKWRIGHT_DEBUG && error instanceof Error && error.stack) output.err(error.stack);
    return EXIT_FATAL;
  }
}

/** Driver options that give a quick, clear failure on a wrong host, unless the URI sets them. */
function clientOptions(uri: string): MongoClientOptions {
  const options: MongoClientOptions = {};
  if (!/[?&]serverSelectionTimeoutMS=/i.test(uri)) options.serverSelectionTimeoutMS = 10_000;
  if (!/[?&]appName=/i.test(uri)) options.appName = 'bulkwright';
  return options;
}

async function connect(uri: string, output: Output): Promise<MongoClient> {
  let client: MongoClient;
  try {
    client = new MongoClient(uri, clientOptions(uri));
  } catch (error) {
    throw new FatalError(`--uri: ${messageOf(error)}`);
  }
  try {
    await client.connect();
  } catch (error) {
    await client.close().catch(() => {});
    throw new FatalError(`cannot connect to ${output.redact(uri)}: ${messageOf(error)}`);
  }
  return client;
}

async function checkReadable(file: string): Promise<void> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a regular file');
    await access(file, constants.R_OK);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : messageOf(error);
    throw new FatalError(`<file>: cannot read ${file}: ${reason}`);
  }
}

/**
 * The dead-letter file: created on the first rejected record (a run without rejections leaves
 * none), started afresh unless the run resumes one, and with its reasons passed through the
 * redactor (a driver message could quote the connection string). The records stay as read.
 */
function lazyDeadLetter(
  path: string,
  redact: Redactor,
  options: { readonly append: boolean; readonly file?: string },
): DeadLetterSink & { readonly count: () => number; close(): Promise<void> } {
  let sink: Promise<DeadLetterSink> | undefined;
  let written = 0;
  const open = async () => {
    if (!options.append) await rm(path, { force: true });
    return deadLetterFile(path);
  };
  return {
    count: () => written,
    async write(letter: DeadLetter) {
      sink ??= open();
      written += 1;
      const target = await sink;
      const file = options.file !== undefined ? { file: options.file } : {};
      await target.write({
        ...letter,
        ...file,
        reason: { ...letter.reason, message: redact(letter.reason.message) },
      });
    },
    async resume(position: number) {
      if (options.append && !sink) await forgetLettersAfter(path, position);
    },
    async close() {
      if (sink) await (await sink).close?.();
    },
  };
}

/** Stops pulling on the first SIGINT/SIGTERM; a second one ends the process at once. */
function interruption(output: Output, onFirst: (message: string) => void) {
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

async function runImport(command: ImportCommand, output: Output): Promise<number> {
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
      ? workerProgress(process.stderr, output.redact)
      : createProgress({
          mode: progressMode({ quiet: command.quiet, isTTY: process.stderr.isTTY, term: process.env.TERM }),
          stream: process.stderr,
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

async function runExport(command: ExportCommand, output: Output): Promise<number> {
  const client = await connect(command.uri, output);
  try {
    const collection = client.db(command.db).collection(command.collection);
    const destination = command.out !== undefined ? resolve(command.out) : process.stdout;
    const started = Date.now();
    let result: { exported: number; bytes: number };
    try {
      result = await exportNdjson(
        collection,
        {
          filter: command.filter,
          ...(command.projection ? { projection: command.projection } : {}),
          ...(command.sort ? { sort: command.sort } : {}),
          ...(command.limit !== undefined ? { limit: command.limit } : {}),
          ejson: command.ejson,
        },
        destination,
      );
    } catch (error) {
      throw new FatalError(`export failed: ${messageOf(error)}`);
    }
    if (!command.quiet) {
      const where = typeof destination === 'string' ? destination : 'standard output';
      const line = command.json
        ? JSON.stringify({
            ...result,
            out: typeof destination === 'string' ? destination : null,
            durationMs: Date.now() - started,
          })
        : `bulkwright export: ${formatCount(result.exported)} document${result.exported === 1 ? '' : 's'} (${formatBytes(result.bytes)}) from ${command.db}.${command.collection} to ${where}`;
      // Standard output holds the data when there is no --out: the summary goes to standard error then.
      if (typeof destination === 'string') output.out(line);
      else output.err(line);
    }
    return EXIT_OK;
  } finally {
    await client.close().catch(() => {});
  }
}

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(
      `${createRedactor(secretsOf([...process.argv, process.env.MONGODB_URI]))(`bulkwright: ${messageOf(error)}`)}\n`,
    );
    process.exit(EXIT_FATAL);
  },
);
