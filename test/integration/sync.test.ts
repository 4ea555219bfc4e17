/** sync on the real server: what happens to each entry, at its own index, and what is deleted. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineModel, sync } from '../../src/index.js';
import { useTestDb } from '../support/db.js';

const t = useTestDb('sync');
const schema = z.object({
  sku: z.string(),
  region: z.string(),
  name: z.string(),
  price: z.number().nonnegative(),
});

async function products(name: string, softDelete = false) {
  const model = defineModel({
    db: t.db,
    collection: name,
    schema,
    softDelete,
    indexes: [
      { key: { sku: 1, region: 1 }, unique: true },
      { key: { name: 1 }, unique: true },
    ],
  });
  await model.ensureIndexes();
  await model.collection().insertMany([
    { sku: 'A', region: 'eu', name: 'Anvil', price: 100 },
    { sku: 'B', region: 'eu', name: 'Bucket', price: 5 },
    { sku: 'C', region: 'eu', name: 'Crate', price: 12 },
    { sku: 'C', region: 'us', name: 'Crate US', price: 13 },
  ]);
  return model;
}
const p = (sku: string, name: string, price: number, region = 'eu') => ({ sku, region, name, price });
const stored = (name: string) =>
  t.db
    .collection(name)
    .find({}, { projection: { _id: 0 } })
    .sort({ sku: 1, region: 1 })
    .toArray();

describe('sync', () => {
  it('creates, updates, leaves unchanged and deletes, and says which at each index', async () => {
    const model = await products('plain');
    const list = [
      p('A', 'Anvil', 100),
      p('B', 'Bucket', 6),
      p('D', 'Drill', 80),
      p('E', 'Eraser', -1),
      p('F', 'Anvil', 1),
    ];
    const report = await sync(model, list, { key: ['sku', 'region'], deleteMissing: true });
    expect(report.actions).toEqual(['unchanged', 'updated', 'created', 'failed', 'failed']);
    expect(report.failures.map((f) => [f.index, f.kind])).toEqual([
      [3, 'validation'],
      [4, 'duplicateKey'], // the unique name index: the server's error, at the entry's index
    ]);
    expect(report.deletedCount).toBe(2);
    expect(report.deletedIds).toHaveLength(2);
    expect(await stored('plain')).toEqual([p('A', 'Anvil', 100), p('B', 'Bucket', 6), p('D', 'Drill', 80)]);
  });

  it('without deleteMissing leaves other documents alone; scope limits what deleteMissing covers', async () => {
    const model = await products('scoped');
    const kept = await sync(model, [p('A', 'Anvil', 1)], { key: ['sku', 'region'] });
    expect([kept.actions, kept.deletedCount]).toEqual([['updated'], 0]);
    const scoped = await sync(model, [p('A', 'Anvil', 1)], {
      key: ['sku', 'region'],
      deleteMissing: true,
      scope: { region: 'us' },
    });
    expect(scoped.actions).toEqual(['unchanged']);
    expect((await stored('scoped')).map((d) => `${d.sku}/${d.region}`)).toEqual(['A/eu', 'B/eu', 'C/eu']);
  });

  it('soft-deletes on a soft-delete model, and an entry naming a soft-deleted document revives it', async () => {
    const model = await products('soft', true);
    const first = await sync(model, [p('A', 'Anvil', 100)], { key: ['sku', 'region'], deleteMissing: true });
    expect(first.deletedCount).toBe(3);
    expect(await model.collection().countDocuments({ deletedAt: null })).toBe(1);
    const again = await sync(model, [p('A', 'Anvil', 100), p('B', 'Bucket', 5)], {
      key: ['sku', 'region'],
      deleteMissing: true,
    });
    expect(again.actions).toEqual(['unchanged', 'updated']);
    expect(again.deletedCount).toBe(0); // already deleted: not deleted twice
    expect((await t.db.collection('soft').findOne({ sku: 'B' }))?.deletedAt).toBeNull();
    const hard = await sync(model, [], { key: ['sku', 'region'], deleteMissing: true, softDelete: false });
    expect(hard.deletedCount).toBe(2);
    expect(await model.collection().countDocuments({})).toBe(2); // the two soft-deleted ones stay
  });

  it('a key named twice in the list fails the second entry; compare decides what is unchanged', async () => {
    const model = await products('dupes');
    const report = await sync(model, [p('A', 'Anvil', 1), p('A', 'Anvil', 2)], {
      key: ['sku', 'region'],
      compare: (s, e) => s.name === e.name, // prices do not count
    });
    expect(report.actions).toEqual(['unchanged', 'failed']);
    expect(report.failures.map((f) => [f.index, f.code])).toEqual([[1, 'BW_DUPLICATE_ENTRY']]);
  });

  it('checks its options before any I/O', async () => {
    const model = await products('options');
    await expect(sync(model, [], { key: [] as never })).rejects.toThrow('Expected `key` to be');
    await expect(sync(model, [], { key: 'sku', softDelete: true })).rejects.toThrow('Expected `softDelete`');
  });
});
