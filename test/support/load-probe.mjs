// Preload (`--import`): appends every module the process loads, ESM and CommonJS, to the file in
// BULKWRIGHT_LOAD_PROBE, one URL or path per line. For tests of what a command loads. In-thread
// hooks where Node has them (`registerHooks`, Node 22.15+), else the off-thread `register`.
// Also appends `intl:<name>` for each Intl formatter made and each toLocaleString call: the first
// one maps ICU's data into the process, megabytes of memory a command may not need.
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
  for (const name of ['NumberFormat', 'DateTimeFormat', 'Collator', 'PluralRules', 'RelativeTimeFormat']) {
    const made = Intl[name];
    Intl[name] = new Proxy(made, {
      construct(target, args, newTarget) {
        appendFileSync(out, `intl:${name}\n`);
        return Reflect.construct(target, args, newTarget);
      },
      apply(target, self, args) {
        appendFileSync(out, `intl:${name}\n`);
        return Reflect.apply(target, self, args);
      },
    });
  }
  for (const [owner, label] of [
    [Number.prototype, 'Number'],
    [Date.prototype, 'Date'],
  ]) {
    const local = owner.toLocaleString;
    owner.toLocaleString = function localized(...args) {
      appendFileSync(out, `intl:${label}.toLocaleString\n`);
      return local.apply(this, args);
    };
  }
  const cache = nodeModule.createRequire(import.meta.url).cache;
  process.on('exit', () => appendFileSync(out, `${Object.keys(cache).join('\n')}\n`));
}
