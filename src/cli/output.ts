/**
 * What the CLI prints, and how it fails: every line goes through the redactor (a password in
 * `--uri` is never shown), to the streams of the run (the process's, or a test's).
 */
import type { Redactor } from './redact.js';

export const EXIT_OK = 0;
export const EXIT_FATAL = 2;

/** The streams and environment one run of the CLI uses. */
export interface CliIo {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

export const processIo = (): CliIo => ({ env: process.env, stdout: process.stdout, stderr: process.stderr });

export interface Output {
  readonly redact: Redactor;
  readonly io: CliIo;
  out(text: string): void;
  err(text: string): void;
}

export function createOutput(redact: Redactor, io: CliIo): Output {
  return {
    redact,
    io,
    out: (text) => io.stdout.write(`${redact(text)}\n`),
    err: (text) => io.stderr.write(`${redact(text)}\n`),
  };
}

/** A failure that ends the run with exit code 2 and one clear message. */
export class FatalError extends Error {}

export const fatal = (error: unknown): never => {
  throw new FatalError(messageOf(error));
};

export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
