/**
 * A migrate-mongo migration whose `up` and `down` are bulkwright's `migrate` and `rollback`:
 * `up` splits each customer's `fullName` into `firstName`/`lastName` (validated by the model,
 * backed up, resumable, throttled); `down` restores exactly what `up` changed.
 *
 * In a migrate-mongo project this object is the default export of `migrations/<date>-split-names.js`
 * (migrate-mongo calls `up(db, client)` / `down(db, client)`). So that this file runs on its own,
 * the bottom half plays migrate-mongo's part: seed, `up`, check, `down`, check.
 * Run: MONGODB_URI=mongodb://localhost:27017 npm run example examples/migrate-mongo.ts
 */
import { isDeepStrictEqual } from 'node:util';
import { defineModel, migrate, rollback } from 'bulkwright';
import { type Db, MongoClient } from 'mongodb';
import { z } from 'zod';

const Customer = defineModel({
  collection: 'customers',
  schema: z.object({
    _id: z.number().int(),
    fullName: z.string().optional(), // the old shape, removed by `up`
    firstName: z.string().min(1).optional(),
    lastName: z.string().optional(),
    email: z.email(),
  }),
});
const migrationId = '20261127-split-names';

export const splitNames = {
  async up(db: Db) {
    const report = await migrate(Customer.bind(db), {
      id: migrationId, // names the backup and the checkpoint: rerunning `up` after a crash resumes
      filter: { fullName: { $exists: true } },
      backup: true,
      batchSize: 50, // documents read, and ops written, per batch
      maxOpsPerSecond: 5000, // beside production traffic
      transform: (doc) => {
        const [firstName = '', ...rest] = (doc.fullName ?? '').trim().split(/\s+/);
        return { $set: { firstName, lastName: rest.join(' ') }, $unset: { fullName: '' } };
      },
    });
    for (const f of report.failures) console.log(`  customer #${f.index}: ${f.kind}: ${f.message}`);
    console.log(`up: ${report.matchedCount} changed, ${report.failures.length} failed of ${report.scanned}`);
    return report;
  },
  async down(db: Db) {
    const report = await rollback(Customer.bind(db), migrationId, { batchSize: 50 });
    console.log(`down: ${report.matchedCount} restored, ${report.failures.length} refused`);
    return report;
  },
};

// --- What `migrate-mongo up` and `migrate-mongo down` would do with it ---
const client = await MongoClient.connect(process.env.MONGODB_URI ?? 'mongodb://localhost:27017');
const db = client.db('bulkwright_migrate_mongo');
await db.dropDatabase();
const customers = db.collection<{ _id: number; fullName?: string; firstName?: string; email: string }>(
  'customers',
);
await customers.insertMany(
  Array.from({ length: 300 }, (_, i) => ({
    _id: i,
    fullName: i === 7 ? '   ' : `First${i} Last${i}`, // #7 has no name: firstName '' fails `min(1)`
    email: `c${i}@example.com`,
  })),
);
const before = await customers.find().sort({ _id: 1 }).toArray();

const up = await splitNames.up(db);
const after = await customers.findOne({ _id: 1 });
const down = await splitNames.down(db);
const restored = await customers.find().sort({ _id: 1 }).toArray();
await client.close();

const ok =
  up.matchedCount === 299 &&
  up.failures.length === 1 &&
  up.failures[0]!.index === 7 &&
  after?.firstName === 'First1' &&
  after.fullName === undefined &&
  down.ok &&
  isDeepStrictEqual(restored, before);
console.log(ok ? 'down restored the collection exactly' : 'unexpected result');
if (!ok) process.exitCode = 1;
