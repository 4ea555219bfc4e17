// Preload (`--import`): appends every module the process loads, ESM and CommonJS, to the file in
// BULKWRIGHT_LOAD_PROBE, one URL or path per line. For tests of what a command loads. In-thread
// hooks where Node has them (`registerHooks`, Node 22.15+), else the off-thread `register`.
import { appendFileSync } from 'node:fs';
import * as nodeModule from 'node:module';

const out = process.env.BULKWRIGHT_LOAD_PROBE;
if (out) {
  if (typeof nodeModule.registerHooks === 'function') {
    nodeModule.registerHooks({
      load(url, context, next) {
        appendFileSync(out, `${url}\n`);
        return next(url, context);
      },
    });
  } else {
    const hooks = `export async function load(url, context, next) {
      (await import('node:fs')).appendFileSync(${JSON.stringify(out)}, url + '\\n');
      return next(url, context);
    }`;
    nodeModule.register(`data:text/javascript,${encodeURIComponent(hooks)}`);
  }
  const cache = nodeModule.createRequire(import.meta.url).cache;
  process.on('exit', () => appendFileSync(out, `${Object.keys(cache).join('\n')}\n`));
}
