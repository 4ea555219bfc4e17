/**
 * Measuring one trial: wall time, client CPU and peak RSS, for a child process whatever it runs
 * (a worker of ours, the bulkwright CLI, mongoimport). Uses GNU time's rusage when installed and
 * falls back to polling /proc/<pid> (a last sample up to 50 ms old) when not. Plus medians.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ChildUsage {
  wallMs: number;
  /** User + system CPU of the child, whole process life (start-up included). */
  cpuMs: number;
  peakRssBytes: number;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** 'time' (GNU time rusage) or 'proc' (polled /proc, approximate). */
  method: 'time' | 'proc';
}

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME);
const CLOCK_TICKS = 100;

export const usageMethod = (): ChildUsage['method'] => (hasGnuTime ? 'time' : 'proc');

export async function runMeasured(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ChildUsage> {
  const dir = mkdtempSync(join(tmpdir(), 'bulkwright-bench-time-'));
  const timeFile = join(dir, 'rusage');
  const [cmd, argv] = hasGnuTime
    ? [GNU_TIME, ['-f', '%U %S %M', '-o', timeFile, command, ...args]]
    : [command, [...args]];
  const started = performance.now();
  const child = spawn(cmd, argv, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
    if (stdout.length > 1 << 20) stdout = stdout.slice(-(1 << 19));
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-20_000);
  });
  let polled = { cpuMs: 0, peakRssBytes: 0 };
  const poller = hasGnuTime
    ? undefined
    : setInterval(() => {
        const sample = sampleProc(child.pid);
        if (sample) polled = sample;
      }, 50);
  const timer = options.timeoutMs
    ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs).unref()
    : undefined;
  const exitCode = await new Promise<number | null>((resolve) =>
    child.once('close', (code) => resolve(code)),
  );
  const wallMs = performance.now() - started;
  if (poller) clearInterval(poller);
  if (timer) clearTimeout(timer);
  let usage = polled;
  if (hasGnuTime) {
    usage = parseGnuTime(existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '');
  }
  rmSync(dir, { recursive: true, force: true });
  return { wallMs, ...usage, exitCode, stdout, stderr, method: hasGnuTime ? 'time' : 'proc' };
}

function parseGnuTime(text: string): { cpuMs: number; peakRssBytes: number } {
  // GNU time prefixes "Command exited with non-zero status N" when the child fails.
  const line = text.trim().split('\n').at(-1) ?? '';
  const [user, system, maxKb] = line.split(' ').map(Number);
  return { cpuMs: ((user ?? 0) + (system ?? 0)) * 1000, peakRssBytes: (maxKb ?? 0) * 1024 };
}

function sampleProc(pid: number | undefined): { cpuMs: number; peakRssBytes: number } | undefined {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: field 14 (utime) and 15 (stime) of proc(5) are indices 11 and 12 here.
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    return { cpuMs: (ticks * 1000) / CLOCK_TICKS, peakRssBytes: Number(hwm?.[1] ?? 0) * 1024 };
  } catch {
    return undefined;
  }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The last line of a child's stdout that is a JSON object, parsed; undefined if none. */
export function lastJsonLine<T>(stdout: string): T | undefined {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{')) continue;
    try {
      return JSON.parse(trimmed) as T;
    } catch {}
  }
  return undefined;
}
