import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectionCheckpoint, fileCheckpoint } from '../../src/stream/checkpoint.js';
import { shareCheckpoint } from '../../src/stream/share-checkpoint.js';
import { useTestDb } from '../support/db.js';

const t = useTestDb('checkpoint');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bw-checkpoint-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('collectionCheckpoint', () => {
  it('loads nothing at first, then the last saved position, and nothing after clear', async () => {
    const store = collectionCheckpoint(t.db, { id: 'import-users' });
    expect(await store.load()).toBeUndefined();
    await store.save(100);
    await store.save(250);
    expect(await store.load()).toBe(250);
    const document = await t.db
      .collection('bulkwright_checkpoints')
      .findOne({ _id: 'import-users' as never });
    expect(document).toMatchObject({ _id: 'import-users', position: 250, updatedAt: expect.any(Date) });
    await store.clear();
    expect(await store.load()).toBeUndefined();
  });

  it('keeps runs apart by id, in the collection asked for', async () => {
    const a = collectionCheckpoint(t.db, { collection: 'my_checkpoints', id: 'a' });
    const b = collectionCheckpoint(t.db, { collection: 'my_checkpoints', id: 'b' });
    await a.save(1);
    await b.save(2);
    expect([await a.load(), await b.load()]).toEqual([1, 2]);
    expect(await t.db.collection('my_checkpoints').countDocuments()).toBe(2);
  });

  it('saves from two writers of the same new checkpoint at once, the upsert that loses the race included', async () => {
    // Two processes on the same share, or a resumed run beside a live one: both upserts may insert,
    // and the second meets the first on `_id` (E11000). 40 pairs per kind, each on a new checkpoint.
    const pairs = <T>(make: (i: number) => () => Promise<T>) =>
      Promise.all(Array.from({ length: 40 }, (_, i) => Promise.all([make(i)(), make(i)()])));
    const share = (importId: string) =>
      shareCheckpoint(t.db, { importId, partition: { index: 0, count: 1 }, unit: 'records' });
    await pairs((i) => () => collectionCheckpoint(t.db, { id: `race-${i}` }).save(1));
    await pairs((i) => () => share(`race-save-${i}`).save(1));
    await pairs((i) => () => share(`race-clear-${i}`).clear({ written: 1, rejected: 0 }));
    await pairs((i) => () => share(`race-begin-${i}`).begin(false));
    const saved = await t.db.collection('bulkwright_checkpoints').countDocuments({ _id: /^race-/ as never });
    expect(saved).toBe(160);
  });

  it('rejects a bad id or position before touching the server', async () => {
    expect(() => collectionCheckpoint(t.db, { id: '' })).toThrow('Expected `id` to be a non-empty string');
    await expect(collectionCheckpoint(t.db, { id: 'x' }).save(-1)).rejects.toThrow(
      'Expected `position` to be a non-negative integer, got -1 (number)',
    );
  });
});

describe('fileCheckpoint', () => {
  it('loads nothing at first, then the last saved position, and nothing after clear', async () => {
    const path = join(dir, 'runs', 'users.checkpoint.json');
    const store = fileCheckpoint(path);
    expect(await store.load()).toBeUndefined();
    await store.save(10);
    await store.save(20);
    expect(await store.load()).toBe(20);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ position: 20, updatedAt: expect.any(String) });
    await store.clear();
    expect(await store.load()).toBeUndefined();
    await store.clear();
  });

  it('lands concurrent saves in call order and leaves no temp files', async () => {
    const path = join(dir, 'concurrent.json');
    const store = fileCheckpoint(path);
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.save(i + 1)));
    expect(await fileCheckpoint(path).load()).toBe(50);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a file that does not hold a checkpoint rather than guess', async () => {
    const path = join(dir, 'garbage.json');
    await writeFile(path, '{"posit');
    await expect(fileCheckpoint(path).load()).rejects.toThrow('does not hold a checkpoint');
  });
});
