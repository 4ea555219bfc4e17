/**
 * Run as a child (`node --expose-gc --import tsx`): imports an NDJSON file with streamInsert and
 * prints the peak heap measured after a forced GC (live memory, not garbage) and the peak RSS.
 * Usage: memory-probe.ts <uri> <db> <collection> <file>
 */
import { MongoClient } from 'mongodb';
import { streamInsert } from '../../src/index.js';
import { looseModel } from '../../src/model/define-model.js';

const [uri, dbName, collection, file] = process.argv.slice(2) as [string, string, string, string];
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const client = await MongoClient.connect(uri);
const model = looseModel(collection, client.db(dbName));
let peakHeap = 0;
let peakRss = 0;
let batches = 0;
const run = streamInsert(model, file, { batchSize: 1000, concurrency: 4 });
let next = await run.next();
while (!next.done) {
  if (++batches % 10 === 0) {
    gc();
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  next = await run.next();
}
await client.close();
console.log(JSON.stringify({ written: next.value.written, peakHeap, peakRss, batches }));
