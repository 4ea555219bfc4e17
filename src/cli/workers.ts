/**
 * `--workers N`: the import as N shares in N child processes (this CLI, forked with
 * `--partition i/N`), with one merged progress display and one summary. Each child keeps its own
 * checkpoint and dead-letter file; a child that dies is reported, and `--resume` restarts every
 * share, each of which skips what its checkpoint says is done (a finished share exits at once).
 * Exit code: the worst of the children's (2 if one died).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import { sourceSize } from '../stream/sources/open-source.js';
import type { StreamProgress, StreamReport } from '../stream/types.js';
import type { ImportCommand } from './args.js';
import { mergeProgress, mergeReports } from './merge-reports.js';
import type { Output as FullOutput } from './output.js';
import { createProgress, progressMode } from './progress.js';
import { exitCodeOf, summaryJson, summaryText } from './summary.js';
import { WORKER_ENV, type WorkerMessage } from './worker-channel.js';

type Output = Pick<FullOutput, 'redact' | 'out' | 'err'>;

interface Child {
  readonly index: number;
  readonly process: ChildProcess;
  /** The progress of the file being imported, and the sum over the files done before it. */
  progress?: StreamProgress;
  done?: StreamProgress;
  /** One per file (a child of a list import imports several). */
  readonly reports: StreamReport[];
  readonly finishedBefore: { written: number; rejected: number }[];
  readonly deadLetterFiles: string[];
  code?: number | null;
  signal?: NodeJS.Signals | null;
}

export async function runWorkers(
  command: ImportCommand,
  argv: readonly string[],
  output: Output,
  files?: readonly string[],
): Promise<number> {
  const count = command.shares.workers!;
  const file = files ? command.files.join(' ') : resolve(command.file);
  const totalBytes = await totalSize(files ?? [file]);
  const progress = createProgress({
    mode: progressMode({ quiet: command.quiet, isTTY: process.stderr.isTTY, term: process.env.TERM }),
    stream: process.stderr,
    ...(totalBytes !== undefined ? { totalBytes } : {}),
    intervalMs: command.progressIntervalMs,
    redact: output.redact,
  });
  const started = performance.now();
  const base = withoutWorkers(argv);
  const children: Child[] = [];
  for (let index = 0; index < count; index++) {
    const child: Child = {
      index,
      reports: [],
      finishedBefore: [],
      deadLetterFiles: [],
      process: fork(process.argv[1]!, [...base, '--partition', `${index}/${count}`], {
        execArgv: process.execArgv,
        env: { ...process.env, [WORKER_ENV]: '1' },
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      }),
    };
    child.process.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') {
        child.progress = message.progress;
        progress.update(
          mergeProgress(
            children.flatMap((c) => [c.done, c.progress]),
            performance.now() - started,
          ),
        );
      } else if (message.type === 'report') {
        child.reports.push(message.report);
        child.done = mergeProgress([child.done, child.progress], 0);
        child.progress = undefined;
        if (message.deadLetterFile) child.deadLetterFiles.push(message.deadLetterFile);
      } else child.finishedBefore.push({ written: message.written, rejected: message.rejected });
    });
    children.push(child);
  }
  // A signal sent to this process alone (kubectl, systemd) reaches the children too; a terminal's
  // Ctrl-C reaches them directly, and their own handlers ignore the copy.
  let signalled: NodeJS.Signals | undefined;
  const forward = (signal: NodeJS.Signals) => {
    signalled ??= signal;
    for (const c of children) if (c.process.exitCode === null) c.process.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  try {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((done) =>
            c.process.on('exit', (code, signal) => {
              c.code = code;
              c.signal = signal;
              done();
            }),
          ),
      ),
    );
  } finally {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    progress.stop();
  }
  let worst = 0;
  for (const c of children) {
    const share = `share ${c.index}/${count}`;
    if (c.signal || c.code === null || c.code === undefined) {
      output.err(
        `bulkwright: ${share} died (${c.signal ?? 'no exit code'}); run the same command with --resume to finish it`,
      );
      worst = 2;
    } else if (c.code !== 0 && c.reports.length === 0 && c.finishedBefore.length === 0) {
      output.err(`bulkwright: ${share} failed (exit code ${c.code}); see its message above`);
      worst = Math.max(worst, 2);
    } else worst = severity(worst, c.code);
  }
  const reports = children.flatMap((c) => c.reports);
  const before = children.flatMap((c) => c.finishedBefore);
  const report = mergeReports(reports, before, performance.now() - started, command.mode);
  const deadLetters = children.flatMap((c) => c.deadLetterFiles);
  const interrupted = signalled !== undefined || children.some((c) => c.code === 130 || c.code === 143);
  const context = {
    file,
    db: command.db,
    collection: command.collection ?? '(the model collection)',
    ...(deadLetters.length > 0 ? { deadLetterFile: deadLetters.join(', ') } : {}),
    interrupted,
    dryRun: command.dryRun,
    checkpointed: command.checkpoint.kind !== 'none',
    resumeRequested: command.resume,
  };
  const summary = command.json
    ? summaryJson(report, context)
    : `${summaryText(report, context)}\n  shares       ${count} worker processes`;
  output.out(summary);
  if (worst === 0 && signalled) return signalled === 'SIGTERM' ? 143 : 130;
  return worst === 0 ? exitCodeOf(report, false) : worst;
}

/** The input's size in bytes (of every file of a list), when known. */
async function totalSize(files: readonly string[]): Promise<number | undefined> {
  const sizes = await Promise.all(files.map((f) => sourceSize(f).catch(() => undefined)));
  return sizes.every((s) => s !== undefined) ? sizes.reduce((a, b) => a + b, 0) : undefined;
}

/** 2 (fatal) over 143/130 (interrupted) over 1 (rejections) over 0. */
export function severity(worst: number, code: number): number {
  const rank = (c: number) => (c === 2 ? 4 : c === 143 || c === 130 ? 3 : c === 1 ? 2 : c === 0 ? 0 : 4);
  return rank(code) > rank(worst) ? code : worst;
}

/** The parent's arguments without `--workers N` (each child gets `--partition i/N` instead). */
export function withoutWorkers(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--workers') i++;
    else if (!argv[i]!.startsWith('--workers=')) out.push(argv[i]!);
  }
  return out;
}
