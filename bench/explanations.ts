/**
 * Why a bar was missed, written by hand after reading profiles (`node --cpu-prof`). Keyed by target
 * id, or `<target id>/<scenario>` for one scenario only; docs/performance.md quotes the entry beside
 * each missed bar. No figures here: every figure on the page comes from the stored result it is
 * generated from, so an explanation names causes and the code they are in, never numbers.
 */
export const EXPLANATIONS: Readonly<Record<string, string>> = {
  'stream-cpu':
    'What the profiles of the CLI show on top of the plain loop’s work (JSON.parse, the driver’s `insertMany`, BSON): ' +
    'the NDJSON reader’s per-record step (src/stream/sources/ndjson.ts: an async-generator yield and a source record ' +
    'per line; decoding a whole ASCII chunk at once instead of each line was tried and bought nothing), the per-record ' +
    'pipeline objects (item, `{ insertOne: { document } }`) and their ' +
    'garbage collection, and the CLI’s start-up (commander, zod), a fixed cost that weighs less the larger the file. ' +
    'Client CPU per record also grows with the batches in flight: compare the `--concurrency 1` row, which sends one ' +
    'batch at a time as the plain loop does, with the default (2). Part of that is not extra work: in the profiles the ' +
    'driver’s BSON serialization of the very same documents (`addToOperationsList` → `serialize`) takes more CPU time ' +
    'in the CLI, whose parsing overlaps the server’s work on the other core, than in the plain loop, which waits for ' +
    'the server.',
  'stream-rss':
    'The batches in flight: the CLI keeps up to `--concurrency` batches of 1,000 records (each with its raw line, for ' +
    'the dead-letter file, and its serialized BSON in the driver) plus the one being filled, where the plain loop keeps ' +
    'one; and V8 sizes its heap to the allocation rate.',
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
    'What it adds to the raw driver’s `insertMany`: a shallow copy per document (src/plan/prepare-insert.ts ' +
    '`shallowCopy`), `{ insertOne }` wrappers, per-chunk report state, and one driver `bulkWrite` per chunk of 1,000 ' +
    'where the raw driver sends its own batches.',
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
