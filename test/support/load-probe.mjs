// Preload (`--import`): appends every module the process loads, ESM and CommonJS, to the file in
// BULKWRIGHT_LOAD_PROBE, one URL or path per line. For tests of what a command loads.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const out = process.env.BULKWRIGHT_LOAD_PROBE;
if (out) {
  const hooks = `export async function load(url, context, next) {
    (await import('node:fs')).appendFileSync(${JSON.stringify(out)}, url + '\\n');
    return next(url, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hooks)}`);
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => appendFileSync(out, `${Object.keys(cache).join('\n')}\n`));
}
