/**
 * A checkpoint store or dead-letter sink that fails mid-run (a collection checkpoint on a server
 * that just died, a full disk under a file checkpoint or dead-letter file). Found by
 * server-kill.test.ts: with `collectionCheckpoint`, a SIGKILL of the server made streamInsert
 * throw the driver's raw MongoNetworkError from the checkpoint's `save`, out of the middle of the
 * generator. Fixed in src/stream/stream-insert.ts (`drain`); these are its regression tests. The
 * stream's contract for a lost server is its own BW_STREAM_ABORTED, after the batches in flight
 * have settled and the dead-letter sink has been closed (flushed): a CLI that exits on the error
 * must not lose the dead letters it already accepted, nor leave batches writing behind its back.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type CheckpointStore, type DeadLetter, defineModel, streamInsert } from '../../src/index.js';
import { useTestDb } from '../support/db.js';
import { drain } from '../support/drain.js';

const t = useTestDb('rel_checkpoint_failure');

describe('a checkpoint save that fails mid-run', () => {
  it('ends the stream with a BulkwrightError after closing the dead-letter sink and settling the batches in flight', async () => {
    const model = defineModel({
      collection: 'c',
      schema: z.object({ k: z.number().int() }),
      db: t.db,
    });
    let saves = 0;
    const checkpoint: CheckpointStore = {
      load: async () => undefined,
      save: async () => {
        if (++saves === 1)
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
      },
      clear: async () => {},
    };
    const letters: DeadLetter[] = [];
    let closed = false;
    const deadLetter = {
      write: (l: DeadLetter) => void letters.push(l),
      close: async () => {
        closed = true;
      },
    };
    function* records() {
      for (let k = 1; k <= 3000; k++) yield k === 10 ? { k: 'ten' } : { k };
    }
    const error = await drain(
      streamInsert(model, records(), {
        batchSize: 250,
        // One batch at a time: the two batches before record 600 are acknowledged first, so
        // there is something to checkpoint, and the checkpoint must stop right there.
        concurrency: 1,
        checkpoint,
        checkpointEveryMs: 0,
        idNamespace: 'checkpoint-failure',
        deadLetter,
      }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(saves).toBe(1);
    // Was: the raw Error from `save` (code ECONNREFUSED), the sink never closed.
    expect(error).toMatchObject({ name: 'BulkwrightError', code: 'BW_STREAM_ABORTED' });
    expect(closed).toBe(true);
    expect(letters.map((l) => l.position)).toEqual([10]);
    // Nothing keeps writing after the call has failed.
    const settled = Number((await t.db.command({ collStats: 'c' })).count);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(Number((await t.db.command({ collStats: 'c' })).count)).toBe(settled);
  });
});

describe('a dead-letter sink whose write fails mid-run', () => {
  it('ends the stream with BW_STREAM_ABORTED after closing the sink, and never checkpoints past the unrecorded rejection', async () => {
    const model = defineModel({
      collection: 'd',
      schema: z.object({ k: z.number().int() }),
      db: t.db,
    });
    const saved: number[] = [];
    const checkpoint: CheckpointStore = {
      load: async () => undefined,
      save: async (position) => void saved.push(position),
      clear: async () => {},
    };
    let writes = 0;
    let closed = false;
    const deadLetter = {
      write: async (_l: DeadLetter) => {
        writes++;
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
      close: async () => {
        closed = true;
      },
    };
    function* records() {
      for (let k = 1; k <= 3000; k++) yield k === 600 ? { k: 'six hundred' } : { k };
    }
    const error = await drain(
      streamInsert(model, records(), {
        batchSize: 250,
        // One batch at a time: the two batches before record 600 are acknowledged first, so
        // there is something to checkpoint, and the checkpoint must stop right there.
        concurrency: 1,
        checkpoint,
        idNamespace: 'dead-letter-failure',
        deadLetter,
      }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(writes).toBe(1);
    expect(error).toMatchObject({ name: 'BulkwrightError', code: 'BW_STREAM_ABORTED' });
    expect(closed).toBe(true);
    // Record 600 was rejected but its dead letter not written: a resume must see it again.
    expect(saved.length).toBeGreaterThan(0);
    expect(saved.every((p) => p < 600)).toBe(true);
    expect(saved.at(-1)).toBe(500);
    const settled = Number((await t.db.command({ collStats: 'd' })).count);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(Number((await t.db.command({ collStats: 'd' })).count)).toBe(settled);
  });
});
