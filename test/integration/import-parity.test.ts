/**
 * mongoimport parity, end to end (issue 17): the CLI as users run it and `streamInsert`, against
 * the test server, and against the scripted wire server for a server that stops answering.
 * Scale: a handful of documents per case (deletes scan the whole collection on FerretDB).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineModel } from '../../src/model/define-model.js';
import { fileCheckpoint } from '../../src/stream/checkpoint.js';
import { streamInsert } from '../../src/stream/stream-insert.js';
import { cliEnv, importArgs, runCli, runCliHere } from '../support/cli.js';
import { useTestDb } from '../support/db.js';
import { drain } from '../support/drain.js';
import { startScriptedServer } from '../support/wire-server.js';

const t = useTestDb('parity');
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bw-parity-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(work, name);
  await writeFile(path, text);
  return path;
}

/** In this process, unless the test needs the bin's own process (its TZ, its exit on a silent server). */
function cli(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  return runCliHere(args, { cwd: work, env: cliEnv(env) });
}

function spawned(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  return runCli(args, { cwd: work, env: cliEnv(env) });
}

async function deadLetters(path: string): Promise<{ position: number; line?: number; record: unknown }[]> {
  const text = await readFile(path, 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { position: number; line?: number; record: unknown });
}

/** A file record's position: the byte offset of its line + 1 (the same in any share). */
function positionOfLine(text: string, line: number): number {
  return (
    Buffer.byteLength(
      text
        .split('\n')
        .slice(0, line - 1)
        .join('\n'),
    ) +
    (line > 1 ? 1 : 0) +
    1
  );
}

describe('CSV dead letters hold the whole line', () => {
  it("mongoimport's test_bad.csv: the bare-quote row is dead-lettered whole, the rows after it import", async () => {
    const text = '1,2,3\n3,5".4,string\n5,6,6\n';
    const input = await file('test_bad.csv', text);
    const rejected = join(work, 'bad.rejected.ndjson');
    const run = await cli([
      ...importArgs(input, t.uri, t.db.databaseName, 'bad'),
      '--columns',
      '_id,b,c',
      '--dead-letter',
      rejected,
      '--no-checkpoint',
      '--quiet',
    ]);
    expect(run.code).toBe(1);
    expect(await deadLetters(rejected)).toMatchObject([
      { position: positionOfLine(text, 2), line: 2, record: '3,5".4,string' },
    ]);
    const ids = (await t.db.collection('bad').find().sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(ids).toEqual(['1', '5']);
  });
});

describe('dates without a zone', () => {
  it('store the same instant whatever the machine zone (TZ=America/New_York and TZ=UTC), UTC unless --timezone says', async () => {
    const input = await file('dates.csv', '_id,d\n1,"June 02, 1997 15:24:00"\n2,2016-06-08 09:26\n');
    const stored = async (collection: string, env: NodeJS.ProcessEnv, extra: string[] = []) => {
      const run = await spawned(
        [
          ...importArgs(input, t.uri, t.db.databaseName, collection),
          '--types',
          'd:date',
          '--no-checkpoint',
          '--quiet',
          ...extra,
        ],
        env,
      );
      expect(run.code, run.stderr).toBe(0);
      const docs = await t.db.collection(collection).find().sort({ _id: 1 }).toArray();
      return docs.map((d) => (d.d as Date).toISOString());
    };
    const newYork = await stored('dates_ny', { TZ: 'America/New_York' });
    const utc = await stored('dates_utc', { TZ: 'UTC' });
    expect(newYork).toEqual(['1997-06-02T15:24:00.000Z', '2016-06-08T09:26:00.000Z']);
    expect(utc).toEqual(newYork);
    const given = await stored('dates_given', { TZ: 'UTC' }, ['--timezone', 'America/New_York']);
    expect(given).toEqual(['1997-06-02T19:24:00.000Z', '2016-06-08T13:26:00.000Z']);
  });
});

describe('--mode delete', () => {
  it('deletes one document per record matched literally on --upsert-fields, counted, with operator objects refused', async () => {
    const people = t.db.collection<{ _id: number; name: string }>('to_delete');
    await people.insertMany([1, 2, 3, 4, 5].map((n) => ({ _id: n, name: `p${n}` })));
    const text = [
      '{"name":"p1"}',
      '{"name":"p3"}',
      '{"name":"nobody"}',
      '{"name":{"$ne":null}}',
      '{"other":1}',
    ].join('\n');
    const input = await file('deletes.ndjson', text);
    const rejected = join(work, 'deletes.rejected.ndjson');
    const run = await cli([
      ...importArgs(input, t.uri, t.db.databaseName, 'to_delete'),
      '--mode',
      'delete',
      '--upsert-fields',
      'name',
      '--dead-letter',
      rejected,
      '--no-checkpoint',
      '--json',
      '--quiet',
    ]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ mode: 'delete', read: 5, deleted: 2, written: 3, rejected: 2 });
    expect((await people.find().sort({ _id: 1 }).toArray()).map((d) => d._id)).toEqual([2, 4, 5]);
    const letters = await deadLetters(rejected);
    expect(letters.map((d) => d.line)).toEqual([4, 5]);
    expect(letters.map((d) => d.position)).toEqual([positionOfLine(text, 4), positionOfLine(text, 5)]);
  });
});

describe('typed headers', () => {
  it("mongoimport's test_type.csv with --columns-have-types, and a header kept in --fields-file", async () => {
    const input = await file(
      'test_type.csv',
      'zip.string(),number.double()\n12345,20.2\n12345-1234,40.4\n23455,BLAH\n',
    );
    const run = await cli([
      ...importArgs(input, t.uri, t.db.databaseName, 'typed'),
      '--columns-have-types',
      '--dead-letter',
      join(work, 'typed.rejected.ndjson'),
      '--no-checkpoint',
      '--quiet',
    ]);
    expect(run.code).toBe(1);
    const docs = await t.db
      .collection('typed')
      .find({}, { projection: { _id: 0 } })
      .toArray();
    expect(docs).toEqual([
      { zip: '12345', number: 20.2 },
      { zip: '12345-1234', number: 40.4 },
    ]);

    const fields = await file('fields.txt', 'a\nb\nc\n');
    const rows = await file('rows.csv', '1,,x\n2,y,\n');
    const second = await cli([
      ...importArgs(rows, t.uri, t.db.databaseName, 'from_fields_file'),
      '--fields-file',
      fields,
      '--ignore-blanks',
      '--no-checkpoint',
      '--quiet',
    ]);
    expect(second.code, second.stderr).toBe(0);
    const loaded = await t.db
      .collection('from_fields_file')
      .find({}, { projection: { _id: 0 } })
      .sort({ a: 1 })
      .toArray();
    expect(loaded).toEqual([
      { a: '1', c: 'x' },
      { a: '2', b: 'y' },
    ]);
  });
});

describe('a server that accepts a batch and never replies', () => {
  /** Answers the first write, then never again. */
  async function silentAfterFirst() {
    let writes = 0;
    return startScriptedServer({
      script: (_command, ctx) => (writes++ === 0 ? ctx.okReply() : new Promise(() => {})),
    });
  }

  it('streamInsert: the batch deadline expires, retries run out, BW_STREAM_ABORTED with the checkpoint saved', async () => {
    const server = await silentAfterFirst();
    const client = await MongoClient.connect(server.uri({ retryWrites: false }), {
      serverSelectionTimeoutMS: 3000,
    });
    try {
      const model = defineModel({
        collection: 'c',
        schema: z.object({ n: z.number() }),
        db: client.db('app'),
      });
      const path = join(work, 'silent.checkpoint.json');
      const rows = Array.from({ length: 10 }, (_, i) => ({ n: i }));
      const run = streamInsert(model, rows, {
        batchSize: 5,
        concurrency: 1,
        batchTimeoutMs: 300,
        retry: { attempts: 2, delayMs: 10 },
        checkpoint: fileCheckpoint(path),
        idNamespace: 'silent',
      });
      const error = await drain(run).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'BW_STREAM_ABORTED' });
      expect(String((error as Error).message)).toMatch(/no reply within batchTimeoutMs \(300 ms\)/);
      expect(await fileCheckpoint(path).load()).toBe(5);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('the CLI with its default checkpoint (a collection on the same silent server) exits with code 2, never hangs', async () => {
    const server = await silentAfterFirst();
    try {
      const input = await file(
        'silent-all.ndjson',
        Array.from({ length: 10 }, (_, i) => JSON.stringify({ _id: i, n: i })).join('\n'),
      );
      const run = await spawned([
        ...importArgs(input, server.uri({ retryWrites: false }), 'app', 'c'),
        '--batch-size',
        '5',
        '--concurrency',
        '1',
        '--batch-timeout',
        '0.2',
        '--quiet',
      ]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/no reply within batchTimeoutMs \(200 ms\)/);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('the CLI exits with code 2 and the checkpoint saved, then a resume is offered', async () => {
    const server = await silentAfterFirst();
    try {
      const text = Array.from({ length: 10 }, (_, i) => JSON.stringify({ _id: i, n: i })).join('\n');
      const input = await file('silent.ndjson', text);
      const checkpoint = join(work, 'cli-silent.checkpoint.json');
      const run = await spawned([
        ...importArgs(input, server.uri({ retryWrites: false }), 'app', 'c'),
        '--batch-size',
        '5',
        '--concurrency',
        '1',
        '--batch-timeout',
        '0.2',
        '--checkpoint',
        checkpoint,
        '--quiet',
      ]);
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/no reply within batchTimeoutMs \(200 ms\).*--resume/s);
      // The CLI counts a file's positions in bytes: the first batch (lines 1-5) was acknowledged.
      expect(await fileCheckpoint(checkpoint, { unit: 'bytes' }).load()).toBe(positionOfLine(text, 5));
    } finally {
      await server.close();
    }
  }, 60_000);
});
