/**
 * Why a target was missed, written by hand after reading the profiles (`node --cpu-prof`) of the run
 * in bench/results/. Keyed by target id, or `<target id>/<scenario>` for one scenario only.
 * docs/performance.md quotes the entry beside each missed target.
 */
export const EXPLANATIONS: Readonly<Record<string, string>> = {
  'cpu-novalidate':
    "The library's. Its own frames are small (~1 µs/doc: `prepareInsertDoc` in src/plan/prepare-insert.ts copies " +
    'every document with `{ ...input }` and `finishInsertDoc` adds `new ObjectId()`; `insertOp` in src/plan/prepare.ts ' +
    'wraps it in `{ insertOne: { document } }`). The rest is how it sends: with `batchSize: 1000, concurrency: 4` it makes ' +
    '100 driver `bulkWrite` calls (src/execute/run-chunk.ts `runChunk`) where the raw driver sends one `insert` command of ' +
    '100,000: per call the driver builds a bulk operation, selects a server and writes to the socket (`writeBuffer` 206 ms ' +
    'per 50k docs, invisible for the driver), and GC grows by half (514 vs 347 ms per 50k docs), from the copies, op ' +
    "wrappers and per-chunk report state. Fix on the library's side: do not copy when `validate: false` unless `_id` must " +
    'be added without mutating the input, and keep per-chunk report state to ranges rather than per-index objects; and ' +
    'compare at the default batch size (the server’s maxWriteBatchSize), which this benchmark does not use.',
  'cpu-zod':
    'Zod’s own cost (`runChecks` in zod/v4/core/schemas.js, the email regex) comes on top of the validate:false overhead ' +
    'above; see that entry for the part that is the library’s.',
  'throughput-raw':
    'The server’s, mostly: FerretDB-SQLite is the bottleneck (the client is idle 60–80% of the time in the profiles) and ' +
    'this machine was shared with other test runs (see the load average below), so single-run wall times vary by ±30%. ' +
    'Client CPU, which does not depend on the server, is the figure to act on.',
  'throughput-mongoose':
    'The server’s: Mongoose spends 10–15x the raw driver’s client CPU per document (hydrating, casting and validating ' +
    'every document), but FerretDB-SQLite caps every implementation at a few tens of thousands of small documents per ' +
    'second, so the gap in wall time is smaller than the gap in CPU. Against a faster server the CPU ratio is the one ' +
    'that shows.',
  'throughput-mongoimport':
    'mongoimport’s Go client spends 2–4x more CPU per document than the Node driver here, but overlaps parsing and sending ' +
    'across 4 goroutines and starts in 15 ms; on this server the difference in wall time is within the run-to-run noise.',
  'throughput-mongoimport/stream-1m':
    'The library’s CPU, on a machine where client and server share 2 cores. The CLI spends about twice the plain ' +
    'loop’s CPU per record (start-up included). A profile of 50,000 records (1.28 s CPU against 0.69 s for the loop; ' +
    '`JSON.parse` costs the same in both): `positionId` in src/stream/record-op.ts, a SHA-1 per record for the ' +
    'deterministic `_id` (125 ms); the bulk path and its GC (GC 289 vs 111 ms; driver frames 437 vs 99 ms, from ' +
    '`{ insertOne }` wrappers, 4 concurrent chunks and a checkpoint write after every batch, src/stream/checkpoint.ts ' +
    '`save`); the loose model’s Zod pass (`handleCatchall`, 33 ms) although it checks nothing; and loading cli-progress ' +
    'at start-up even with `--quiet` (src/cli/progress.js module body, 81 ms). mongoimport -j 4 overlaps parsing and ' +
    'inserting across goroutines.',
  'stream-rss':
    'The library’s: see the flatness entry. The plain loop imports the same file in about 100 MB.',
  'stream-flat':
    'Partly the runtime’s, partly the library’s. V8 grows its heap with the load even for a loop that keeps nothing (the ' +
    'plain loop grows too), which is why flatness is judged from 1M to 3M as well. What is the library’s: each record ' +
    'keeps its raw NDJSON text (`SourceRecord.raw`, src/stream/sources/ndjson.ts) for the dead-letter file while its batch ' +
    'is in flight, 4 batches of 1,000 are in flight plus the one being filled, and `positionId` (src/stream/record-op.ts) ' +
    'makes every `_id` from a SHA-1 digest: one `createHash` and one 20-byte digest Buffer per record, ~2.5 µs of CPU and a ' +
    'small off-heap allocation per document.',
};
