// The plain baseline for streaming imports: readline, JSON.parse, insertMany per 1,000, one batch
// at a time, with the official driver and nothing else. Plain JavaScript, so no loader adds memory.
// Usage: node bench/plain-loop.mjs <file> <uri> <db> <collection> [batchSize]
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { MongoClient } from 'mongodb';

const [file, uri, dbName, collection, batchArg] = process.argv.slice(2);
const batchSize = Number(batchArg ?? 1000);
const client = await new MongoClient(uri).connect();
const coll = client.db(dbName).collection(collection);
let batch = [];
let inserted = 0;
for await (const line of createInterface({
  input: createReadStream(file),
  crlfDelay: Number.POSITIVE_INFINITY,
})) {
  if (line.trim() === '') continue;
  batch.push(JSON.parse(line));
  if (batch.length === batchSize) {
    inserted += (await coll.insertMany(batch, { ordered: false })).insertedCount;
    batch = [];
  }
}
if (batch.length > 0) inserted += (await coll.insertMany(batch, { ordered: false })).insertedCount;
await client.close();
process.stdout.write(`${JSON.stringify({ inserted })}\n`);
