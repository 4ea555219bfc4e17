/**
 * The outputs of a run: bench/results/<date>.json (machine, server, every trial), and, generated
 * from it, docs/performance.md (tables, targets) and docs/performance.svg (chart).
 * Run directly to regenerate the docs from a stored result:
 *   node --import tsx bench/report.ts bench/results/<date>.json
 * and, with a later partial run (`npm run bench -- --only … --no-docs`), to add its figures above the
 * full run's in a section of their own:
 *   node --import tsx bench/report.ts bench/results/<full>.json --after bench/results/<partial>.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { renderChart } from './chart.js';
import { root } from './children.js';
import { AFTER_FIXES } from './explanations.js';
import type { MixedCounts } from './mixed.js';
import type { SourceInfo } from './provenance.js';
import { type ImplId, LABELS, type Scenario } from './scenarios.js';
import { latestSteps, renderSteps } from './steps-report.js';
import { type Row, summarize } from './summary.js';
import { checkTargets, type TargetResult } from './targets.js';

export interface Trial {
  scenario: string;
  impl: ImplId;
  run: number;
  /** Documents (or ops) this trial wrote. */
  n: number;
  ok: boolean;
  error?: string;
  /** in-process: the worker's own process.cpuUsage()/maxRSS; time/proc: the child's rusage. */
  method?: 'in-process' | 'time' | 'proc';
  wallMs?: number;
  cpuMs?: number;
  peakRssBytes?: number;
  rssBeforeBytes?: number;
  heapAfterGcBytes?: number;
  counts?: MixedCounts;
  /** Documents in the collection after the trial (collStats). */
  stored?: number | undefined;
  /** 1-minute load average when the trial started (other work on the machine shows here). */
  loadAvg?: number;
  /** Resume scenario, resumed side: where it was killed and where it resumed from. */
  resume?: { killedAtStored: number; killedAfterMs: number; resumedFrom: number; replayWindow: number };
}

export interface Results {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  runs: number;
  /** The commit benchmarked, and whether uncommitted changes ran too. */
  source?: SourceInfo;
  /** os.loadavg() (1, 5, 15 min) when the run started and ended. */
  loadAvg?: { atStart: number[]; atEnd: number[] };
  machine: ReturnType<typeof machineInfo>;
  server: { kind: string; version: string };
  tools: Record<string, string>;
  unavailable: Record<string, string>;
  startup: Trial[];
  scenarios: Scenario[];
  trials: Trial[];
}

export function machineInfo() {
  const list = cpus();
  return {
    cpuModel: list[0]?.model ?? 'unknown',
    cores: list.length,
    memoryGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/** Writes the JSON (and, unless told not to, the docs); returns the paths written. */
export function writeReport(results: Results, options: { docs: boolean }): string[] {
  const stamp = results.startedAt.slice(0, 19).replace(/:/g, '-');
  const name = `${stamp}${results.quick ? '-quick' : ''}.json`;
  const jsonPath = join(root, 'bench', 'results', name);
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  if (!options.docs) return [jsonPath];
  return [jsonPath, ...writeDocs(results, `bench/results/${name}`)];
}

/**
 * Later, partial runs (some scenarios only, after changes), merged and shown above the full run
 * they update.
 */
export interface After {
  readonly results: Results;
  readonly sources: readonly string[];
}

/** Several partial runs as one: their scenarios and trials side by side, each scenario once. */
export function mergeRuns(runs: readonly Results[]): Results {
  const [first, ...rest] = runs;
  if (!first) throw new TypeError('Expected at least one results file to merge');
  const scenarios = new Map<string, Scenario>();
  for (const r of runs) for (const s of r.scenarios) if (!scenarios.has(s.id)) scenarios.set(s.id, s);
  return {
    ...first,
    startedAt: runs.map((r) => r.startedAt).sort()[0]!,
    finishedAt: runs
      .map((r) => r.finishedAt)
      .sort()
      .at(-1)!,
    runs: Math.max(first.runs, ...rest.map((r) => r.runs)),
    startup: first.startup,
    scenarios: [...scenarios.values()],
    trials: runs.flatMap((r) => r.trials),
  };
}

export function writeDocs(results: Results, source: string, after?: After): string[] {
  const blocks = results.scenarios.map((scenario) => ({
    scenario,
    rows: summarize(scenario, results.trials),
  }));
  const targets = checkTargets(new Map(blocks.map((b) => [b.scenario.id, b.rows])));
  const md = join(root, 'docs', 'performance.md');
  const svg = join(root, 'docs', 'performance.svg');
  writeFileSync(md, renderMarkdown(results, source, blocks, targets, after));
  writeFileSync(
    svg,
    renderChart(
      blocks,
      `${results.server.version} · Node ${results.machine.node} · ${results.machine.cores} × ${results.machine.cpuModel} · medians of ${results.runs} run(s) · ${results.startedAt.slice(0, 10)}`,
    ),
  );
  return [md, svg];
}

const f0 = (x: number | undefined) =>
  x === undefined || !Number.isFinite(x) ? '–' : Math.round(x).toLocaleString('en');
const f1 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(1));
const f2 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : `${x.toFixed(2)}x`);

type Block = { scenario: Scenario; rows: readonly Row[] };
type Print = (...more: string[]) => void;

const verdict = (t: TargetResult) =>
  t.met === undefined ? 'not measured' : t.met ? '**met**' : '**missed**';

function whyMissed(p: Print, targets: readonly TargetResult[], heading: string): void {
  const missed = targets.filter((t) => t.met === false);
  if (missed.length === 0) return;
  p('', heading, '');
  const said = new Map<string, string>();
  for (const t of missed) {
    const first = t.explanation ? said.get(t.explanation) : undefined;
    const why = first
      ? `same cause as “${first}” above.`
      : (t.explanation ??
        'not explained yet: profile it (`node --cpu-prof`) and add an entry to bench/explanations.ts.');
    if (t.explanation && !first) said.set(t.explanation, `${t.target}, ${t.scenario}`);
    p(`- **${t.target}** (${t.scenario}, ${t.measured}): ${why}`);
  }
}

function scenarioTables(p: Print, blocks: readonly Block[], level: string): void {
  for (const { scenario, rows } of blocks) {
    const unit = scenario.task === 'mixed' ? 'op' : 'doc';
    p('', `${level} ${scenario.title}`, '');
    if (scenario.note) p(scenario.note, '');
    p(
      `Ratios are to the ${LABELS[scenario.baseline]} in the same runs. CPU is client CPU (user + system).`,
      '',
      `| implementation | ${unit}s | runs | ${unit}s/s median (min–max) | CPU µs/${unit} median (min–max) | peak RSS MB median (min–max) | added RSS MB | throughput ratio | CPU ratio | RSS ratio |`,
      '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    );
    for (const r of rows) {
      if (!r.available) {
        p(`| ${LABELS[r.impl]} | ${f0(r.n)} | ${r.error ?? 'not available'} | | | | | | | |`);
        continue;
      }
      const [d, c, m] = [r.spread.docsPerSec, r.spread.cpuUsPerDoc, r.spread.peakRssMB];
      p(
        `| ${LABELS[r.impl]}${r.method && r.method !== 'in-process' ? ' †' : ''} | ${f0(r.n)} | ${r.runs} | ${f0(r.docsPerSec)} (${f0(d[0])}–${f0(d[1])}) | ${f1(r.cpuUsPerDoc)} (${f1(c[0])}–${f1(c[1])}) | ${f0(r.peakRssMB)} (${f0(m[0])}–${f0(m[1])}) | ${r.addedRssMB === undefined ? '–' : f0(r.addedRssMB)} | ${f2(r.throughputRatio)} | ${f2(r.cpuRatio)} | ${f2(r.rssRatio)} |`,
      );
    }
  }
}

const loadTriple = (x: number[] | undefined) => (x ? x.map((v) => v.toFixed(2)).join(', ') : 'not recorded');

/** The resume scenario's replay windows, in records, over its runs. */
function replayWindows(p: Print, results: Results): void {
  const runs = results.trials.filter((t) => t.resume);
  if (runs.length === 0) return;
  const w = runs.map((t) => t.resume!.replayWindow);
  p(
    '',
    `Replay window of the resume runs (records stored after the last checkpoint, replayed on resume): ` +
      `${runs.map((t) => `run ${t.run}: ${t.resume!.replayWindow.toLocaleString('en')} of ${t.resume!.killedAtStored.toLocaleString('en')} stored at the kill`).join('; ')}; ` +
      `at most ${Math.max(...w).toLocaleString('en')}. The bound: records acknowledged within one checkpoint interval ` +
      '(`checkpointEveryMs`, 1,000 ms by default) plus the batches in flight (`concurrency` × `batchSize`).',
  );
}

const loadRange = (results: Results) => {
  const loads = results.trials.map((t) => t.loadAvg).filter((x): x is number => x !== undefined);
  return loads.length > 0
    ? `${Math.min(...loads).toFixed(2)} to ${Math.max(...loads).toFixed(2)}`
    : undefined;
};

/** The partial re-run: its own tables and targets, each target beside its figure from the full run. */
function renderAfter(p: Print, after: After, full: Results, before: readonly TargetResult[]): void {
  const r = after.results;
  const blocks = r.scenarios.map((scenario) => ({ scenario, rows: summarize(scenario, r.trials) }));
  const targets = checkTargets(new Map(blocks.map((b) => [b.scenario.id, b.rows])));
  const ids = r.scenarios.map((s) => s.id);
  const notRerun = full.scenarios.map((s) => s.id).filter((id) => !ids.includes(id));
  const cli = r.startup.find((s) => s.impl === 'bulkwright-cli');
  p(
    '',
    `## After the fixes (${r.startedAt.slice(0, 10)}; ${ids.join(', ')}; ${r.quick ? '--quick, ' : ''}${r.runs} runs)`,
    '',
    `<!-- Generated by \`node --import tsx bench/report.ts <full run> ${after.sources.map((x) => `--after ${x}`).join(' ')}\` (bench/report.ts). -->`,
    '',
    AFTER_FIXES,
    '',
    `Re-run ${r.startedAt} → ${r.finishedAt} on the same machine, server (${r.server.version}) and settings as the ` +
      `full run below, ${r.runs} runs, implementations interleaved; medians over runs, from ` +
      `${after.sources.map((x) => `[${basename(x)}](../${x})`).join(' and ')}. Only ${ids.join(', ')} were re-run` +
      (notRerun.length > 0
        ? `: the figures of ${notRerun.join(', ')} further down, and the targets that need them, predate the fixes.`
        : '.') +
      (cli ? ` The compiled CLI started in ${f0(cli.wallMs)} ms wall, ${f0(cli.cpuMs)} ms CPU.` : '') +
      (loadRange(r)
        ? ` 1-minute load average at trial start: ${loadRange(r)} on ${r.machine.cores} cores.`
        : ''),
    '',
    '### Targets after the fixes',
    '',
    '| target | scenario | full run (before) | after the fixes | |',
    '|---|---|---|---|---|',
  );
  for (const t of targets) {
    const old = before.find((b) => b.target === t.target && b.scenario === t.scenario);
    const changed = old && old.met !== undefined && t.met !== undefined && old.met !== t.met;
    p(
      `| ${t.target} | ${t.scenario} | ${old ? `${old.measured} (${old.met === undefined ? 'not measured' : old.met ? 'met' : 'missed'})` : '–'} | ${t.measured} | ${verdict(t)}${changed ? ` (was ${old.met ? 'met' : 'missed'})` : ''} |`,
    );
  }
  whyMissed(p, targets, '### Why the targets still missed are missed');
  scenarioTables(p, blocks, '###');
  p('', '## Full run (before the fixes)');
}

function renderMarkdown(
  results: Results,
  source: string,
  blocks: readonly Block[],
  targets: readonly TargetResult[],
  after?: After,
): string {
  const m = results.machine;
  const lines: string[] = [];
  const p: Print = (...more) => {
    lines.push(...more);
  };
  p(
    '# Performance',
    '',
    `<!-- Generated by \`npm run bench\` (bench/report.ts) from ${source}${after ? ` and ${after.sources.join(', ')}` : ''}. Do not edit by hand: edit bench/ and re-run. -->`,
    '',
    '![throughput and peak RSS per implementation](performance.svg)',
    '',
    `**Server: ${results.server.version}** (${results.server.kind}). The server on the machine that produced these ` +
      'figures is FerretDB with its SQLite backend, not MongoDB: its absolute speed (and so every docs/s figure ' +
      'here) differs from a real `mongod`, and the server, not the client, is the bottleneck of most scenarios. ' +
      'What carries over to MongoDB are the **client CPU** figures (each implementation’s own work, from ' +
      '`process.cpuUsage()`) and the **ratios** between implementations measured in the same runs.',
  );
  if (after) {
    p(
      '',
      `The chart and the “Full run” sections are the full run of ${results.startedAt.slice(0, 10)}; the section ` +
        'just below replaces their figures for the scenarios that were re-run after the fixes.',
    );
    renderAfter(p, after, results, targets);
  }
  p(
    '',
    `Machine: ${m.cores} × ${m.cpuModel}, ${m.memoryGB} GB, ${m.platform}, Node ${m.node}. ` +
      `Run ${results.startedAt} → ${results.finishedAt}, ${results.quick ? '**--quick** (small sizes, 1 run)' : `${results.runs} runs`}, ` +
      'implementations in a fresh random order within each run; the figures are medians over runs, with the min–max spread.',
    `mongoimport: ${results.tools.mongoimport}. bulkwright CLI: ${results.tools.bulkwrightCli}. ` +
      `Child processes measured with ${results.tools.childUsage}.`,
    `Source: commit ${results.source?.commit ?? 'not recorded'}${results.source?.dirty ? ' **with uncommitted changes** (the commit alone does not say what ran)' : ''}. ` +
      `Load average (1, 5, 15 min) at start ${loadTriple(results.loadAvg?.atStart)}, at end ${loadTriple(results.loadAvg?.atEnd)}.`,
    '',
    after ? '## Targets (full run, before the fixes)' : '## Targets',
    '',
    'The five bars of issue 13, as ratios from the same interleaved run on one server (medians over runs); they are ' +
      'the bar, not CI assertions. Bar 4 compares the whole resumed run (replay window included) with a fresh import ' +
      'of the same remainder.',
    '',
    '| target | scenario | measured | |',
    '|---|---|---|---|',
  );
  for (const t of targets) p(`| ${t.target} | ${t.scenario} | ${t.measured} | ${verdict(t)} |`);
  whyMissed(p, targets, '### Why the missed targets were missed');
  scenarioTables(p, blocks, '##');
  replayWindows(p, results);
  const steps = latestSteps();
  if (steps) renderSteps(p, steps);
  p(
    '',
    '## How it is measured',
    '',
    '- Every trial runs in a fresh process on an empty database. In-process implementations (driver, Mongoose, ' +
      'bulkwright) run in `bench/worker.ts`: it builds the input, warms up on a scratch collection (inserting a ' +
      'twentieth of the documents, 100 to 2,000, or running 100 ops for the mixed scenario, unless a scenario ' +
      'says otherwise), runs a full GC, ' +
      'then measures only the write — wall time, `process.cpuUsage()` and the process’s peak RSS (`maxRSS`). ' +
      'Their peak RSS includes the input array and the tsx loader; “added RSS” is the peak minus the RSS just ' +
      'before the write, which is the implementation’s own.',
    '- † Child processes (mongoimport, the bulkwright CLI, the plain loop) are measured whole by GNU time ' +
      '(rusage: user + system CPU, max RSS): their CPU and wall include process start-up (below), which the ' +
      'in-process rows do not.',
    '- The bulkwright CLI runs compiled (tsc into `node_modules/.cache/bench-dist`), as users run the published package; the ' +
      '`(tsx)` row shows what running it from source under tsx costs. The plain loop (`bench/plain-loop.mjs`: ' +
      'readline, `JSON.parse`, `insertMany` per 1,000, one batch at a time) is the memory baseline of a streaming ' +
      'import that keeps nothing.',
    '- bulkwright runs unordered and otherwise at its shipped defaults in process (chunks of 1,000, 4 in flight: ' +
      '`batchSize: 1000, concurrency: 4`); the CLI runs at its defaults ' +
      '(`--batch-size 1000`, 2 batches in flight), and the `--concurrency 1` row sends one batch at a time as the plain loop does; ' +
      'the raw driver’s `insertMany` is unordered with its default batching (one command up to 100,000 documents or ' +
      '48 MB), and the “batches of 1,000, 4 in flight” row is the same `insertMany` sent as bulkwright’s rows send, ' +
      'to tell what the batching costs from what the library costs; “after the Zod parse” is `insertMany` of the documents ' +
      'the model’s schema returns, to tell what validation costs from what the library costs; ' +
      'mongoimport runs with `-j 1` and `-j 4`; ' +
      'Mongoose uses an equivalent schema (the same checks as the Zod schema), and “lean” is `insertMany(…, { lean: true })`, ' +
      'which skips casting and validation.',
    '- The data are deterministic (`bench/data.ts`, seeded): small documents are ~200 B of BSON, medium ones ~2 KB ' +
      'with nested objects and an array of 8 sub-documents. Each file-based importer reads the same documents as NDJSON.',
    '- Each run tries the implementations of a scenario in a fresh random order; every table gives the median over ' +
      'runs and the min–max spread. The 10M-record file is generated for the run and deleted after it.',
    '- mongoimport is the binary in `MONGOIMPORT_BIN`, else `mongoimport` on PATH, else `.cache/bin/mongoimport`; ' +
      'its `--version` is recorded above, and rows without it say “not available”. To build it from the mongo-tools ' +
      'sources (github.com/mongodb/mongo-tools, which vendors every dependency), in a checkout of it: ' +
      '`go build -mod=vendor -ldflags "-X main.VersionStr=$(git describe --tags) -X main.GitCommit=$(git rev-parse HEAD)" ' +
      '-o <bin>/mongoimport ./mongoimport/main`.',
    '',
    '### Start-up cost of the child processes (included in their rows)',
    '',
    '| process | wall ms | CPU ms | peak RSS MB |',
    '|---|--:|--:|--:|',
  );
  for (const s of results.startup) {
    const what =
      s.impl === 'mongoimport-j1'
        ? 'mongoimport --version'
        : s.impl === 'bulkwright-cli'
          ? 'node node_modules/.cache/bench-dist/cli/main.js --version'
          : 'node --import tsx src/cli/main.ts --version';
    p(`| \`${what}\` | ${f0(s.wallMs)} | ${f0(s.cpuMs)} | ${f0((s.peakRssBytes ?? 0) / 2 ** 20)} |`);
  }
  const loads = loadRange(results);
  if (loads) {
    p(
      '',
      `1-minute load average at trial start: ${loads} ` +
        `on ${m.cores} cores (the server runs on the same machine; other work raises wall times, not client CPU).`,
    );
  }
  p('', `Every run is in [${basename(source)}](../${source}).`, '');
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { after: { type: 'string', multiple: true } },
  });
  const file = positionals[0];
  if (!file)
    throw new TypeError(
      'Expected a results file: node --import tsx bench/report.ts bench/results/<date>.json [--after bench/results/<date>.json]',
    );
  const load = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Results;
  const after = values.after?.length
    ? {
        results: mergeRuns(values.after.map(load)),
        sources: values.after.map((x) => `bench/results/${basename(x)}`),
      }
    : undefined;
  for (const path of writeDocs(load(file), `bench/results/${basename(file)}`, after))
    process.stderr.write(`wrote ${path}\n`);
}
