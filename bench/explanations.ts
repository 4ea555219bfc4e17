/**
 * Why a bar was missed, written by hand after reading profiles (`node --cpu-prof`). Keyed by target
 * id, or `<target id>/<scenario>` for one scenario only; docs/performance.md quotes the entry beside
 * each missed bar. No figures here: every figure on the page comes from the stored result it is
 * generated from, so an explanation names causes and the code they are in, never numbers.
 */
export const EXPLANATIONS: Readonly<Record<string, string>> = {
  'stream-cpu':
    'What the profiles of the CLI show on top of the plain loop’s work (JSON.parse, the driver’s bulk write, BSON): ' +
    'garbage collection of the records of the batches in flight (the GC trace in “What each change bought” below: ' +
    'more pause time and more bytes promoted than the plain loop), the per-record steps of the importer ' +
    '(src/stream/record-op.ts: the derived `_id`, the item), and the CLI’s start-up, a fixed cost that weighs less ' +
    'the larger the file. Client CPU per record also grows with the batches in flight: compare the `--concurrency 1` ' +
    'row, which sends one batch at a time as the plain loop does, with the default (2).',
  'stream-rss':
    'Measured three ways: RSS at the exit of a 20-record import (start-up), V8’s heap spaces at the peak of a ' +
    '1M-record import (sampled every 50 ms), and the GC trace (`--trace-gc`). Two parts are left. Start-up: the CLI ' +
    'loads its own ES modules (about a hundred, one capability per file), commander and p-map on top of the driver, ' +
    'which is all the plain loop loads, and Node 20 keeps about 50 KB of RSS per ES module (a hundred empty modules, ' +
    'measured). A single bundled bin (esbuild, split so that lazy commands stay lazy) took about 3 MB off start-up ' +
    'but only 1–2 MB off the 1M peak in three runs each, so it is not shipped. Old generation: at its peak the CLI’s ' +
    'old space holds more than the plain loop’s, records promoted while their batch was in flight and not yet ' +
    'collected, and its peak moves from run to run with when V8 runs a major collection (see the spread), which ' +
    'the plain loop gets every few seconds. The `--concurrency 1` row, one batch in flight, is no lower. What it ' +
    'would take: fewer records promoted, or a major collection on a schedule, which Node gives a program only ' +
    'behind `--expose-gc`.',
  'stream-flat':
    'The old generation again (see the RSS entry above): over a longer run V8 lets more promoted garbage build up ' +
    'before a major collection, for the plain loop too (its own growth is in the same row). Anything the library ' +
    'kept per record would grow with the file ten times over; the stream keeps per-batch state only until the ' +
    'batch settles (test/integration/stream-memory.test.ts).',
  'stream-throughput':
    'On 2 cores shared with FerretDB the server is the bottleneck: the client is idle most of the time in the profiles, ' +
    'and client CPU taken by the importer is CPU the server does not get. See the client-CPU bar.',
  resume:
    'The replay window is bounded by the checkpoint interval (`checkpointEveryMs`, default 1,000 ms of acknowledged ' +
    'batches) plus the batches in flight; each replayed batch costs one insert that fails per record with a duplicate ' +
    'key. Where the reply does not say which index collided and the collection has another unique index, the inserter ' +
    'looks the `_id`s up, a collection scan on FerretDB (src/stream/replayed-inserts.ts).',
  'insert-cpu-bulkwright-novalidate':
    'Part of it is the batching: the raw driver sent in the same batches (`insertMany` per 1,000, 4 in flight: its ' +
    'row in the table, and the measured column here) costs more than one `insertMany` of the whole array, which the ' +
    'driver sends as one command. In CPU profiles of the measured call alone (a fresh process, as the benchmark ' +
    'runs it), the batched driver’s main thread is busy much longer than the single call’s, spread over its ' +
    'serialization and socket writes, and bulkwright’s main thread only a little longer than the batched ' +
    'driver’s: its planning (src/plan/prepare.ts: a copy of each caller document with its `_id` first, since the ' +
    'library never changes its caller’s objects) and a report and a deadline per batch ' +
    '(src/report/report-builder.ts, src/execute/run-chunk.ts). The rest of the gap is process CPU off the main ' +
    'thread, which the bar counts and the profile does not see (in V8, the collector’s helper threads and the ' +
    'optimizing compiler), and it moves from run to run (see the spread). What it would take: fewer live copies ' +
    'per call (planning and sending chunk by chunk, so that a chunk’s copies die young, with one report over the ' +
    'call); at batches of 1,000 the driver’s own batching already uses most of the bar. bulkwright’s default batch ' +
    'size (the server’s `maxWriteBatchSize`) sends these documents as one command, as `insertMany` does. Medium ' +
    'documents meet the bar.',
  'insert-cpu-bulkwright':
    'Zod’s own parse (src/plan/validate.ts) on top of what the validate:false entry lists.',
};

/** What each commit of bench/profile-steps.ts changed (docs/performance.md, "What each change bought"). */
export const STEP_CHANGES: Readonly<Record<string, string>> = {
  'plain-loop': 'the baseline: readline, `JSON.parse`, `insertMany` per 1,000, nothing else',
  before:
    'the importer as the previous full run measured it: an async-generator step per record in the NDJSON reader, ' +
    'another in the share reader (with a line-start table), a copy of each parsed record, an item plus a planned-op ' +
    'wrapper per record',
  batches:
    'readers hand `streamInsert` an array of records per chunk read (src/stream/sources/own-source.ts); NDJSON ' +
    'shares place records by byte offset in the reader itself; a reader’s parsed value becomes the document without ' +
    'a copy; an item is its own planned op; the replay check builds its map only on a duplicate key; the CSV and ' +
    'JSON-array parsers and the non-import commands load on use',
  'lazy-zod':
    'the loose model’s Zod schema built only when read, so an import without `--model` never loads Zod ' +
    '(src/model/loose-schema.ts); file chunks of 64 KiB instead of 256 KiB',
  memory:
    'no Intl formatter made at load (src/cli/progress.ts: the first one maps ICU’s data into the process), and ' +
    'NDJSON files read into one reused buffer (src/stream/sources/byte-chunks.ts `fileChunks`): a stream’s fresh ' +
    'buffer per read outlived the records cut from it and stayed until a major collection',
};

/** What a partial re-run (`bench/report.ts --after`) changed, shown above the full run it updates. */
export const AFTER_FIXES =
  'A partial re-run after changes: its scenarios replace the full run’s figures below for those scenarios only; the ' +
  'commit of each run is in its results file.';
