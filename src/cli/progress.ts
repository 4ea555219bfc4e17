/**
 * Progress of an import, on standard error so that standard output keeps the summary (or the
 * JSON report) alone. On a terminal: a cli-progress bar with docs/s and, when the file's size is
 * known, a bytes-based ETA. Elsewhere (a pipe, a log file, CI): a plain line every few seconds.
 * `--quiet`: nothing.
 */
import { createRequire } from 'node:module';
import type CliProgress from 'cli-progress';
import type { StreamProgress } from '../stream/types.js';
import type { Redactor } from './redact.js';

export type ProgressMode = 'bar' | 'lines' | 'off';

export interface ProgressOptions {
  readonly mode: ProgressMode;
  readonly stream: NodeJS.WriteStream;
  /** The source's size in bytes, when known: gives the percentage and the ETA. */
  readonly totalBytes?: number;
  /** Milliseconds between two plain lines (0: a line per batch). */
  readonly intervalMs: number;
  readonly redact: Redactor;
  /** For tests: the clock. */
  readonly now?: () => number;
}

export interface ProgressReporter {
  update(progress: StreamProgress): void;
  /** Prints a message without breaking the bar (e.g. "interrupted"). */
  note(message: string): void;
  stop(): void;
}

/** The bar on a terminal, lines elsewhere, nothing when quiet. */
export function progressMode(options: {
  readonly quiet: boolean;
  readonly isTTY: boolean | undefined;
  readonly term?: string | undefined;
}): ProgressMode {
  if (options.quiet) return 'off';
  return options.isTTY === true && options.term !== 'dumb' ? 'bar' : 'lines';
}

export function createProgress(options: ProgressOptions): ProgressReporter {
  if (options.mode === 'bar') return barProgress(options);
  if (options.mode === 'lines') return lineProgress(options);
  return {
    update() {},
    note(message) {
      options.stream.write(`${options.redact(message)}\n`);
    },
    stop() {},
  };
}

/**
 * `1234567` as `1,234,567`. By hand, not `Intl.NumberFormat`: the first Intl formatter maps ICU's
 * data into the process (+7.5 MB RSS, measured), a cost an import's flat memory should not pay.
 */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function knownSize(options: ProgressOptions): number | undefined {
  return options.totalBytes !== undefined && options.totalBytes > 0 ? options.totalBytes : undefined;
}

function barProgress(options: ProgressOptions): ProgressReporter {
  // Loaded only for a bar: a --quiet or piped run does not pay for it (~15 ms CPU at start-up).
  const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof CliProgress;
  const total = knownSize(options);
  const format =
    total === undefined
      ? '{docs} docs | {rate} docs/s | {duration_formatted} | rejected {rejected}'
      : '{bar} {percentage}% | {docs} docs | {rate} docs/s | ETA {eta_formatted} | rejected {rejected}';
  const bar = new cliProgress.SingleBar(
    {
      format,
      stream: options.stream,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
      fps: 5,
      barsize: 30,
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = (p?: StreamProgress) => ({
    docs: formatCount(p?.read ?? 0),
    rate: formatCount(p?.docsPerSecond ?? 0),
    rejected: formatCount(p?.rejected ?? 0),
  });
  bar.start(total ?? 1, 0, payload());
  let active = true;
  return {
    update(progress) {
      if (!active) return;
      const value = total === undefined ? 0 : Math.min(progress.bytesRead ?? 0, total);
      bar.update(value, payload(progress));
    },
    note(message) {
      options.stream.write(`\n${options.redact(message)}\n`);
    },
    stop() {
      if (!active) return;
      active = false;
      bar.stop();
    },
  };
}

/** The text of one plain progress line. */
export function progressLine(progress: StreamProgress, totalBytes: number | undefined): string {
  const parts = [
    `read ${formatCount(progress.read)}`,
    `written ${formatCount(progress.written)}`,
    `rejected ${formatCount(progress.rejected)}`,
  ];
  if (progress.skipped > 0) parts.push(`skipped ${formatCount(progress.skipped)}`);
  parts.push(`${formatCount(progress.docsPerSecond)} docs/s`);
  if (totalBytes !== undefined && totalBytes > 0 && progress.bytesRead !== undefined) {
    const done = Math.min(progress.bytesRead / totalBytes, 1);
    parts.push(`${(done * 100).toFixed(1)}% of ${formatBytes(totalBytes)}`);
    if (done > 0 && progress.elapsedMs > 0) {
      const remainingMs = (progress.elapsedMs * (1 - done)) / done;
      parts.push(`ETA ${formatDuration(remainingMs)}`);
    }
  }
  return `progress: ${parts.join(' | ')}`;
}

function lineProgress(options: ProgressOptions): ProgressReporter {
  const now = options.now ?? Date.now;
  const total = knownSize(options);
  let last = now();
  return {
    update(progress) {
      const t = now();
      if (options.intervalMs > 0 && t - last < options.intervalMs) return;
      last = t;
      options.stream.write(`${options.redact(progressLine(progress, total))}\n`);
    },
    note(message) {
      options.stream.write(`${options.redact(message)}\n`);
    },
    stop() {},
  };
}
