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
    'more pause time and more bytes promoted than the plain loop), including the full collection the CLI runs every ' +
    '2 seconds while it imports (src/cli/scheduled-gc.ts, which holds its peak RSS down), the per-record steps of ' +
    'the importer (src/stream/record-op.ts: the derived `_id`, the item), and the CLI’s start-up, a fixed cost that ' +
    'weighs less the larger the file. Client CPU per record also grows with the batches in flight: compare the ' +
    '`--concurrency 1` row, which sends one batch at a time as the plain loop does, with the default (2).',
  'stream-rss':
    'Measured three ways: RSS at the exit of a 20-record import (start-up), V8’s heap spaces at the peak of a ' +
    '1M-record import (sampled every 50 ms), and the GC trace (`--trace-gc`). Two causes were found. Old generation: ' +
    'records promoted while their batch was in flight piled up until V8’s own limit called a major collection, so ' +
    'the peak moved from run to run with when that came; the CLI now runs a full collection every 2 seconds while ' +
    'it imports (src/cli/scheduled-gc.ts). Start-up: the CLI loads its own ES modules (about a hundred, one ' +
    'capability per file), commander and p-map on top of the driver, which is all the plain loop loads, and Node 20 ' +
    'keeps about 50 KB of RSS per ES module (a hundred empty modules, measured). A single bundled bin (esbuild, ' +
    'split so that lazy commands stay lazy) took about 3 MB off start-up but only 1–2 MB off the 1M peak in three ' +
    'runs each, so it is not shipped.',
  'stream-flat':
    'The old generation again (see the RSS entry above): over a longer run V8 lets more promoted garbage build up ' +
    'before a major collection, for the plain loop too (its own growth is in the same row); the CLI’s scheduled full ' +
    'collections (src/cli/scheduled-gc.ts) keep it from building up. Anything the library kept per record would ' +
    'grow with the file ten times over; the stream keeps per-batch state only until the batch settles ' +
    '(test/integration/stream-memory.test.ts).',
  'stream-throughput':
    'On 2 cores shared with FerretDB the server is the bottleneck: the client is idle most of the time in the profiles, ' +
    'and client CPU taken by the importer is CPU the server does not get. See the client-CPU bar.',
  resume:
    'The replay window is bounded by the checkpoint interval (`checkpointEveryMs`, default 1,000 ms of acknowledged ' +
    'batches) plus the batches in flight; each replayed batch costs one insert that fails per record with a duplicate ' +
    'key. Where the reply does not say which index collided and the collection has another unique index, the inserter ' +
    'looks the `_id`s up, a collection scan on FerretDB (src/stream/replayed-inserts.ts).',
  'insert-cpu-bulkwright-novalidate':
    'Most of it is the batching: the raw driver sent in the same batches (`insertMany` per 1,000, 4 in flight: the ' +
    'measured column) costs more than one `insertMany` of the whole array, which the driver sends as one command, ' +
    'and for small documents it takes all or nearly all of this bar by itself. On top of it, bulkwright’s own per-document work (see ' +
    'the default-batching entry below). Planning and sending chunk by chunk, so that a chunk’s copies die young, ' +
    'was tried and measured no lower in scratch runs, so it is not shipped. Medium documents meet the bar.',
  'insert-cpu-bulkwright':
    'The two rows beside it in the measured column split the gap: the batching (the raw driver in the same batches) ' +
    'and the Zod parse (the raw driver after the same parse, which alone takes nearly all of the bar for small ' +
    'documents). Together they miss the bar before bulkwright’s own work begins. Medium documents meet it.',
  'insert-cpu-bulkwright-novalidate-defaults':
    'One command, as `insertMany` sends: what is left is bulkwright’s own work per document. A CPU profile of the ' +
    'measured call alone (a fresh process, the same warm-up, the inspector started just before the call) puts more ' +
    'than half of bulkwright’s own time in planning (src/plan/prepare.ts: the op wrapper, the planned op and the ' +
    'checked result made per document) and the rest in reading the result back (src/report/chunk-outcome.ts, ' +
    'src/report/report-builder.ts: the index and the `_id` of each inserted document, which the report gives). The ' +
    'copy of each caller document, once the largest part, now goes through an object literal compiled for the ' +
    'call’s shape (src/plan/copy-with-id.ts) and is no longer the largest part. At this batching each of these functions runs ' +
    'once per call, so its loop starts in V8’s interpreter. What it would take: fewer objects per document in ' +
    'planning (an insert-only plan of parallel arrays instead of a planned op each), which touches every layer ' +
    'that reads a plan.',
  'insert-cpu-bulkwright-defaults':
    'The raw driver after the same Zod parse (the measured column) shows what the parse costs alone: nearly the ' +
    'whole bar for small documents, more than the bar for medium ones. bulkwright’s own per-document work (the ' +
    'validate:false entry above) comes on top. What it would take: a cheaper parse, which is the schema’s and ' +
    'Zod’s cost, not the library’s.',
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
  gc:
    'a full garbage collection every 2 seconds while the CLI imports (src/cli/scheduled-gc.ts): promoted records ' +
    'no longer pile up in the old generation until V8’s own limit',
};

/** What a partial re-run (`bench/report.ts --after`) changed, shown above the full run it updates. */
export const AFTER_FIXES =
  'A partial re-run after changes: its scenarios replace the full run’s figures below for those scenarios only; the ' +
  'commit of each run is in its results file.';
