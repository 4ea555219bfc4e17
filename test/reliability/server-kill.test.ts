/**
 * The server dies mid-import: a FerretDB process of this file's own (own data dir, own port) is
 * SIGKILLed while a streaming import of an NDJSON file is writing. The import gets network errors,
 * its retries run out and it throws BW_STREAM_ABORTED (the "crash"); the server is started again
 * on the same data dir and port, and the import is resumed from its checkpoint. After every kill
 * and resume, the collection must equal the one an uninterrupted import of the same file gives:
 * same count, same documents (compared sorted by `_id`), and the same dead letters line for line
 * (a record dead-lettered twice across the runs fails). The checkpoint is saved after every batch
 * here, to kill at exact points; server-kill-cli.test.ts runs the CLI at the shipped defaults.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, type Document, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type CheckpointStore,
  collectionCheckpoint,
  type DeadLetter,
  defineModel,
  fileCheckpoint,
  type StreamReport,
  streamInsert,
} from '../../src/index.js';
import { drain } from '../support/drain.js';
import { type FerretProcess, ferretBinary, startFerret } from '../support/ferret-process.js';
import { recordResult } from './results.js';

const RECORDS = 20_000;
/** One record in 997 is schema-invalid: rejected in every run, at the same positions. */
const INVALID_EVERY = 997;
const schema = z.object({
  key: z.string(),
  n: z.number().int(),
  tags: z.array(z.string()),
  nested: z.object({ a: z.number(), b: z.string() }),
});

let work: string;
let file: string;
let ferret: FerretProcess;
let client: MongoClient;
let db: Db;

const hasBinary = ferretBinary() !== undefined;

beforeAll(async () => {
  if (!hasBinary) return;
  work = await mkdtemp(join(tmpdir(), 'bulkwright-kill-'));
  ferret = await startFerret({ dataDir: join(work, 'data') });
  // Fail fast while the server is down: the import's retries give up in seconds, not minutes.
  client = new MongoClient(ferret.uri, {
    retryWrites: false,
    serverSelectionTimeoutMS: 1500,
    connectTimeoutMS: 1000,
  });
  await client.connect();
  db = client.db('kill');
  const lines: string[] = [];
  for (let i = 1; i <= RECORDS; i++) {
    lines.push(
      i % INVALID_EVERY === 0
        ? JSON.stringify({ key: `k${i}`, n: 'not a number' })
        : JSON.stringify({ key: `k${i}`, n: i, tags: [`t${i % 7}`], nested: { a: i / 2, b: `é${i}✓` } }),
    );
  }
  file = join(work, 'records.ndjson');
  await writeFile(file, `${lines.join('\n')}\n`);
}, 60_000);

afterAll(async () => {
  await client?.close().catch(() => {});
  await ferret?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const model = (collection: string) => defineModel({ collection, schema, db });

/** Imports the file, SIGKILLs the server at each kill point (records written), restarts, resumes. */
async function importWithKills(collection: string, checkpoint: () => CheckpointStore, killPoints: number[]) {
  let letters: DeadLetter[] = [];
  const options = {
    batchSize: 500,
    concurrency: 2,
    idNamespace: 'records.ndjson',
    retry: { attempts: 3, delayMs: 50 },
    // A sink that keeps its letters across runs, as a file does: on resume it forgets those after
    // the checkpoint, which the resumed run judges again.
    deadLetter: {
      write: (l: DeadLetter) => void letters.push(l),
      resume: async (position: number) => {
        letters = letters.filter((l) => l.position <= position);
      },
    },
  };
  const crashes: { killedAt: number; kind: string; resumedFrom: number | undefined }[] = [];
  let resume = false;
  for (const point of killPoints) {
    // A checkpoint after every batch: the kill points are reached in well under the default 1 s
    // between saves, and each resume must start past what the crashed run acknowledged.
    const run = streamInsert(model(collection), file, {
      ...options,
      checkpoint: checkpoint(),
      checkpointEveryMs: 0,
      resume,
    });
    let killedAt = -1;
    let error: unknown;
    try {
      for await (const progress of run) {
        // Kill on records read, not on the checkpoint position: batches finish out of order, so the
        // position can jump past a kill point straight to the end, leaving nothing to interrupt.
        // Killing while records are still unread guarantees the run has work left to lose.
        if (killedAt < 0 && progress.read >= point && progress.position > 0) {
          killedAt = progress.position;
          await ferret.kill();
        }
      }
    } catch (e) {
      error = e;
    }
    expect(killedAt, `kill point ${point} reached`).toBeGreaterThanOrEqual(0);
    // The expected crash is BW_STREAM_ABORTED (retries exhausted). A checkpoint kept on the dead
    // server can fail first: that too must surface as BW_STREAM_ABORTED (checkpoint-failure.test.ts).
    expect(crashKind(error), `the run killed at ${killedAt} crashed: ${String(error)}`).not.toBe('other');
    await ferret.restart();
    crashes.push({ killedAt, kind: crashKind(error), resumedFrom: await checkpoint().load() });
    resume = true;
  }
  const { report } = await drain(
    streamInsert(model(collection), file, { ...options, checkpoint: checkpoint(), resume: true }),
  );
  return { report, letters, crashes };
}

/** Every dead letter's position, one per letter (a doubled letter shows twice). */
function letterPositions(letters: readonly DeadLetter[]) {
  return letters.map((l) => l.position).sort((a, b) => a - b);
}

async function recordRun(scenario: string, crashes: unknown[], docs: Document[], letters: DeadLetter[]) {
  const distinct = new Set(docs.map((d) => d.key)).size;
  await recordResult('server-kill', {
    scenario,
    records: RECORDS,
    kills: crashes.length,
    lost: RECORDS - Math.floor(RECORDS / INVALID_EVERY) - distinct,
    duplicated: docs.length - distinct,
    deadLetters: letters.length,
  });
}

function crashKind(error: unknown): 'aborted' | 'checkpoint network error' | 'other' {
  const e = error as { code?: unknown; name?: unknown } | undefined;
  if (e?.code === 'BW_STREAM_ABORTED') return 'aborted';
  if (e?.name === 'MongoNetworkError' || e?.name === 'MongoServerSelectionError' || e?.code === 'EPIPE')
    return 'checkpoint network error';
  return 'other';
}

async function sortedDocs(collection: string) {
  return db.collection(collection).find().sort({ _id: 1 }).toArray();
}

describe.skipIf(!hasBinary)(
  'SIGKILL of the server mid streaming import, restart on the same data dir, resume',
  () => {
    let baseline: { docs: unknown[]; report: StreamReport; positions: number[] };
    const expectedInvalid = Math.floor(RECORDS / INVALID_EVERY);

    beforeAll(async () => {
      const letters: DeadLetter[] = [];
      const { report } = await drain(
        streamInsert(model('baseline'), file, {
          batchSize: 500,
          concurrency: 2,
          idNamespace: 'records.ndjson',
          deadLetter: { write: (l) => void letters.push(l) },
        }),
      );
      baseline = { docs: await sortedDocs('baseline'), report, positions: letterPositions(letters) };
      expect(report).toMatchObject({
        read: RECORDS,
        written: RECORDS - expectedInvalid,
        rejected: expectedInvalid,
      });
    }, 60_000);

    it('file checkpoint, three kills (early, middle, late): same documents as the uninterrupted import', async () => {
      const path = join(work, 'checkpoint.json');
      const { report, letters, crashes } = await importWithKills(
        'file_cp',
        () => fileCheckpoint(path),
        [500, 7000, 16_000],
      );
      expect(crashes).toHaveLength(3);
      // A file checkpoint does not depend on the server: every crash is the stream's own abort.
      expect(crashes.map((c) => c.kind)).toEqual(['aborted', 'aborted', 'aborted']);
      // Each resumed run started past what the one before had acknowledged.
      expect(crashes.every((c) => c.resumedFrom !== undefined && c.resumedFrom > 0)).toBe(true);
      expect(report.resumedFrom).toBe(crashes.at(-1)!.resumedFrom);
      expect(report.read).toBe(report.written + report.rejected + report.skipped + report.notAttempted);
      const docs = await sortedDocs('file_cp');
      await recordRun('file checkpoint', crashes, docs, letters);
      expect(docs).toHaveLength(RECORDS - expectedInvalid);
      expect(docs).toEqual(baseline.docs);
      expect(letterPositions(letters)).toEqual(baseline.positions);
    }, 120_000);

    it('collection checkpoint (kept in the killed server itself), two kills: same documents', async () => {
      const { report, letters, crashes } = await importWithKills(
        'coll_cp',
        () => collectionCheckpoint(db, { id: 'records.ndjson→coll_cp' }),
        [3000, 12_500],
      );
      expect(crashes).toHaveLength(2);
      // Even when the checkpoint's own `save` hits the dead server first: the stream's own abort.
      expect(crashes.map((c) => c.kind)).toEqual(['aborted', 'aborted']);
      expect(crashes.every((c) => c.resumedFrom !== undefined && c.resumedFrom > 0)).toBe(true);
      expect(report.resumedFrom).toBe(crashes.at(-1)!.resumedFrom);
      const docs = await sortedDocs('coll_cp');
      await recordRun('collection checkpoint', crashes, docs, letters);
      expect(docs).toHaveLength(RECORDS - expectedInvalid);
      expect(docs).toEqual(baseline.docs);
      expect(letterPositions(letters)).toEqual(baseline.positions);
      // The run completed: its checkpoint is cleared.
      expect(await collectionCheckpoint(db, { id: 'records.ndjson→coll_cp' }).load()).toBeUndefined();
    }, 120_000);
  },
);
