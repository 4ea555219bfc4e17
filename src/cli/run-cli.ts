/**
 * The `bulkwright` command. Exit codes: 0 everything written, 1 finished with rejected records,
 * 2 fatal (bad options, cannot connect, unreadable file), 130 interrupted by SIGINT (143 SIGTERM).
 * Everything it prints goes through a redactor, so a password in `--uri` is never shown.
 */
import { parseCli, UsageError } from './args.js';
import { isFileList } from './input-files.js';
import { ModelLoadError } from './load-model.js';
import { type CliIo, createOutput, EXIT_FATAL, FatalError, messageOf, processIo } from './output.js';
import { createRedactor, secretsOf } from './redact.js';
import { runImport } from './run-import.js';

export type { CliIo };

/**
 * Runs the CLI with `argv` (without node and the script) on `io` (default: this process's
 * streams and environment) and resolves to the exit code. It does not exit the process: main.ts
 * does. Tests call it in-process; `--workers` forks `process.argv[1]`, so it needs the bin.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const env = io.env;
  // Mask the passwords of every connection string we were handed, before anything is printed.
  const output = createOutput(createRedactor(secretsOf([...argv, env.MONGODB_URI])), io);

  // Commands other than a one-file import load on use: an import's memory and start-up stay its own.
  if (argv[0] === 'status') return (await import('./status.js')).runStatus(argv.slice(1), env, output);
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
      io.stdout.write(output.redact(command.output));
      return command.code;
    }
    if (command.command === 'export')
      return await (await import('./run-export.js')).runExport(command, output);
    if (isFileList(command.files)) {
      const { runImportFiles } = await import('./import-files.js');
      return await runImportFiles(command, argv, output, (one) => runImport(one, output));
    }
    if (command.shares.workers !== undefined)
      return await (await import('./workers.js')).runWorkers(command, argv, output);
    return await runImport(command, output);
  } catch (error) {
    // A model that does not load is the user's to fix, like a bad option: its own message, exit 2.
    const usage = error instanceof FatalError || error instanceof ModelLoadError;
    output.err(`bulkwright: ${usage ? error.message : `unexpected error: ${messageOf(error)}`}`);
    if (env.BULKWRIGHT_DEBUG && error instanceof Error && error.stack) output.err(error.stack);
    return EXIT_FATAL;
  }
}
