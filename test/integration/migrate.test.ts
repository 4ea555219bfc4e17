/**
 * migrate and rollback on the real server. Scale: 300 documents, batches of 30 (FerretDB scans the
 * collection for every update op and stalls on update commands of 100+ ops).
 */
import { describe, expect, it } from 'vitest';
import { defineModel, migrate, rollback } from '../../src/index.js';
import { itemModel, itemSchema, items, transformItem } from '../fixtures/migration.js';
import { useTestDb } from '../support/db.js';

const t = useTestDb('migrate');
const count = 300;
const batchSize = 30;

async function seeded(name: string, n = count) {
  const model = itemModel(t.db, name);
  await model.collection().insertMany(items(n));
  return model;
}
const snapshot = (name: string) =>
  t.db.collection<{ _id: number; n: number; label: string }>(name).find().sort({ _id: 1 }).toArray();

/** What the fixture's transform does to the seed, computed without the library. */
function expected(n = count) {
  return items(n).flatMap((doc) => {
    const i = doc._id;
    if (i % 7 === 0) return [];
    if (i % 5 === 0) return [{ _id: i, label: doc.label.toUpperCase(), n: doc.n * 10 }];
    if (i % 3 === 0) return [doc];
    return [{ _id: i, label: `${doc.label}!`, n: doc.n + 1 }];
  });
}

describe('migrate', () => {
  it('applies updates, replacements and deletes page by page and reports each kind', async () => {
    const model = await seeded('apply');
    const report = await migrate(model, { transform: transformItem, batchSize });
    expect(report.ok).toBe(true);
    expect(report.scanned).toBe(count);
    const deletes = expected().length;
    expect(report.deletedCount).toBe(count - deletes);
    expect(report.unchangedCount).toBe(
      items(count).filter((d) => d._id % 7 && d._id % 5 && d._id % 3 === 0).length,
    );
    expect(report.stats.batches).toBe(count / batchSize);
    expect(await snapshot('apply')).toEqual(expected());
  });

  it('reports an invalid result or a throwing transform at that document and writes the rest', async () => {
    const model = await seeded('invalid', 30);
    const report = await migrate(model, {
      batchSize: 10,
      transform: (doc) => {
        if (doc._id === 4) return { $set: { n: 'four' as unknown as number } };
        if (doc._id === 17) throw new Error('cannot handle 17');
        if (doc._id === 22) return { rename: true } as never;
        return { $inc: { n: 100 } };
      },
    });
    expect(report.failures.map((f) => [f.index, f.kind, f.code])).toEqual([
      [4, 'validation', 'BW_VALIDATION'],
      [17, 'hook', 'BW_TRANSFORM'],
      [22, 'validation', 'BW_VALIDATION'],
    ]);
    expect(report.failures[0]!.message).toContain('update.$set.n');
    expect(report.matchedCount).toBe(27);
    const docs = await snapshot('invalid');
    expect(docs.filter((d) => d.n >= 100).length).toBe(27);
    expect(docs.find((d) => d._id === 4)!.n).toBe(4);
  });

  it('dryRun counts each kind of change and samples before/after without writing', async () => {
    const model = await seeded('dry', 40);
    const before = await snapshot('dry');
    const report = await migrate(model, {
      transform: transformItem,
      batchSize: 15,
      dryRun: true,
      sampleSize: 3,
    });
    expect(await snapshot('dry')).toEqual(before);
    const all = items(40);
    expect(report.dryRun!.deletes).toBe(all.filter((d) => d._id % 7 === 0).length);
    expect(report.dryRun!.replacements).toBe(all.filter((d) => d._id % 7 && d._id % 5 === 0).length);
    const [deleted, updated, replacedLater] = report.dryRun!.sample;
    expect([deleted!._id, deleted!.after]).toEqual([0, null]);
    // $inc: only the server can tell the result, so no `after`; the op is there.
    expect([updated!._id, updated!.after, updated!.op]).toEqual([
      1,
      undefined,
      {
        updateOne: {
          filter: { _id: 1 },
          update: { $set: { label: 'item-1!' }, $inc: { n: 1 }, $unset: { tag: '' } },
        },
      },
    ]);
    expect(replacedLater!._id).toBe(2);
  });

  it('filter and pipeline select the documents it reads', async () => {
    const model = await seeded('select', 50);
    const byFilter = await migrate(model, {
      filter: { n: { $lt: 10 } },
      transform: () => ({ $set: { label: 'f' } }),
      batchSize: 4,
    });
    expect(byFilter.scanned).toBe(10);
    const byPipeline = await migrate(model, {
      pipeline: [{ $match: { n: { $gte: 45 } } }],
      transform: () => ({ $set: { label: 'p' } }),
      batchSize: 4,
    });
    expect(byPipeline.scanned).toBe(5);
    const labels = (await snapshot('select')).map((d) => d.label);
    expect(labels.filter((l) => l === 'f').length).toBe(10);
    expect(labels.filter((l) => l === 'p').length).toBe(5);
  });
});

describe('rollback', () => {
  it('restores the collection to the original, document for document', async () => {
    const model = await seeded('roundtrip');
    const original = await snapshot('roundtrip');
    const migrated = await migrate(model, {
      id: 'roundtrip',
      transform: transformItem,
      backup: true,
      batchSize,
    });
    expect(migrated.ok).toBe(true);
    expect(await snapshot('roundtrip')).toEqual(expected());
    const report = await rollback(model, 'roundtrip', { batchSize });
    expect(report.ok).toBe(true);
    expect(report.backupRemoved).toBe(true);
    expect(await snapshot('roundtrip')).toEqual(original);
    // The checkpoint went with the backup: the migration can run again from the start.
    const again = await migrate(model, {
      id: 'roundtrip',
      transform: transformItem,
      backup: true,
      batchSize,
    });
    expect(again.scanned).toBe(count);
    expect(await snapshot('roundtrip')).toEqual(expected());
  });

  it('refuses a document changed since by someone else, unless force', async () => {
    const model = await seeded('conflict', 30);
    const original = await snapshot('conflict');
    await migrate(model, { id: 'conflict', transform: transformItem, backup: true, batchSize: 10 });
    await model.collection().updateOne({ _id: 1 }, { $set: { label: 'edited by a user' } });
    const refused = await rollback(model, 'conflict', { batchSize: 10 });
    expect(refused.failures.map((f) => [f.index, f.kind, f.code])).toEqual([
      [1, 'conflict', 'BW_ROLLBACK_CONFLICT'],
    ]);
    expect(refused.backupRemoved).toBe(false);
    expect((await model.collection().findOne({ _id: 1 }))!.label).toBe('edited by a user');
    const forced = await rollback(model, 'conflict', { force: true });
    expect(forced.ok).toBe(true);
    expect(forced.scanned).toBe(1); // the others were marked restored by the first run
    expect(await snapshot('conflict')).toEqual(original);
  });

  it('a rerun after the checkpoint is lost changes nothing twice (the backup says what is done)', async () => {
    const model = await seeded('lost_checkpoint', 60);
    await migrate(model, { id: 'lost', transform: transformItem, backup: true, batchSize: 20 });
    // As if killed after the writes but before any checkpoint was saved.
    await t.db.collection('bulkwright_migrations').deleteOne({ _id: 'lost' as never });
    const rerun = await migrate(model, { id: 'lost', transform: transformItem, backup: true, batchSize: 20 });
    expect(rerun.matchedCount + rerun.deletedCount).toBe(0);
    expect(rerun.alreadyAppliedCount).toBe(
      items(60).filter((d) => d._id % 7 && (d._id % 5 === 0 || d._id % 3)).length,
    );
    expect(await snapshot('lost_checkpoint')).toEqual(expected(60));
  });

  it('restores exactly on a model with timestamps and soft delete (updatedAt and deletedAt are backed up too)', async () => {
    const model = defineModel({
      db: t.db,
      collection: 'stamped',
      schema: itemSchema,
      timestamps: true,
      softDelete: true,
    });
    const at = new Date('2020-01-01T00:00:00Z');
    await model.collection().insertMany(items(20).map((d) => ({ ...d, createdAt: at, updatedAt: at })));
    const original = await snapshot('stamped');
    const report = await migrate(model, {
      id: 'stamped',
      backup: true,
      batchSize: 8,
      transform: (doc) => (doc._id % 4 === 0 ? { delete: true } : { $set: { label: 'x' } }),
    });
    expect(report.ok).toBe(true);
    const migrated = await t.db
      .collection('stamped')
      .find({ deletedAt: { $ne: null } })
      .toArray();
    expect(migrated).toHaveLength(5); // soft-deleted, not removed
    expect((await snapshot('stamped')).every((d) => (d as { updatedAt?: Date }).updatedAt! > at)).toBe(true);
    expect((await rollback(model, 'stamped')).ok).toBe(true);
    expect(await snapshot('stamped')).toEqual(original);
  });

  it('throws BW_NO_BACKUP for a migration without a backup', async () => {
    const model = await seeded('nobackup', 3);
    await expect(rollback(model, 'never-ran')).rejects.toMatchObject({ code: 'BW_NO_BACKUP' });
  });
});
