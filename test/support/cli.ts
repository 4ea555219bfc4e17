/**
 * Running the CLI for tests: as users do, a child process `node --import tsx src/cli/main.ts …`
 * (both paths resolved from the repository root whatever the cwd, stdin closed, stdout and stderr
 * piped and collected), or in this process through `runCli(argv, io)` (`runCliHere`), for tests
 * that check only what it prints and its exit code.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runCli as runCliInProcess } from '../../src/cli/run-cli.js';

/** The repository root (this file is test/support/cli.ts). */
export const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');
const main = join(repoRoot, 'src/cli/main.ts');
const tsx = pathToFileURL(join(repoRoot, 'node_modules/tsx/dist/loader.mjs')).href;

/**
 * The environment CLI tests run in: this process's without MONGODB_URI (each test says which
 * server it means), with NO_COLOR=1, then `extra` on top.
 */
export function cliEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { MONGODB_URI: _ignored, ...rest } = process.env;
  return { ...rest, NO_COLOR: '1', ...extra };
}

export interface CliOptions {
  /** Default: this process's cwd. */
  readonly cwd?: string;
  /** The child's whole environment. Default: `cliEnv()`. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Starts the CLI; for tests that need the process itself (signals, a kill on some output). */
export function spawnCli(args: readonly string[], options: CliOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--import', tsx, main, ...args], {
    cwd: options.cwd,
    env: options.env ?? cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** What a run has written so far. */
export interface CliOutput {
  readonly stdout: string;
  readonly stderr: string;
  /** Both streams interleaved, in the order their chunks arrived. */
  readonly output: string;
}

export interface CliRun extends CliOutput {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Collects a started CLI's output until it closes. `onStderr` is called after every stderr chunk
 * with the output so far (to act on a progress line, say).
 */
export function collectCli(child: ChildProcess, onStderr?: (soFar: CliOutput) => void): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    output += chunk.toString();
    onStderr?.({ stdout, stderr, output });
  });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr, output }));
  });
}

/** Runs the CLI to the end. */
export function runCli(
  args: readonly string[],
  options: CliOptions & { readonly onStderr?: (soFar: CliOutput) => void } = {},
): Promise<CliRun> {
  return collectCli(spawnCli(args, options), options.onStderr);
}

/**
 * Runs the CLI in this process, on captured streams, in `cwd` (changed for the run, then back:
 * the CLI resolves paths against it). No signals, no `--workers` (they fork the bin): spawn those.
 */
export async function runCliHere(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let output = '';
  const capture = (onText: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        onText(chunk.toString());
        done();
      },
    }) as unknown as NodeJS.WriteStream;
  const io = {
    env: options.env ?? cliEnv(),
    stdout: capture((text) => {
      stdout += text;
      output += text;
    }),
    stderr: capture((text) => {
      stderr += text;
      output += text;
    }),
  };
  const before = process.cwd();
  if (options.cwd !== undefined) process.chdir(options.cwd);
  try {
    const code = await runCliInProcess(args, io);
    return { code, signal: null, stdout, stderr, output };
  } finally {
    process.chdir(before);
  }
}

/** `import <file> --uri <uri> --db <db> --collection <collection>`: how an import's arguments start. */
export function importArgs(file: string, uri: string, db: string, collection: string): string[] {
  return ['import', file, '--uri', uri, '--db', db, '--collection', collection];
}

/**
 * `base` with user `bwuser` and password `secret` (FerretDB's PLAIN auth takes any password), and
 * the port replaced by `port` if given.
 */
export function uriWithSecret(base: string, secret: string, port?: number): string {
  const url = new URL(base);
  url.username = 'bwuser';
  url.password = secret;
  if (port !== undefined) url.port = String(port);
  url.searchParams.set('authMechanism', 'PLAIN');
  url.searchParams.set('authSource', '$external');
  return url.toString();
}
