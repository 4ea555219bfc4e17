/**
 * `npm run bench [-- --quick] [--runs N] [--only id,id]`: every scenario against one server, each
 * run trying the implementations in a fresh shuffled order (so neither drift nor a fixed neighbour
 * favours one), each trial in a fresh process. Writes bench/results/<date>.json,
 * docs/performance.md and docs/performance.svg.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { startServer } from '../scripts/server.js';
import {
  buildCli,
  type ChildId,
  childCommand,
  findMongoimport,
  mongoimportVersion,
  root,
  TSX,
} from './children.js';
import { writeNdjson } from './data.js';
import type { InProcessId } from './impls.js';
import { lastJsonLine, runMeasured, usageMethod } from './measure.js';
import { shuffled, sourceInfo } from './provenance.js';
import { machineInfo, type Results, type Trial, writeReport } from './report.js';
import { runResumeTrials } from './resume.js';
import { type ImplId, LABELS, type Scenario, scenarios } from './scenarios.js';
import type { WorkerResult, WorkerSpec } from './worker.js';

const IN_PROCESS: ReadonlySet<ImplId> = new Set<InProcessId>([
  'driver',
  'driver-chunked',
  'driver-zod',
  'driver-insertOne',
  'mongoose',
  'mongoose-lean',
  'bulkwright',
  'bulkwright-novalidate',
]);
const DB = 'bulkwright_bench';
const COLLECTION = 'bench';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    only: { type: 'string' },
    'no-docs': { type: 'boolean', default: false },
  },
});
const quick = values.quick === true;
const runs = values.runs ? Number(values.runs) : quick ? 1 : 5;
if (!Number.isInteger(runs) || runs < 1)
  throw new TypeError(`Expected --runs to be a positive integer, got ${values.runs}`);
const only = values.only ? new Set(values.only.split(',')) : undefined;
const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const started = new Date();
  const loadAtStart = loadavg();
  const server = await startServer(log);
  log(`server: ${server.description}`);
  const work = mkdtempSync(join(tmpdir(), 'bulkwright-bench-'));
  const admin = await new MongoClient(server.uri).connect();
  const trials: Trial[] = [];
  const unavailable: Record<string, string> = {};
  try {
    const mongoimport = findMongoimport();
    if (!mongoimport)
      unavailable.mongoimport = 'not available: set MONGOIMPORT_BIN or put mongoimport on PATH';
    const cli = buildCli();
    if ('error' in cli) unavailable['bulkwright-cli'] = `not available: ${cli.error}`;
    const env = { ...(mongoimport ? { mongoimport } : {}), ...('main' in cli ? { cliMain: cli.main } : {}) };
    const startup = await measureStartup(env);

    const plan = scenarios(quick).filter((s) => !only || only.has(s.id));
    for (const scenario of plan) {
      const file = scenario.task === 'mixed' ? '' : join(work, `${scenario.id}.ndjson`);
      if (file) {
        // Generated on the fly (10M records are ~2 GB) and deleted after the scenario: never committed.
        const bytes = await writeNdjson(file, scenario.kind, scenario.count);
        log(`${scenario.id}: wrote ${scenario.count} records, ${(bytes / 1e6).toFixed(1)} MB of NDJSON`);
      }
      for (let run = 1; run <= (scenario.runs ?? runs); run++) {
        if (scenario.task === 'resume') {
          if (!('main' in cli)) {
            if (run === 1) trials.push(...unavailableResume(scenario, unavailable));
            continue;
          }
          for (const trial of await runResumeTrials(scenario, run, {
            uri: server.uri,
            admin,
            dbName: DB,
            collection: COLLECTION,
            file,
            work,
            cliMain: cli.main,
            log,
          }))
            trials.push(trial);
          continue;
        }
        for (const impl of shuffled(scenario.impls)) {
          const reason = unavailableReason(impl, unavailable);
          if (reason) {
            if (run === 1) trials.push({ scenario: scenario.id, impl, run, n: 0, ok: false, error: reason });
            continue;
          }
          await admin.db(DB).dropDatabase();
          const trial = await runTrial(scenario, impl, run, server.uri, file, env);
          trial.stored = scenario.task === 'mixed' ? undefined : await storedCount(admin);
          if (
            trial.ok &&
            trial.stored !== undefined &&
            scenario.task !== 'mixed' &&
            !impl.includes('-dry') &&
            trial.stored !== trial.n
          ) {
            trial.ok = false;
            trial.error = `stored ${trial.stored} documents, expected ${trial.n}`;
          }
          trials.push(trial);
          log(describeTrial(scenario, trial));
        }
      }
      await admin.db(DB).dropDatabase();
      if (file) rmSync(file, { force: true });
    }

    const results: Results = {
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
      quick,
      runs,
      source: sourceInfo(),
      loadAvg: { atStart: loadAtStart, atEnd: loadavg() },
      machine: machineInfo(),
      server: { kind: server.kind, version: server.version },
      tools: {
        node: process.version,
        mongoimport: mongoimport ? mongoimportVersion(mongoimport) : 'not available',
        bulkwrightCli:
          'main' in cli ? 'compiled with tsc into node_modules/.cache/bench-dist' : 'not available',
        childUsage: usageMethod() === 'time' ? 'GNU time rusage' : '/proc polling (approximate)',
      },
      unavailable,
      startup,
      scenarios: plan,
      trials,
    };
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    const written = writeReport(results, { docs: values['no-docs'] !== true });
    for (const path of written) log(`wrote ${path}`);
  } finally {
    await admin.close();
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

function unavailableResume(scenario: Scenario, unavailable: Record<string, string>): Trial[] {
  return scenario.impls.map((impl) => ({
    scenario: scenario.id,
    impl,
    run: 1,
    n: 0,
    ok: false,
    error: unavailable['bulkwright-cli'] ?? 'not available',
  }));
}

function unavailableReason(impl: ImplId, unavailable: Record<string, string>): string | undefined {
  if (impl.startsWith('mongoimport')) return unavailable.mongoimport;
  if (impl.startsWith('bulkwright-cli') && impl !== 'bulkwright-cli-tsx')
    return unavailable['bulkwright-cli'];
  return undefined;
}

async function runTrial(
  scenario: Scenario,
  impl: ImplId,
  run: number,
  uri: string,
  file: string,
  env: { mongoimport?: string; cliMain?: string },
): Promise<Trial> {
  const n = scenario.scaled?.[impl] ?? scenario.count;
  const base: Trial = { scenario: scenario.id, impl, run, n, ok: false, loadAvg: loadavg()[0] };
  if (IN_PROCESS.has(impl)) {
    const spec: WorkerSpec = {
      impl: impl as InProcessId,
      task: scenario.task === 'mixed' ? 'mixed' : 'insert',
      uri,
      dbName: DB,
      collection: COLLECTION,
      kind: scenario.kind,
      count: n,
      ...(scenario.mixed ? { mixed: scenario.mixed } : {}),
      warmup:
        scenario.warmup ??
        (scenario.task === 'mixed' ? 100 : Math.min(2_000, Math.max(100, Math.floor(n / 20)))),
    };
    const child = await runMeasured(
      process.execPath,
      ['--expose-gc', '--import', TSX, join(root, 'bench', 'worker.ts'), JSON.stringify(spec)],
      { cwd: root, timeoutMs: 30 * 60_000 },
    );
    const result = lastJsonLine<WorkerResult>(child.stdout);
    if (!result?.ok) {
      return {
        ...base,
        error: result?.error ?? `worker exited ${child.exitCode}: ${lastLine(child.stderr)}`,
      };
    }
    const countsOk = !result.expected || JSON.stringify(result.counts) === JSON.stringify(result.expected);
    return {
      ...base,
      ok: countsOk,
      ...(countsOk
        ? {}
        : { error: `counts ${JSON.stringify(result.counts)}, expected ${JSON.stringify(result.expected)}` }),
      method: 'in-process',
      wallMs: result.wallMs!,
      cpuMs: result.cpuUserMs! + result.cpuSystemMs!,
      peakRssBytes: result.peakRssBytes!,
      rssBeforeBytes: result.rssBeforeBytes!,
      heapAfterGcBytes: result.heapAfterGcBytes!,
      ...(result.counts ? { counts: result.counts } : {}),
    };
  }
  const cmd = childCommand(impl as ChildId, { uri, dbName: DB, collection: COLLECTION, file }, env);
  const work = mkdtempSync(join(tmpdir(), 'bulkwright-bench-cwd-'));
  try {
    const child = await runMeasured(cmd.command, cmd.args, { cwd: work, timeoutMs: 60 * 60_000 });
    if (child.exitCode !== 0) {
      return { ...base, error: `exited ${child.exitCode}: ${lastLine(child.stderr || child.stdout)}` };
    }
    return {
      ...base,
      ok: true,
      method: child.method,
      wallMs: child.wallMs,
      cpuMs: child.cpuMs,
      peakRssBytes: child.peakRssBytes,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** What starting each child costs by itself (included in its CPU and wall figures). */
async function measureStartup(env: { mongoimport?: string; cliMain?: string }): Promise<Trial[]> {
  const out: Trial[] = [];
  const probes: [ImplId, string, string[]][] = [];
  if (env.cliMain) probes.push(['bulkwright-cli', process.execPath, [env.cliMain, '--version']]);
  probes.push([
    'bulkwright-cli-tsx',
    process.execPath,
    ['--import', TSX, join(root, 'src', 'cli', 'main.ts'), '--version'],
  ]);
  if (env.mongoimport) probes.push(['mongoimport-j1', env.mongoimport, ['--version']]);
  for (const [impl, command, args] of probes) {
    const child = await runMeasured(command, args, { cwd: root });
    out.push({
      scenario: 'startup',
      impl,
      run: 1,
      n: 0,
      ok: child.exitCode === 0,
      method: child.method,
      wallMs: child.wallMs,
      cpuMs: child.cpuMs,
      peakRssBytes: child.peakRssBytes,
    });
  }
  return out;
}

async function storedCount(admin: MongoClient): Promise<number | undefined> {
  try {
    const stats = await admin.db(DB).command({ collStats: COLLECTION });
    return typeof stats.count === 'number' ? stats.count : undefined;
  } catch {
    return undefined;
  }
}

function describeTrial(scenario: Scenario, t: Trial): string {
  const head = `${scenario.id} run ${t.run} ${LABELS[t.impl].padEnd(26)}`;
  if (!t.ok) return `${head} FAILED: ${t.error}`;
  const rate = Math.round((t.n / t.wallMs!) * 1000);
  return `${head} ${rate} docs/s, ${((t.cpuMs! * 1000) / t.n).toFixed(1)} µs CPU/doc, ${(t.peakRssBytes! / 2 ** 20).toFixed(0)} MB peak RSS`;
}

const lastLine = (text: string) => text.trim().split('\n').at(-1)?.slice(0, 300) ?? '';

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
