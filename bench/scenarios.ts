/**
 * What runs, at which scale: the full plan from the benchmark issue (scaled where FerretDB cannot do
 * it in reasonable time, and saying so), and a --quick plan for a CI smoke check.
 */
import type { ChildId } from './children.js';
import type { DocKind } from './data.js';
import type { InProcessId } from './impls.js';
import type { MixedPlan } from './mixed.js';

/** The two sides of the resume scenario (bench/resume.ts). */
export type ResumeId = 'bulkwright-cli-resumed' | 'bulkwright-cli-remainder';
export type ImplId = InProcessId | ChildId | ResumeId;

export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly task: 'insert' | 'mixed' | 'stream' | 'resume';
  readonly kind: DocKind;
  /** Documents (insert, stream) or ops (mixed). */
  readonly count: number;
  readonly impls: readonly ImplId[];
  /** Ratios are to this implementation, measured in the same runs. */
  readonly baseline: ImplId;
  /** Implementations that run on fewer documents, scaled (one-by-one insertOne). */
  readonly scaled?: Partial<Record<ImplId, number>>;
  readonly mixed?: MixedPlan;
  /** Overrides --runs (the 10M flatness check runs once). */
  readonly runs?: number;
  /** Documents inserted before the measured call, in the same process (default: n / 20, 100 to 2,000). */
  readonly warmup?: number;
  readonly note?: string;
}

export const LABELS: Record<ImplId, string> = {
  driver: 'raw driver',
  'driver-chunked': 'raw driver, batches of 1,000, 4 in flight',
  'driver-zod': 'raw driver after the Zod parse',
  'driver-insertOne': 'driver insertOne loop',
  mongoose: 'Mongoose',
  'mongoose-lean': 'Mongoose lean',
  bulkwright: 'bulkwright (Zod)',
  'bulkwright-novalidate': 'bulkwright validate:false',
  'mongoimport-j1': 'mongoimport -j 1',
  'mongoimport-j4': 'mongoimport -j 4',
  'bulkwright-cli': 'bulkwright CLI',
  'bulkwright-cli-c1': 'bulkwright CLI --concurrency 1',
  'bulkwright-cli-tsx': 'bulkwright CLI (tsx)',
  'bulkwright-cli-w2': 'bulkwright CLI --workers 2',
  'bulkwright-cli-w4': 'bulkwright CLI --workers 4',
  'bulkwright-cli-dry': 'bulkwright CLI --dry-run',
  'bulkwright-cli-dry-w2': 'bulkwright CLI --dry-run --workers 2',
  'bulkwright-cli-dry-w4': 'bulkwright CLI --dry-run --workers 4',
  'plain-loop': 'plain Node loop',
  'bulkwright-cli-resumed': 'CLI, resumed after a kill',
  'bulkwright-cli-remainder': 'CLI, fresh import of the remainder',
};

const INSERT_IMPLS: readonly ImplId[] = [
  'driver',
  'driver-chunked',
  'driver-zod',
  'bulkwright',
  'bulkwright-novalidate',
  'mongoose',
  'mongoose-lean',
  'driver-insertOne',
  'mongoimport-j1',
  'mongoimport-j4',
];

/**
 * Full plan, sized so that `npm run bench` runs in about an hour on this 2-core machine with
 * FerretDB (~30,000 small docs/s): 5 runs of everything but the 10M flatness check, which runs
 * once. Small inserts at 100,000 documents, the scale of the issue's own baseline for bar 5 (a
 * fresh process pays a one-time cost, compiling each implementation's code, that a smaller call
 * counts more of per document). Scaled for time: medium inserts at 10,000 (~3,500 docs/s here),
 * mixed at 1,000 ops (FerretDB scans the collection for every update), resume at 300,000 records;
 * the streaming bars are held at 1M and 10M as the issue asks.
 */
export function scenarios(quick: boolean): Scenario[] {
  const n = quick
    ? { small: 5_000, medium: 2_000, one: 500, mongooseMedium: 2_000 }
    : { small: 100_000, medium: 10_000, one: 5_000, mongooseMedium: 2_000 };
  const mixed: MixedPlan = quick
    ? { seed: 100, ops: 300, batchSize: 20 }
    : { seed: 1_000, ops: 1_000, batchSize: 20 };
  // Full runs hold the streaming bars at 1M; the small stream scenario (tsx and -j 1 rows) is quick-only.
  const stream = quick ? [10_000, 30_000] : [undefined, 1_000_000];
  const big = quick ? 60_000 : 10_000_000;
  const resume = quick ? 20_000 : 300_000;
  const list: Scenario[] = [
    {
      id: 'insert-small',
      title: `Insert ${n.small.toLocaleString('en')} small documents (~200 B)`,
      task: 'insert',
      kind: 'small',
      count: n.small,
      impls: INSERT_IMPLS,
      baseline: 'driver',
      scaled: { 'driver-insertOne': n.one },
    },
    {
      id: 'insert-medium',
      title: `Insert ${n.medium.toLocaleString('en')} medium documents (~2 KB, nested)`,
      task: 'insert',
      kind: 'medium',
      count: n.medium,
      impls: INSERT_IMPLS,
      baseline: 'driver',
      // Mongoose (hydrating and validating) inserts ~1k medium docs/s here.
      scaled: { 'driver-insertOne': n.one, mongoose: n.mongooseMedium },
      note: `Mongoose (non-lean) and the insertOne loop run on ${n.mongooseMedium.toLocaleString('en')} and ${n.one.toLocaleString('en')} documents (scaled), for time.`,
    },
    {
      // Not one of the bars: the per-document cost once every implementation's code is
      // compiled, to tell it from the one-time cost in the insert-small rows.
      id: 'steady-small',
      title: `Insert ${n.small.toLocaleString('en')} small documents after as many as a warm-up (steady state)`,
      task: 'insert',
      kind: 'small',
      count: n.small,
      impls: ['driver', 'driver-zod', 'bulkwright-novalidate', 'bulkwright'],
      baseline: 'driver',
      warmup: n.small,
      note:
        `Each implementation first inserts ${n.small.toLocaleString('en')} other documents in the same process, ` +
        'so the measured call runs code already compiled. Not a bar: bar 5 is held on insert-small, with the ' +
        "2,000-document warm-up of the issue's baseline.",
    },
    {
      id: 'mixed',
      title: `Mixed bulkWrite, ${mixed.ops.toLocaleString('en')} ops on a ${mixed.seed.toLocaleString('en')}-document collection`,
      task: 'mixed',
      kind: 'small',
      count: mixed.ops,
      impls: ['driver', 'bulkwright', 'bulkwright-novalidate', 'mongoose'],
      baseline: 'driver',
      mixed,
      note:
        "Scaled down from the issue's 50,000 ops: FerretDB scans the whole collection for every update, upsert and delete " +
        `(~4 µs × collection size each), and deadlocks on an update command of 100 or more updates, so every ` +
        `implementation sends bulkWrite calls of ${mixed.batchSize} ops. 20% inserts, 20% upserts (half new), ` +
        'deletes on a quarter of the seeded ids, the rest updates. Client CPU per op does not depend on the server.',
    },
    {
      id: `stream-${label(stream[1]!)}`,
      title: `Streaming import of ${stream[1]!.toLocaleString('en')} NDJSON records`,
      task: 'stream',
      kind: 'small',
      count: stream[1]!,
      impls: ['plain-loop', 'bulkwright-cli', 'bulkwright-cli-c1', 'mongoimport-j4'],
      baseline: 'plain-loop',
    },
    {
      id: `stream-${label(big)}`,
      title: `Streaming import of ${big.toLocaleString('en')} NDJSON records (memory flatness, one run)`,
      task: 'stream',
      kind: 'small',
      count: big,
      impls: ['plain-loop', 'bulkwright-cli'],
      baseline: 'plain-loop',
      runs: 1,
      note:
        'The file is generated for the run and deleted after it. RSS from 100k to 1M grows even for a loop that keeps ' +
        `nothing (V8 sizes its heap to the load), so flatness is judged from 1M to ${label(big).toUpperCase()}.`,
    },
    {
      id: `resume-${label(resume)}`,
      title: `Resume: ${resume.toLocaleString('en')} records, SIGKILL at ~50% stored, then \`--resume\``,
      task: 'resume',
      kind: 'small',
      count: resume,
      impls: ['bulkwright-cli-resumed', 'bulkwright-cli-remainder'],
      baseline: 'bulkwright-cli-remainder',
      note:
        'Per run: the compiled CLI imports the file and is SIGKILLed once half of it is stored; `--resume` then ' +
        'replays from the last checkpoint (the replay window: records stored after it, which collide on their derived ' +
        '`_id`) and writes the rest; that resumed run is compared with a fresh import of the same remainder into an ' +
        'empty collection, run right after it (it needs the resumed run’s checkpoint position).',
    },
  ];
  // Shares (issue 15): one file as 1, 2 and 4 processes. Writing into the local server, the server
  // and the children share this machine's cores; the dry run (parse and validate only) is bound by
  // the client, where shares should scale with cores. CPU is the sum over the children (GNU time
  // counts reaped descendants); peak RSS is the largest single process's.
  const shares = quick ? 20_000 : 300_000;
  list.push(
    {
      id: `shares-write-${label(shares)}`,
      title: `One NDJSON file of ${shares.toLocaleString('en')} records as 1, 2 and 4 shares (--workers), written to the local server`,
      task: 'stream',
      kind: 'medium',
      count: shares,
      impls: ['bulkwright-cli', 'bulkwright-cli-w2', 'bulkwright-cli-w4'],
      baseline: 'bulkwright-cli',
      note:
        'No gain is expected here: the server (FerretDB) runs on the same 2 cores as the shares, so more client ' +
        'processes take CPU from the server. CPU is summed over the worker processes (GNU time counts reaped ' +
        'descendants); peak RSS is the largest single process, not the sum.',
    },
    {
      id: `shares-dry-${label(shares)}`,
      title: `The same file, --dry-run (parse and validate, no writes) as 1, 2 and 4 shares: client-bound`,
      task: 'stream',
      kind: 'medium',
      count: shares,
      impls: ['bulkwright-cli-dry', 'bulkwright-cli-dry-w2', 'bulkwright-cli-dry-w4'],
      baseline: 'bulkwright-cli-dry',
      note:
        'Client-bound: parsing and validating medium (~2 KB, nested) records, nothing written. Shares should scale ' +
        'with cores up to 2 here (4 shares on 2 cores cannot beat 2).',
    },
  );
  if (stream[0] !== undefined) list.splice(3, 0, smallStream(stream[0]));
  return list;
}

function smallStream(count: number): Scenario {
  return {
    id: `stream-${label(count)}`,
    title: `Streaming import of ${count.toLocaleString('en')} NDJSON records`,
    task: 'stream',
    kind: 'small',
    count,
    impls: ['plain-loop', 'bulkwright-cli', 'bulkwright-cli-tsx', 'mongoimport-j1', 'mongoimport-j4'],
    baseline: 'plain-loop',
  };
}

export function label(count: number): string {
  return count >= 1_000_000 && count % 1_000_000 === 0
    ? `${count / 1_000_000}m`
    : `${Math.round(count / 1000)}k`;
}
