/**
 * The resume scenario: the compiled CLI imports the file, is SIGKILLed once about half of it is
 * stored, and is run again with `--resume`; the resumed run (which replays what was written after
 * the last checkpoint) is timed and compared with a fresh import of the same remainder into an
 * empty collection. The fresh run comes after the resumed one: it needs the resumed run's
 * `resumedFrom` to know the remainder.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import type { MongoClient } from 'mongodb';
import { childCommand } from './children.js';
import { lastJsonLine, runMeasured } from './measure.js';
import type { Trial } from './report.js';
import type { Scenario } from './scenarios.js';

export interface ResumeContext {
  readonly uri: string;
  readonly admin: MongoClient;
  readonly dbName: string;
  readonly collection: string;
  readonly file: string;
  readonly work: string;
  readonly cliMain: string;
  readonly log: (line: string) => void;
}

interface CliSummary {
  readonly resumedFrom?: number;
  readonly written?: number;
  readonly rejected?: number;
}

export async function runResumeTrials(scenario: Scenario, run: number, ctx: ResumeContext): Promise<Trial[]> {
  const db = ctx.admin.db(ctx.dbName);
  const stored = async () =>
    ((await db.command({ collStats: ctx.collection }).catch(() => ({ count: 0 }))) as { count?: number })
      .count ?? 0;
  const cli = (file: string) =>
    childCommand(
      'bulkwright-cli',
      { uri: ctx.uri, dbName: ctx.dbName, collection: ctx.collection, file },
      {
        cliMain: ctx.cliMain,
      },
    );
  const base = (impl: Trial['impl'], n: number): Trial => ({
    scenario: scenario.id,
    impl,
    run,
    n,
    ok: false,
    loadAvg: loadavg()[0],
  });

  await db.dropDatabase();
  const first = cli(ctx.file);
  const killedAt = await killWhenStored(first.command, first.args, ctx.work, stored, scenario.count / 2);
  const atKill = await stored();

  const resumed = await runMeasured(first.command, [...first.args, '--resume'], {
    cwd: ctx.work,
    timeoutMs: 60 * 60_000,
  });
  const summary = lastJsonLine<CliSummary>(resumed.stdout);
  // The CLI's positions in NDJSON are byte positions (line offset + 1): the record count at or below.
  const from = summary?.resumedFrom ? await recordsThrough(ctx.file, summary.resumedFrom) : 0;
  const remainder = scenario.count - from;
  const after = await stored();
  const resumedTrial: Trial = {
    ...base('bulkwright-cli-resumed', remainder),
    ok: resumed.exitCode === 0 && after === scenario.count && summary?.written === remainder,
    method: resumed.method,
    wallMs: resumed.wallMs,
    cpuMs: resumed.cpuMs,
    peakRssBytes: resumed.peakRssBytes,
    stored: after,
    resume: {
      killedAtStored: atKill,
      killedAfterMs: killedAt,
      resumedFrom: from,
      replayWindow: atKill - from,
    },
  };
  if (!resumedTrial.ok)
    resumedTrial.error = `exit ${resumed.exitCode}, stored ${after} of ${scenario.count}, summary ${JSON.stringify(summary)}`;
  ctx.log(
    `${scenario.id} run ${run} killed at ${atKill} stored, resumed from ${from} (replay window ${atKill - from} records): ${Math.round((remainder / resumed.wallMs) * 1000)} docs/s`,
  );

  await db.dropDatabase();
  const rest = join(ctx.work, `${scenario.id}-remainder.ndjson`);
  await copyLinesAfter(ctx.file, rest, from);
  const fresh = cli(rest);
  const child = await runMeasured(fresh.command, fresh.args, { cwd: ctx.work, timeoutMs: 60 * 60_000 });
  rmSync(rest, { force: true });
  const freshStored = await stored();
  const freshTrial: Trial = {
    ...base('bulkwright-cli-remainder', remainder),
    ok: child.exitCode === 0 && freshStored === remainder,
    method: child.method,
    wallMs: child.wallMs,
    cpuMs: child.cpuMs,
    peakRssBytes: child.peakRssBytes,
    stored: freshStored,
  };
  if (!freshTrial.ok) freshTrial.error = `exit ${child.exitCode}, stored ${freshStored} of ${remainder}`;
  ctx.log(
    `${scenario.id} run ${run} fresh import of the same ${remainder} records: ${Math.round((remainder / child.wallMs) * 1000)} docs/s`,
  );
  await db.dropDatabase();
  return [resumedTrial, freshTrial];
}

/** Starts the import and SIGKILLs it once `threshold` documents are stored; resolves to its age then. */
async function killWhenStored(
  command: string,
  args: readonly string[],
  cwd: string,
  stored: () => Promise<number>,
  threshold: number,
): Promise<number> {
  const started = performance.now();
  const child = spawn(command, args, { cwd, stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => {
    running = false;
  });
  while (running && (await stored()) < threshold) await new Promise((r) => setTimeout(r, 50));
  if (running) child.kill('SIGKILL');
  await exited;
  if (!running && (await stored()) >= threshold * 2) {
    throw new Error(
      'the import finished before it could be killed at half way: use a larger resume scenario',
    );
  }
  return Math.round(performance.now() - started);
}

async function copyLinesAfter(from: string, to: string, skip: number): Promise<void> {
  const out = createWriteStream(to);
  let line = 0;
  for await (const text of createInterface({
    input: createReadStream(from),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    if (++line <= skip) continue;
    if (!out.write(`${text}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  out.end();
  await finished(out);
}

/** How many lines (records: the generated files have no blank lines) start at or before byte `position - 1`. */
async function recordsThrough(file: string, position: number): Promise<number> {
  let lines = 1;
  if (position <= 1) return lines;
  for await (const chunk of createReadStream(file, { end: position - 2 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++;
  }
  return lines;
}
