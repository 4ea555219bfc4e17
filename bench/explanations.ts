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
    'Two parts, from the GC trace (`--trace-gc`, and `--trace-gc-nvp` in “What each change bought” below) and from ' +
    'start-up measurements. The CLI starts higher: its own modules, commander and p-map on top of the driver, which ' +
    'is all the plain loop loads (an NDJSON import no longer loads Zod or the CSV and JSON-array parsers). And its ' +
    'old generation grows between major collections: with 2 batches in flight more records are alive across two ' +
    'scavenges and get promoted, and V8 ran no major collection after start-up within the 1M-record run, where it ' +
    'collects the plain loop’s old generation every few seconds. The `--concurrency 1` row, one batch in flight, is ' +
    'lower but still above the plain loop. What it would take: a smaller start-up (one bundled CLI file was tried and ' +
    'saved little) and fewer records alive across scavenges, i.e. parsing the next batch only once the previous one ' +
    'is acknowledged, which gives back the overlap that bar 3’s throughput comes from.',
  'stream-flat':
    'Partly the runtime’s: V8 grows its heap over a longer run even for a loop that keeps nothing (compare the plain ' +
    'loop’s own growth in the same row). Anything the library keeps per record would grow with the file; the stream ' +
    'keeps per-batch state only until the batch settles.',
  'stream-throughput':
    'On 2 cores shared with FerretDB the server is the bottleneck: the client is idle most of the time in the profiles, ' +
    'and client CPU taken by the importer is CPU the server does not get. See the client-CPU bar.',
  resume:
    'The replay window is bounded by the checkpoint interval (`checkpointEveryMs`, default 1,000 ms of acknowledged ' +
    'batches) plus the batches in flight; each replayed batch costs one insert that fails per record with a duplicate ' +
    'key. Where the reply does not say which index collided and the collection has another unique index, the inserter ' +
    'looks the `_id`s up, a collection scan on FerretDB (src/stream/replayed-inserts.ts).',
  'insert-cpu-bulkwright-novalidate':
    'What a profile of `bulkInsert(validate: false)` shows on top of `insertMany` on the same documents: a copy of ' +
    'each caller document (src/plan/prepare-insert.ts `shallowCopy`: the library never changes its caller’s objects, ' +
    'where the driver adds `_id` to them), a planned op per document, and every copy of the call alive until it ' +
    'returns, which the garbage collector copies and promotes; small documents make that a larger share of the ' +
    'work (the medium-document rows meet the bar). What it would take: planning and sending chunk by chunk, so a ' +
    'chunk’s copies die before the next is made, without losing the one report over the whole call.',
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
};

/** What a partial re-run (`bench/report.ts --after`) changed, shown above the full run it updates. */
export const AFTER_FIXES =
  'A partial re-run after changes: its scenarios replace the full run’s figures below for those scenarios only; the ' +
  'commit of each run is in its results file.';
