/**
 * A migration: transform every document of one collection into another with bulkWrite, reading
 * in pages so memory stays flat, and stopping with an exact report if anything fails.
 * Here: `legacy_customers` (name as one string, flat address) → `customers` (typed, nested).
 * Run: MONGODB_URI=mongodb://localhost:27017 npm run example examples/migration.ts
 */

import { type BulkReport, bulkWrite, defineModel } from 'bulkwright';
import { MongoClient, type ObjectId } from 'mongodb';
import { z } from 'zod';

const client = await MongoClient.connect(process.env.MONGODB_URI ?? 'mongodb://localhost:27017');
const db = client.db('bulkwright_migration');

interface LegacyCustomer {
  _id: ObjectId;
  fullName: string;
  city: string;
  country: string;
  vip?: 'Y' | 'N';
}

const Customer = defineModel({
  db,
  collection: 'customers',
  schema: z.object({
    _id: z.custom<ObjectId>(),
    firstName: z.string().min(1),
    lastName: z.string().min(1),
    address: z.object({ city: z.string(), country: z.string().length(2) }),
    tier: z.enum(['standard', 'vip']),
  }),
});

// Seed the legacy data (a real migration would already have it), including one bad row.
const legacy = db.collection<LegacyCustomer>('legacy_customers');
await legacy.drop().catch(() => {});
await Customer.collection()
  .drop()
  .catch(() => {});
await legacy.insertMany(
  Array.from({ length: 2500 }, (_, i) => ({
    fullName: i === 1234 ? 'Mononym' : `First${i} Last${i}`,
    city: 'Lyon',
    country: 'FR',
    vip: i % 10 === 0 ? 'Y' : 'N',
  })) as LegacyCustomer[],
);

const pageSize = 1000;
let lastId: ObjectId | undefined;
const totals = { read: 0, written: 0, failed: 0 };
for (;;) {
  const page = await legacy
    .find(lastId ? { _id: { $gt: lastId } } : {})
    .sort({ _id: 1 })
    .limit(pageSize)
    .toArray();
  if (page.length === 0) break;
  lastId = page.at(-1)!._id;
  const ops = page.map((old) => {
    const [firstName = '', ...rest] = old.fullName.split(' ');
    return {
      // Keyed by the legacy _id: rerunning the migration replaces instead of duplicating.
      replaceOne: {
        filter: { _id: old._id },
        replacement: {
          _id: old._id,
          firstName,
          lastName: rest.join(' '),
          address: { city: old.city, country: old.country },
          tier: old.vip === 'Y' ? ('vip' as const) : ('standard' as const),
        },
        upsert: true,
      },
    };
  });
  const report: BulkReport = await bulkWrite(Customer, ops, { ordered: false, retry: true });
  totals.read += page.length;
  totals.written += report.upsertedCount + report.matchedCount;
  totals.failed += report.failures.length;
  for (const f of report.failures) {
    const legacyId = page[f.index]!._id; // failure indices are positions in this page's ops
    console.log(`  legacy ${legacyId}: ${f.kind}: ${f.message}`);
  }
}

console.log(`migrated ${totals.written} of ${totals.read} customers, ${totals.failed} failed`);
await client.close();
if (totals.written !== 2499 || totals.failed !== 1) process.exitCode = 1;
