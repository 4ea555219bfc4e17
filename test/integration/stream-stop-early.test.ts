/**
 * A consumer that stops early (`break`, or a throw in its loop) leaves nothing running: the
 * batches in flight settle, the dead-letter sink is closed, the checkpoint is saved over what was
 * acknowledged, and the source is closed. A resume then completes the import, nothing lost or
 * doubled. At the shipped `checkpointEveryMs` (1000): the saves of a short run are the final ones.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type DeadLetter,
  type DeadLetterSink,
  deadLetterFile,
  defineModel,
  fileCheckpoint,
  streamInsert,
} from '../../src/index.js';
import { useTestDb } from '../support/db.js';
import { drain } from '../support/drain.js';

const t = useTestDb('stream_stop_early');
const schema = z.object({ sku: z.string(), qty: z.number().int() });
const total = 3000;
/** Every 97th record fails the schema: dead letters are part of what must be accounted for. */
const isBad = (i: number) => i % 97 === 0;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-stop-early-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A source that counts what was pulled and says whether it was closed. */
function source() {
  const state = { pulled: 0, closed: false };
  async function* read() {
    try {
      for (let i = 1; i <= total; i++) {
        state.pulled++;
        yield isBad(i) ? { sku: `s${i}`, qty: 'many' } : { sku: `s${i}`, qty: i };
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, records: read() };
}

/** A dead-letter file whose close is observed. */
function observedSink(path: string) {
  const file = deadLetterFile(path);
  const sink = { closed: false, written: 0 };
  const deadLetter: DeadLetterSink = {
    write: (letter: DeadLetter) => {
      sink.written++;
      return file.write(letter);
    },
    close: async () => {
      sink.closed = true;
      await file.close();
    },
  };
  return { sink, deadLetter };
}

async function setup(name: string) {
  const model = defineModel({ collection: name, schema, db: t.db });
  const checkpoint = fileCheckpoint(join(dir, `${name}.checkpoint.json`));
  const deadPath = join(dir, `${name}.dead.ndjson`);
  return { model, checkpoint, deadPath, options: { batchSize: 100, concurrency: 3, idNamespace: name } };
}

const deadPositions = async (path: string) =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { position: number }).position)
    .sort((a, b) => a - b);

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The collection holds exactly the good records up to `position`, each once. */
async function expectExactly(name: string, position: number) {
  const model = defineModel({ collection: name, schema, db: t.db });
  const qtys = (
    await model
      .collection()
      .find({}, { projection: { qty: 1 } })
      .toArray()
  )
    .map((d) => d.qty as number)
    .sort((a, b) => a - b);
  expect(qtys).toEqual(range(1, position).filter((i) => !isBad(i)));
}

describe('streamInsert stopped early by its consumer', () => {
  it.each(['break', 'throw'] as const)(
    'on %s: settles what is in flight, closes the sink, saves the checkpoint, stops reading; a resume completes it',
    async (how) => {
      const { model, checkpoint, deadPath, options } = await setup(`stop_${how}`);
      const { state, records } = source();
      const { sink, deadLetter } = observedSink(deadPath);
      const run = streamInsert(model, records, { ...options, deadLetter, checkpoint });
      let events = 0;
      const consume = async () => {
        for await (const _ of run) {
          if (++events < 3) continue;
          if (how === 'break') break;
          throw new Error('consumer gave up');
        }
      };
      if (how === 'break') await consume();
      else await expect(consume()).rejects.toThrow('consumer gave up');

      expect(state.closed).toBe(true);
      expect(state.pulled).toBeLessThan(total);
      expect(sink.closed).toBe(true);
      const position = await checkpoint.load();
      expect(position).toBeGreaterThanOrEqual(300);
      // Acknowledged = up to the checkpoint: the collection and the dead letters hold exactly that,
      // and nothing is still writing once the loop has ended.
      await expectExactly(`stop_${how}`, position!);
      expect(await deadPositions(deadPath)).toEqual(range(1, position!).filter(isBad));
      await sleep(300);
      await expectExactly(`stop_${how}`, position!);

      const resumed = observedSink(deadPath);
      const { report } = await drain(
        streamInsert(model, source().records, {
          ...options,
          deadLetter: resumed.deadLetter,
          checkpoint,
          resume: true,
        }),
      );
      expect(report).toMatchObject({
        resumedFrom: position,
        rejected: range(position! + 1, total).filter(isBad).length,
      });
      await expectExactly(`stop_${how}`, total);
      expect(await deadPositions(deadPath)).toEqual(range(1, total).filter(isBad));
      expect(await checkpoint.load()).toBeUndefined();
    },
  );
});
