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
    'The raw driver sent in the same batches (`insertMany` per 1,000, 4 in flight: the measured column) shows what ' +
    'the batching costs alone. On top of it comes bulkwright’s own work. Per document: the copy of each caller ' +
    'document with its `_id` (the caller’s object is never changed; src/plan/copy-with-id.ts), the planned op that ' +
    'carries the caller’s index, and the `_id` the report gives back. Once per process: V8 compiling that code ' +
    'during the measured call, which the 2,000-document warm-up does not make hot (`node --trace-opt`); the ' +
    'steady-state scenario below, with a warm-up as large as the call, shows the per-document part alone. Planning ' +
    'and sending chunk by chunk, so that a chunk’s copies die young, was tried and measured no lower in scratch ' +
    'runs, so it is not shipped. What it would take: fewer objects per document (an insert-only plan of parallel ' +
    'arrays instead of a planned op each), which touches every layer that reads a plan.',
  'insert-cpu-bulkwright':
    'The Zod parse takes most of the bar by itself (the raw driver after the same parse, in the measured column). ' +
    'What is left is bulkwright’s own work: per document, the planned op that carries the caller’s index and the ' +
    '`_id` the report gives back (no copy: Zod’s output is already a new object; src/plan/prepare.ts, ' +
    'src/report/report-builder.ts); once per process, V8 compiling that code during the measured call, since the ' +
    '2,000-document warm-up does not make it hot (`node --trace-opt`). The steady-state scenario below, where a ' +
    'warm-up as large as the call compiles it first, shows the per-document part alone. The validate:false row pays ' +
    'the same library work without the parse. What it would take to clear the bar reliably: a cheaper parse, which ' +
    'is the schema’s and Zod’s cost, not the library’s.',
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
