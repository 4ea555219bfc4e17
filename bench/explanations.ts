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
    'compare at the default batch size (the server’s maxWriteBatchSize), which this benchmark does not use. Oddly, ' +
    'validate:false costs more than validation on small documents (6.8 vs 5.8 µs/doc and 104 vs 63 MB added RSS, 3 runs ' +
    'each; `writeBuffer` 206 vs 108 ms per 50k docs in the profiles): the two paths differ only in `prepareInsertDoc`, ' +
    'so the copy path, or batches reaching the socket back to back when nothing paces them, is where to look.',
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
    'Within the noise of this shared machine (single runs vary by ±30%): mongoimport’s Go client spends more CPU per ' +
    'document than the Node driver (1.2x on medium documents, 3x on small ones), but overlaps parsing and sending ' +
    'across 4 goroutines and starts in 15 ms; on this server the difference in wall time is within the run-to-run noise.',
  'throughput-mongoimport/stream-1m':
    'The library’s. Two causes. (1) The checkpoint: by default the CLI records its position in a collection after every ' +
    'batch (src/stream/checkpoint.ts `save`, an update that FerretDB serialises with the inserts). A/B on 100,000 records, ' +
    'same server: 9.5–16.6 s wall with the checkpoint, 6.2–11.5 s with `--no-checkpoint` (the plain loop: 6.7–7.3 s), and ' +
    '~0.35 s less CPU. (2) Client CPU: about twice the plain loop’s per record. A profile of 50,000 records (1.28 s CPU ' +
    'against 0.69 s; `JSON.parse` costs the same in both): `positionId` in src/stream/record-op.ts, a SHA-1 per record for ' +
    'the deterministic `_id` (125 ms; since changed in c514ecb to hash the source name once); the bulk path and its GC (GC 289 vs 111 ms; driver frames 437 vs 99 ms: ' +
    '`{ insertOne }` wrappers, 4 concurrent chunks, the checkpoint writes); the loose model’s Zod pass (`handleCatchall`, ' +
    '33 ms) although it checks nothing; and loading cli-progress even with `--quiet` (src/cli/progress.ts module body, ' +
    '81 ms). On 2 cores shared with the server, client CPU is taken from the server. mongoimport -j 4 overlaps parsing ' +
    'and inserting across goroutines and keeps no checkpoint.',
  'stream-flat/stream-1m→stream-3m':
    'Not located yet, and from one run only. 1M → 3M adds ~24 MB (~12 bytes per record), where the plain loop adds 4 MB: ' +
    'either V8 letting the heap grow over a longer run, or something kept per record or per batch for the whole run ' +
    '(candidates: per-batch report state in src/report/report-builder.ts, e.g. `batchTimings`, and the progress ' +
    'bookkeeping in src/stream/stream-insert.ts). Next step: heap after a forced GC at 1M and 3M (`--expose-gc` + ' +
    '`process.memoryUsage()`, or a heap snapshot diff), which this benchmark cannot read from the CLI process.',
  'stream-rss':
    'The library’s: 4 batches of 1,000 in flight, each record keeping its raw text (see the flatness entry); with ' +
    '`--concurrency 1` the CLI peaks at ~122 MB on 100,000 records instead of ~177 MB. The plain loop: ~100–115 MB.',
  'stream-flat':
    'Partly the runtime’s, partly the library’s. V8 grows its heap with the load even for a loop that keeps nothing (the ' +
    'plain loop grows too), which is why flatness is judged from 1M to 3M as well. What is the library’s: each record ' +
    'keeps its raw NDJSON text (`SourceRecord.raw`, src/stream/sources/ndjson.ts) for the dead-letter file while its batch ' +
    'is in flight, 4 batches of 1,000 are in flight plus the one being filled, and `positionId` (src/stream/record-op.ts) ' +
    'makes every `_id` from a SHA-1 digest: one `createHash` and one 20-byte digest Buffer per record, ~2.5 µs of CPU and a ' +
    'small off-heap allocation per document.',
};
