/**
 * After a lost batch, a resent insert that meets a duplicate `_id` is checked against the stored
 * document (src/retry/confirm-inserts.ts). That lookup is a read on the same faulty network: when
 * it fails, the call must still return its report (the ops stay "outcome unknown"), not throw the
 * driver's error and lose what it knew. Found by network.test.ts at 50k documents, where a cut
 * connection took a confirm cursor with it ("cursor id … not found"); reproduced here
 * deterministically with a scripted server, which answers the lookup's `find` with an error.
 */
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bulkInsert, defineModel, streamInsert } from '../../src/index.js';
import { drain } from '../support/drain.js';
import { type ScriptedServer, startScriptedServer } from '../support/wire-server.js';

let server: ScriptedServer;
let client: MongoClient;

beforeAll(async () => {
  server = await startScriptedServer({ lifetimeMs: 60_000 });
  client = await MongoClient.connect(server.uri({ retryWrites: false }), { serverSelectionTimeoutMS: 3000 });
});
afterAll(async () => {
  await client?.close();
  await server?.close();
});

/** First write: the socket closes unanswered (applied or not, nobody knows). Later: every op collides. */
function lostThenDuplicates() {
  server.setScript((command, ctx) =>
    ctx.writeIndex === 0
      ? ctx.close
      : {
          ok: 1,
          n: 0,
          writeErrors: command.ops.map((op, index) => ({
            index,
            code: 11000,
            codeName: 'DuplicateKey',
            errmsg: `E11000 duplicate key error collection: app.c index: _id_ dup key: { _id: ${String(op._id)} }`,
            keyValue: { _id: op._id },
          })),
        },
  );
}

const model = (name: string) =>
  defineModel({ collection: name, schema: z.object({ n: z.number() }), db: client.db('app') });

describe('a failed confirm lookup after a resend', () => {
  it('bulkInsert still returns a report: the ops stay outcome-unknown, nothing is thrown', async () => {
    lostThenDuplicates();
    const before = server.writes.length;
    const run = bulkInsert(model('c'), [{ n: 1 }, { n: 2 }, { n: 3 }], {
      ordered: false,
      retry: { attempts: 2, delayMs: 1 },
    });
    // Was (before 68fd4f5): rejected with the lookup's MongoServerError ("no such command:
    // 'find'"), and the report, which knew the three ops were possibly written, was gone.
    const report = await run;
    expect(server.writes.length - before).toBe(2);
    expect(report.insertedCount + report.failures.length).toBe(3);
    expect(report.failures.every((f) => f.applied === 'unknown')).toBe(true);
  });

  it('streamInsert ends with its own BW_STREAM_ABORTED, not the lookup error', async () => {
    server.dropAll();
    lostThenDuplicates();
    const run = drain(streamInsert(model('s'), [{ n: 1 }, { n: 2 }], { retry: { attempts: 2, delayMs: 1 } }));
    await expect(run).rejects.toMatchObject({ code: 'BW_STREAM_ABORTED' });
  });
});
