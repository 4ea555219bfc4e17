/**
 * Sync a collection with an external list (a CRM export, a price list…): `sync` creates what is
 * new, updates what changed, leaves what is unchanged and deletes what disappeared — in one bulk
 * write whose report says exactly what happened to each entry.
 * Run: MONGODB_URI=mongodb://localhost:27017 npm run example examples/sync.ts
 */
import { defineModel, sync } from 'bulkwright';
import { MongoClient } from 'mongodb';
import { z } from 'zod';

const client = await MongoClient.connect(process.env.MONGODB_URI ?? 'mongodb://localhost:27017');
const db = client.db('bulkwright_sync');

const Product = defineModel({
  db,
  collection: 'products',
  schema: z.object({ sku: z.string(), name: z.string(), price: z.number().nonnegative() }),
  indexes: [{ key: { sku: 1 }, unique: true }],
  softDelete: true,
});
await Product.collection()
  .drop()
  .catch(() => {});
await Product.ensureIndexes();
await Product.collection().insertMany([
  { sku: 'A1', name: 'Anvil', price: 100 },
  { sku: 'B2', name: 'Bucket', price: 5 },
  { sku: 'C3', name: 'Crate', price: 12 },
]);

// The external list: A1 unchanged, B2 repriced, C3 gone, D4 new, E5 invalid.
const external = [
  { sku: 'A1', name: 'Anvil', price: 100 },
  { sku: 'B2', name: 'Bucket', price: 6 },
  { sku: 'D4', name: 'Drill', price: 80 },
  { sku: 'E5', name: 'Eraser', price: -1 },
];

// A soft-delete model: C3 gets `deletedAt` instead of being removed.
const report = await sync(Product, external, { key: 'sku', deleteMissing: true });
report.actions.forEach((action, i) => {
  const failure = report.failures.find((f) => f.index === i);
  console.log(`${external[i]!.sku}: ${action}${failure ? ` (${failure.kind}: ${failure.message})` : ''}`);
});
console.log(
  `created ${report.createdCount}, updated ${report.updatedCount}, unchanged ${report.unchangedCount}, deleted ${report.deletedCount}, failed ${report.failures.length}`,
);
await client.close();
const expected = ['unchanged', 'updated', 'created', 'failed'];
if (report.actions.join() !== expected.join() || report.deletedCount !== 1) process.exitCode = 1;
