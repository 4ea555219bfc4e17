/**
 * One measured trial of one in-process implementation, in a fresh Node process (run with
 * --expose-gc). Builds its input, warms up on a scratch collection, then measures only the write:
 * wall time, process.cpuUsage() and peak RSS. Prints one JSON line.
 */
import { type AnyBulkWriteOperation, type Document, MongoClient } from 'mongodb';
import { type DocKind, makeDocs } from './data.js';
import { type ImplContext, type InProcessId, implementations, type Runner } from './impls.js';
import { type MixedCounts, type MixedPlan, mixedOps, seedDocs } from './mixed.js';

export interface WorkerSpec {
  readonly impl: InProcessId;
  readonly task: 'insert' | 'mixed';
  readonly uri: string;
  readonly dbName: string;
  readonly collection: string;
  readonly kind: DocKind;
  /** insert: documents to insert. */
  readonly count: number;
  /** mixed: the seeded collection and the number of ops. */
  readonly mixed?: MixedPlan;
  /** Documents (or ops) of the warm-up run on a scratch collection; 0 to skip. */
  readonly warmup: number;
}

export interface WorkerResult {
  readonly ok: boolean;
  readonly error?: string;
  readonly written?: number;
  readonly counts?: MixedCounts;
  readonly expected?: MixedCounts;
  readonly wallMs?: number;
  readonly cpuUserMs?: number;
  readonly cpuSystemMs?: number;
  /** Peak RSS of the whole worker (input data included). */
  readonly peakRssBytes?: number;
  /** RSS after building the input and a full GC, just before the measured write. */
  readonly rssBeforeBytes?: number;
  /** Heap used after the write and a full GC. */
  readonly heapAfterGcBytes?: number;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

async function main(spec: WorkerSpec): Promise<WorkerResult> {
  const make = (collection: string) =>
    implementations[spec.impl]({
      uri: spec.uri,
      dbName: spec.dbName,
      collection,
      kind: spec.kind,
    } satisfies ImplContext);

  let input: Document[] | AnyBulkWriteOperation[];
  let expected: MixedCounts | undefined;
  const admin = await new MongoClient(spec.uri).connect();
  try {
    const db = admin.db(spec.dbName);
    if (spec.task === 'mixed') {
      const plan = spec.mixed!;
      await db.collection(spec.collection).insertMany(seedDocs(plan), { ordered: false });
      const built = mixedOps(plan);
      input = built.ops as AnyBulkWriteOperation[];
      expected = built.expected;
    } else {
      input = makeDocs(spec.kind, spec.count);
    }

    if (spec.warmup > 0) {
      const scratch = `${spec.collection}_warmup`;
      const warm = await make(scratch);
      if (spec.task === 'mixed') {
        const plan = { seed: Math.min(100, spec.warmup), ops: spec.warmup };
        await db.collection(scratch).insertMany(seedDocs(plan));
        await warm.mixed!(mixedOps(plan).ops as AnyBulkWriteOperation[], spec.mixed!.batchSize);
      } else {
        await warm.insert!(makeDocs(spec.kind, spec.warmup, 10_000_000));
      }
      await warm.close();
      await db.collection(scratch).drop();
    }
  } finally {
    await admin.close();
  }

  const runner: Runner = await make(spec.collection);
  gc();
  gc();
  const rssBeforeBytes = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let written: number | undefined;
  let counts: MixedCounts | undefined;
  if (spec.task === 'mixed')
    counts = await runner.mixed!(input as AnyBulkWriteOperation[], spec.mixed!.batchSize);
  else written = await runner.insert!(input as Document[]);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  await runner.close();
  input = [];
  gc();
  const heapAfterGcBytes = process.memoryUsage().heapUsed;
  return {
    ok: true,
    ...(written === undefined ? {} : { written }),
    ...(counts ? { counts } : {}),
    ...(expected ? { expected } : {}),
    wallMs,
    cpuUserMs: cpu.user / 1000,
    cpuSystemMs: cpu.system / 1000,
    peakRssBytes,
    rssBeforeBytes,
    heapAfterGcBytes,
  };
}

const spec = JSON.parse(process.argv[2] ?? '{}') as WorkerSpec;
main(spec)
  .then((result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  })
  .catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stdout.write(`${JSON.stringify({ ok: false, error: message.split('\n')[0]!.slice(0, 500) })}\n`);
    process.exit(1);
  });
