import { type CommandStartedEvent, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineModel, streamInsert } from '../../src/index.js';
import { useTestDb } from '../support/db.js';
import { drain } from '../support/drain.js';

const t = useTestDb('stream_resume_replay');
let monitored: MongoClient;
const started: CommandStartedEvent[] = [];

beforeAll(async () => {
  monitored = await MongoClient.connect(t.uri, { monitorCommands: true });
  monitored.on('commandStarted', (event) => started.push(event));
});
afterAll(async () => monitored?.close());

const schema = z.object({ sku: z.string(), qty: z.number().int() });

function* records(n: number, sku: (i: number) => string = (i) => `s${i}`) {
  for (let i = 1; i <= n; i++) yield { sku: sku(i), qty: i };
}

function memoryCheckpoint() {
  const state: { saved: number | undefined } = { saved: undefined };
  return {
    state,
    load: async () => state.saved,
    save: async (p: number) => {
      state.saved = p;
    },
    clear: async () => {
      state.saved = undefined;
    },
  };
}

/** Imports until `stopAt` records are written, then moves the checkpoint back by `lost` records. */
async function crashedImport(collection: string, unique: boolean, stopAt: number, lost: number) {
  const model = defineModel({
    collection,
    schema,
    db: monitored.db(t.db.databaseName),
    ...(unique ? { indexes: [{ key: { sku: 1 }, unique: true }] } : {}),
  });
  await model.ensureIndexes();
  const checkpoint = memoryCheckpoint();
  const controller = new AbortController();
  const first = streamInsert(model, records(2000), {
    batchSize: 100,
    checkpoint,
    idNamespace: collection,
    signal: controller.signal,
  });
  for await (const p of first) if (p.written >= stopAt) controller.abort();
  checkpoint.state.saved = checkpoint.state.saved! - lost;
  return { model, checkpoint, from: checkpoint.state.saved };
}

const findsOn = (collection: string) =>
  started.filter((e) => e.commandName === 'find' && e.command.find === collection).length;

describe('a resumed import replays what the crashed run wrote', () => {
  it('without querying the collection per batch: a duplicate on the _id index already says it is there', async () => {
    const { model, checkpoint, from } = await crashedImport('replay_plain', false, 800, 500);
    started.length = 0;
    const { report } = await drain(
      streamInsert(model, records(2000), {
        batchSize: 100,
        checkpoint,
        idNamespace: 'replay_plain',
        resume: true,
      }),
    );
    expect(findsOn('replay_plain')).toBe(0);
    expect(report).toMatchObject({
      resumedFrom: from,
      rejected: 0,
      inserted: 2000 - from,
      written: 2000 - from,
    });
    expect(await model.collection().estimatedDocumentCount()).toBe(2000);
  });

  it('counts replayed records as written and still rejects a real duplicate on another unique index', async () => {
    const { model, checkpoint, from } = await crashedImport('replay_unique', true, 800, 500);
    // The resumed source differs from the first run in one record past the crash: its sku is taken.
    const clash = 1900;
    const { report } = await drain(
      streamInsert(
        model,
        records(2000, (i) => (i === clash ? 's1' : `s${i}`)),
        {
          batchSize: 100,
          checkpoint,
          idNamespace: 'replay_unique',
          resume: true,
          deadLetter: { write: async () => {} },
        },
      ),
    );
    expect(report).toMatchObject({ rejected: 1, rejectedByKind: { duplicateKey: 1 } });
    expect(report.written).toBe(2000 - from - 1);
  });
});
