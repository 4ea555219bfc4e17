/**
 * What each importer change bought: the compiled CLI at several commits against the plain loop, on
 * one NDJSON file and one server, in shuffled order per run, with V8's GC trace. Writes
 * bench/results/profile-steps-<date>.json, which docs/performance.md's "What each change bought"
 * is generated from (bench/report.ts). Diagnostics next to the full run, not a replacement for it.
 *
 *   node --import tsx bench/profile-steps.ts --records 500000 --runs 5 <label>=<commit> …
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { startServer } from '../scripts/server.js';
import { root } from './children.js';
import { writeNdjson } from './data.js';
import { median, runMeasured } from './measure.js';
import { shuffled } from './provenance.js';
import { machineInfo } from './report.js';

export interface StepRun {
  readonly step: string;
  readonly run: number;
  readonly cpuUsPerRecord: number;
  readonly peakRssMB: number;
  readonly docsPerSecond: number;
  /** From `--trace-gc-nvp`: time in GC pauses, scavenges, bytes promoted to the old generation. */
  readonly gcPauseMs: number;
  readonly scavenges: number;
  readonly promotedMB: number;
}

export interface ProfileSteps {
  readonly kind: 'profile-steps';
  readonly startedAt: string;
  readonly records: number;
  readonly runs: number;
  readonly machine: ReturnType<typeof machineInfo>;
  readonly server: string;
  readonly loadAtStart: number[];
  /** label → commit; `plain-loop` is bench/plain-loop.mjs. */
  readonly steps: Record<string, string>;
  readonly settings: string;
  readonly trials: StepRun[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { records: { type: 'string', default: '500000' }, runs: { type: 'string', default: '5' } },
});
const records = Number(values.records);
const runs = Number(values.runs);
const steps = Object.fromEntries(positionals.map((p) => p.split('=') as [string, string]));
const log = (line: string) => process.stderr.write(`${line}\n`);

/** The CLI compiled at `commit` (a detached worktree, this checkout's node_modules). */
function buildAt(commit: string): string {
  const out = join(root, 'node_modules', '.cache', 'profile-steps', commit);
  const main = join(out, 'cli', 'main.js');
  if (existsSync(main)) return main;
  const tree = mkdtempSync(join(tmpdir(), 'bw-step-'));
  const git = (...args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  if (git('worktree', 'add', '--detach', tree, commit).status !== 0) throw new Error(`no commit ${commit}`);
  try {
    symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'));
    spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--outDir', out], {
      cwd: tree,
      encoding: 'utf8',
    });
  } finally {
    git('worktree', 'remove', '--force', tree);
  }
  if (!existsSync(main)) throw new Error(`${commit} did not compile`);
  return main;
}

function gcOf(stdout: string): Pick<StepRun, 'gcPauseMs' | 'scavenges' | 'promotedMB'> {
  let pause = 0;
  let scavenges = 0;
  let promoted = 0;
  for (const line of stdout.split('\n')) {
    if (!line.includes(' gc=')) continue;
    pause += Number(/ pause=([\d.]+)/.exec(line)?.[1] ?? 0);
    if (line.includes(' gc=s ')) scavenges++;
    promoted += Number(/ promoted=(\d+)/.exec(line)?.[1] ?? 0);
  }
  return { gcPauseMs: Math.round(pause), scavenges, promotedMB: Math.round(promoted / 1e5) / 10 };
}

async function main(): Promise<void> {
  const started = new Date();
  const loadAtStart = loadavg();
  const mains = Object.fromEntries(Object.entries(steps).map(([label, commit]) => [label, buildAt(commit)]));
  const server = await startServer(log);
  const dir = mkdtempSync(join(tmpdir(), 'bw-steps-'));
  const file = join(dir, 'in.ndjson');
  await writeNdjson(file, 'small', records);
  const admin = await new MongoClient(server.uri).connect();
  const trials: StepRun[] = [];
  try {
    for (let run = 1; run <= runs; run++) {
      for (const step of shuffled(['plain-loop', ...Object.keys(steps)])) {
        await admin.db('bulkwright_steps').dropDatabase();
        const common = [server.uri, 'bulkwright_steps', 'c'];
        const args =
          step === 'plain-loop'
            ? [join(root, 'bench', 'plain-loop.mjs'), file, ...common, '1000']
            : [
                mains[step]!,
                'import',
                file,
                '--uri',
                common[0]!,
                '--db',
                common[1]!,
                '--collection',
                'c',
              ].concat(['--unordered', '--batch-size', '1000', '--quiet', '--json']);
        const usage = await runMeasured(process.execPath, ['--trace-gc-nvp', ...args]);
        if (usage.exitCode !== 0)
          throw new Error(`${step} exited ${usage.exitCode}: ${usage.stderr.slice(-300)}`);
        const trial: StepRun = {
          step,
          run,
          cpuUsPerRecord: Math.round((usage.cpuMs * 100_000) / records) / 100,
          peakRssMB: Math.round(usage.peakRssBytes / 1048576),
          docsPerSecond: Math.round(records / (usage.wallMs / 1000)),
          ...gcOf(usage.stdout),
        };
        trials.push(trial);
        log(`run ${run} ${step}: ${JSON.stringify(trial)}`);
      }
    }
  } finally {
    await admin.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const result: ProfileSteps = {
    kind: 'profile-steps',
    startedAt: started.toISOString(),
    records,
    runs,
    machine: machineInfo(),
    server: server.description,
    loadAtStart,
    steps: { 'plain-loop': 'bench/plain-loop.mjs', ...steps },
    settings: 'batches of 1,000; the CLI at its default concurrency (2), the plain loop one batch at a time',
    trials,
  };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const out = join(
    root,
    'bench',
    'results',
    `profile-steps-${started.toISOString().slice(0, 19).replace(/:/g, '-')}.json`,
  );
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  for (const step of ['plain-loop', ...Object.keys(steps)]) {
    const mine = trials.filter((t) => t.step === step);
    log(
      `${step}: median CPU ${median(mine.map((t) => t.cpuUsPerRecord)).toFixed(2)} µs/record, RSS ${median(mine.map((t) => t.peakRssMB))} MB`,
    );
  }
  log(`wrote ${out}`);
}

await main();
