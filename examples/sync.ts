/**
 * Sync a collection with an external list (a CRM export, a price list…): create what is new,
 * update what changed, leave what is unchanged, delete what disappeared — in one bulkWrite whose
 * report says exactly what happened to each entry.
 * Run: MONGODB_URI=mongodb://localhost:27017 npm run example examples/sync.ts
 */
import { isDeepStrictEqual } from 'node:util';
import { bulkWrite, defineModel, type WriteOp } from 'bulkwright';
import { MongoClient } from 'mongodb';
import { z } from 'zod';

const client = await MongoClient.connect(process.env.MONGODB_URI ?? 'mongodb://localhost:27017');
const db = client.db('bulkwright_sync');

const productSchema = z.object({ sku: z.string(), name: z.string(), price: z.number().nonnegative() });
type Product = z.infer<typeof productSchema>;
const Product = defineModel({
  db,
  collection: 'products',
  schema: productSchema,
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
const external: unknown[] = [
  { sku: 'A1', name: 'Anvil', price: 100 },
  { sku: 'B2', name: 'Bucket', price: 6 },
  { sku: 'D4', name: 'Drill', price: 80 },
  { sku: 'E5', name: 'Eraser', price: -1 },
];

const current = new Map(
  (await Product.collection().find({ deletedAt: null }).toArray()).map((p) => [p.sku, p] as const),
);
const seen = new Set<string>();
const ops: WriteOp<Product, Product>[] = [];
const what: string[] = [];
let unchanged = 0;
for (const entry of external) {
  const item = entry as Product;
  seen.add(item.sku);
  const existing = current.get(item.sku);
  if (!existing) {
    ops.push({ insertOne: { document: item } });
    what.push(`create ${item.sku}`);
  } else if (
    !isDeepStrictEqual({ name: existing.name, price: existing.price }, { name: item.name, price: item.price })
  ) {
    ops.push({
      updateOne: { filter: { sku: item.sku }, update: { $set: { name: item.name, price: item.price } } },
    });
    what.push(`update ${item.sku}`);
  } else {
    unchanged++;
  }
}
for (const sku of current.keys()) {
  if (seen.has(sku)) continue;
  // A soft-delete model: the delete sets `deletedAt` (an update, so it counts as modified).
  ops.push({ deleteOne: { filter: { sku } } });
  what.push(`delete ${sku}`);
}

const report = await bulkWrite(Product, ops, { ordered: false });
const failed = new Map(report.failures.map((f) => [f.index, f]));
what.forEach((action, i) => {
  const f = failed.get(i);
  console.log(`${action}: ${f ? `FAILED (${f.kind}: ${f.message})` : 'ok'}`);
});
console.log(`unchanged: ${unchanged}`);
console.log(
  `created ${report.insertedCount}, updated/deleted ${report.modifiedCount}, failed ${report.failures.length}`,
);
await client.close();
if (report.insertedCount !== 1 || report.modifiedCount !== 2 || report.failures.length !== 1)
  process.exitCode = 1;
