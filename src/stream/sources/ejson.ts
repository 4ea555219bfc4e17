/**
 * Extended JSON on the way in, so an exported file (`{"$oid": …}`, `{"$date": …}`) re-imports with
 * its BSON types. `'relaxed'` gives plain JS numbers (what a Zod `z.number()` accepts) and parses a
 * line with `JSON.parse` unless it contains `"$`, which keeps plain files at `JSON.parse` speed;
 * `'canonical'` keeps Int32/Double/Long wrappers, for byte-exact round trips; `false` is plain JSON.
 */
import { BSON } from 'mongodb';
import { optionError } from '../../core/option-error.js';

export type EjsonMode = 'relaxed' | 'canonical' | false;

export function ejsonMode(value: unknown): EjsonMode {
  if (value === undefined) return 'relaxed';
  if (value === 'relaxed' || value === 'canonical' || value === false) return value;
  throw optionError('ejson', "'relaxed', 'canonical' or false", value);
}

export function parseJsonText(text: string, mode: EjsonMode): unknown {
  if (mode === false) return JSON.parse(text);
  if (mode === 'relaxed' && !text.includes('"$')) return JSON.parse(text);
  return BSON.EJSON.parse(text, { relaxed: mode === 'relaxed' });
}

/** For values a streaming parser already built. */
export function reviveJson(value: unknown, mode: EjsonMode): unknown {
  if (mode === false) return value;
  return BSON.EJSON.deserialize(value as BSON.Document, { relaxed: mode === 'relaxed' });
}
