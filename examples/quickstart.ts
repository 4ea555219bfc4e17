/**
 * The README's first example: a typed model, one bulk insert, one report.
 * Run: MONGODB_URI=mongodb://localhost:27017 npm run example examples/quickstart.ts
 */

import { bulkInsert, defineModel } from 'bulkwright';
import { MongoClient } from 'mongodb';
import { z } from 'zod';

const client = await MongoClient.connect(process.env.MONGODB_URI ?? 'mongodb://localhost:27017');
const db = client.db('bulkwright_quickstart');

const User = defineModel({
  db,
  collection: 'users',
  schema: z.object({
    email: z.email(),
    name: z.string().min(1),
    plan: z.enum(['free', 'pro']).default('free'),
  }),
  indexes: [{ key: { email: 1 }, unique: true }],
  timestamps: true,
});
await User.collection()
  .drop()
  .catch(() => {});
await User.ensureIndexes();

const report = await bulkInsert(
  User,
  [
    { email: 'ada@example.com', name: 'Ada' },
    { email: 'not-an-email', name: 'Bob' }, // invalid: reported at index 1, never sent
    { email: 'grace@example.com', name: 'Grace', plan: 'pro' },
    { email: 'ada@example.com', name: 'Ada again' }, // duplicate key: reported at index 3
  ],
  { ordered: false },
);

console.log(`inserted ${report.insertedCount} of ${report.total}`);
for (const f of report.failures) console.log(`  #${f.index} ${f.kind}: ${f.message}`);
// inserted 2 of 4
//   #1 validation: email: Invalid email address
//   #3 duplicateKey: E11000 duplicate key error …

await client.close();
if (report.insertedCount !== 2 || report.failures.length !== 2) process.exitCode = 1;
