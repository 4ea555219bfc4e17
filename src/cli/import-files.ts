/**
 * Several files as one import (`bulkwright import 'data/*.ndjson' …`, or a list of paths). Each file
 * is imported whole, as if alone: its own checkpoint (the file's, share 0/1 of it), its own derived
 * `_id`s (named by its absolute path and the target) and its own dead-letter file, so a file keeps
 * them whichever share imports it. `--partition i/n` imports the files `filesOfShare` gives share i
 * (a stable hash of the absolute path); `--workers n` runs n such shares as children; without
 * either, one process imports every file in order of path. Exit code: the worst of the files'.
 */
import { basename, extname, resolve } from 'node:path';
import { filesOfShare } from '../stream/partition.js';
import type { ImportCommand } from './args.js';
import { expandInputs } from './input-files.js';
import type { Output as FullOutput } from './output.js';
import { runWorkers, severity } from './workers.js';

type Output = Pick<FullOutput, 'redact' | 'out' | 'err'>;

export async function runImportFiles(
  command: ImportCommand,
  argv: readonly string[],
  output: Output,
  importOne: (command: ImportCommand) => Promise<number>,
): Promise<number> {
  const { files, problems } = await expandInputs(command.files);
  if (problems.length > 0) {
    for (const problem of problems) output.err(`bulkwright: ${problem}`);
    output.err('Run `bulkwright --help` or `bulkwright <command> --help` for usage.');
    return 2;
  }
  // The children expand the same arguments: each takes its share of the same list.
  if (command.shares.workers !== undefined) return runWorkers(command, argv, output, files);
  const { partition } = command.shares;
  const mine = partition.count > 1 ? filesOfShare(files, partition) : [...files];
  if (!command.quiet) {
    const share = partition.count > 1 ? `share ${partition.index}/${partition.count}: ` : '';
    output.err(
      `bulkwright import: ${share}${mine.length} of ${files.length} file${files.length === 1 ? '' : 's'}${mine.length > 0 ? `: ${mine.map((f) => basename(f)).join(', ')}` : ''}`,
    );
  }
  let signalled: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals) => {
    signalled ??= signal;
  };
  // The import of each file handles the signal itself; this one only keeps the next file from starting.
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let worst = 0;
  try {
    for (const file of mine) {
      if (signalled) break;
      const code = await importOne(fileCommand(command, file));
      worst = severity(worst, code);
      if (code === 130 || code === 143) break;
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  if (worst === 0 && signalled) return signalled === 'SIGTERM' ? 143 : 130;
  return worst;
}

/**
 * The command for one file of the list: the whole file, with its own dead-letter file (`files`
 * stays the list, so each dead letter names its file).
 */
export function fileCommand(command: ImportCommand, file: string): ImportCommand {
  const { deadLetter: given, ...rest } = command;
  const deadLetter = given === undefined ? undefined : fileDeadLetterPath(given, file);
  return {
    ...rest,
    file,
    ...(deadLetter !== undefined ? { deadLetter } : {}),
    shares: { partition: { index: 0, count: 1 } },
  };
}

/** `--dead-letter bad.ndjson` with several files: `bad.<file name>.ndjson` for each. */
export function fileDeadLetterPath(given: string, file: string): string {
  const ext = extname(given);
  const stem = ext ? given.slice(0, -ext.length) : given;
  return resolve(`${stem}.${basename(file)}${ext}`);
}
