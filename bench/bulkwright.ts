/**
 * Loads the library under test from the working tree, at run time, so the rest of the benchmark
 * still runs (and marks bulkwright's rows "not available") when `src/` does not load. The types are
 * the library's own: a changed signature fails `tsc`, not the benchmark run.
 */
import type * as Bulkwright from '../src/index.js';

export type BulkwrightApi = typeof Bulkwright;

export async function loadBulkwright(): Promise<BulkwrightApi> {
  const specifier = '../src/index.js';
  return (await import(specifier)) as BulkwrightApi;
}
