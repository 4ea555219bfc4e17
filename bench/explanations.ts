/**
 * Why a target was missed, written by hand after reading the profiles (`node --cpu-prof`) of the run
 * in bench/results/. Keyed by target id, or `<target id>/<scenario>` for one scenario only.
 * docs/performance.md quotes the entry beside each missed target.
 */
export const EXPLANATIONS: Readonly<Record<string, string>> = {
  'cpu-novalidate':
    "The library's. Full run (1.36x): `prepareInsertDoc` (src/plan/prepare-insert.ts) copied every document with " +
    '`{ ...input }` and `finishInsertDoc` then added `new ObjectId()` to the copy, a second step that reshapes the ' +
    'object; that is why validate:false cost more than validation (6.8 vs 5.8 µs/doc, 104 vs 63 MB added RSS). Since ' +
    'fc356aa `shallowCopy` builds the copy in one allocation with `_id` first (~1.1–2.2 → ~0.6 µs/doc in a ' +
    'micro-benchmark), and after it validate:false costs less than validation, as it should (5.4 vs 6.0 µs/doc, 55 vs ' +
    '65 MB added RSS; target met at 1.05x, per-run ratios 0.98–1.15x). What is left is how it sends: with ' +
    '`batchSize: 1000, concurrency: 4` it makes 100 driver `bulkWrite` calls (src/execute/run-chunk.ts `runChunk`) where ' +
    'the raw driver sends one `insert` command of 100,000 (per call a bulk operation, a server selection, a socket ' +
    'write), plus the `{ insertOne: { document } }` wrappers (`insertOp`, src/plan/prepare.ts) and per-chunk report ' +
    'state. Next, if the margin matters: keep per-chunk report state to ranges rather than per-index objects, and ' +
    'compare at the default batch size (the server’s maxWriteBatchSize), which this benchmark does not use.',
  'cpu-zod':
    'Zod’s own cost (`runChecks` in zod/v4/core/schemas.js, the email regex) comes on top of the validate:false overhead ' +
    'above; see that entry for the part that is the library’s.',
  'throughput-raw':
    'The server’s, mostly: FerretDB-SQLite is the bottleneck (the client is idle 60–80% of the time in the profiles) and ' +
    'this machine was shared with other test runs (see the load average below), so single-run wall times vary by ±30%. ' +
    'Client CPU, which does not depend on the server, is the figure to act on.',
  'throughput-raw/insert-small':
    'Put down in the full run to the server and to this shared machine (the client is idle 60–80% of the time in the ' +
    'profiles; single-run wall times vary by ±30%). But the only change on this path since, the one-allocation copy ' +
    'of fc356aa (see the validate:false CPU entry), took it from 0.64x to 1.15x the raw driver in the re-run (37,384 ' +
    'vs 32,515 docs/s, 55 instead of 104 MB added RSS), so the copy and its GC were at least part of that gap.',
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
    'Full run (0.49x), the library’s, two causes, both fixed since: (1) the checkpoint was ' +
    'saved after every batch (src/stream/checkpoint.ts `save`, an update that FerretDB serialises with the inserts; A/B ' +
    'on 100,000 records: 9.5–16.6 s wall with it, 6.2–11.5 s with `--no-checkpoint`); since fc356aa it is saved at ' +
    'most once a second (`checkpointEveryMs`, src/stream/stream-insert.ts) and on stop. (2) `positionId` ' +
    '(src/stream/record-op.ts) took a SHA-1 per record for the derived `_id` (125 ms per 50,000 records); since c514ecb ' +
    'the source name is hashed once. After the fixes it is a tie, missed by the median’s last digits: the CLI runs at ' +
    'the plain loop’s and mongoimport -j 4’s speed ' +
    '(30,408 vs 30,558 docs/s = 1.00x, per-run ratios 0.88–1.15x, 3.2x faster than in the full run) and uses less ' +
    'client CPU than mongoimport (10.0 vs 17.0 µs/record). What is left is the library’s CPU, ~1.9x the plain loop’s ' +
    '(profile of the full run, not redone: the bulk path and its GC — `{ insertOne }` wrappers, 4 concurrent chunks; the ' +
    'loose model’s Zod pass, `handleCatchall`, 33 ms per 50,000 although it checks nothing; loading cli-progress even ' +
    'with `--quiet`, src/cli/progress.ts, 81 ms), which on 2 cores shared with the server is taken from the server.',
  'stream-flat/stream-1m→stream-3m':
    'Not located yet, and from one run only. 1M → 3M adds ~24 MB (~12 bytes per record), where the plain loop adds 4 MB: ' +
    'either V8 letting the heap grow over a longer run, or something kept per record or per batch for the whole run ' +
    '(candidates: per-batch report state in src/report/report-builder.ts, e.g. `batchTimings`, and the progress ' +
    'bookkeeping in src/stream/stream-insert.ts). In the re-run after the fixes it came out within the bar (170 → 182 MB, ' +
    '+7%, 3M again one run), but the three 1M runs alone span 169–189 MB, so neither run locates anything and no fix ' +
    'aimed at it. Next step: heap after a forced GC at 1M and 3M (`--expose-gc` + `process.memoryUsage()`, or a heap ' +
    'snapshot diff), which this benchmark cannot read from the CLI process.',
  'stream-rss':
    'The library’s: 4 batches of 1,000 in flight, each record keeping its raw text (see the flatness entry); with ' +
    '`--concurrency 1` the CLI peaks at ~122 MB on 100,000 records instead of ~177 MB. The plain loop: ~100–115 MB.',
  'stream-flat':
    'Partly the runtime’s, partly the library’s. V8 grows its heap with the load even for a loop that keeps nothing (the ' +
    'plain loop grows too), which is why flatness is judged from 1M to 3M as well. What is the library’s: each record ' +
    'keeps its raw NDJSON text (`SourceRecord.raw`, src/stream/sources/ndjson.ts) for the dead-letter file while its batch ' +
    'is in flight, and 4 batches of 1,000 are in flight plus the one being filled. (Until c514ecb `positionId`, ' +
    'src/stream/record-op.ts, also made every `_id` from a SHA-1 digest: one `createHash` and a digest Buffer per ' +
    'record; it now hashes the source name once and allocates only the 12 bytes of the id.)',
};

/**
 * What changed between the full run and the partial re-run shown in docs/performance.md under
 * “After the fixes” (bench/report.ts `--after`).
 */
export const AFTER_FIXES =
  'What changed since the full run, each found in its profiles: (1) fc356aa, `validate: false` copies a document in ' +
  'one allocation with `_id` first (src/plan/prepare-insert.ts `shallowCopy`) instead of a spread copy and then an ' +
  '`_id` added to it; (2) c514ecb, derived `_id`s hash the source name once instead of per record ' +
  '(src/stream/record-op.ts `positionId`); (3) fc356aa, the streaming checkpoint is saved at most once a second ' +
  '(`checkpointEveryMs`, default 1000, src/stream/stream-insert.ts) instead of after every batch. (1) is on the ' +
  'insert path, (2) and (3) on the streaming CLI’s, so the scenarios re-run are insert-small and the streaming ones; ' +
  'the CLI was compiled afresh from the current source into node_modules/.cache/bench-dist (emptied first). Commands: ' +
  '`npm run bench -- --runs 3 --only insert-small,stream-100k,stream-1m --no-docs`, then (time allowed it) ' +
  '`npm run bench -- --only stream-3m --no-docs` (one run, as in the full run), then ' +
  '`node --import tsx bench/report.ts <full run> --after <re-run> --after <stream-3m>` to write this page. The ' +
  '1M → 3M flatness check below compares the 1M median of the first re-run with the single 3M run of the second; ' +
  'the three 1M runs alone span 169–189 MB of peak RSS, so its “met” is not evidence that anything was fixed (no fix ' +
  'aimed at it).';
