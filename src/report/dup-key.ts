/**
 * The colliding key of an E11000 error, read from its message: MongoDB sends `keyValue` beside
 * `errmsg`, but the driver's WriteError keeps only the message, which ends
 * `… index: email_1 dup key: { email: "a@x" }`. Flat keys of strings, numbers, booleans, null and
 * ObjectIds are read; anything else (nested values, dates…) gives undefined rather than a guess.
 */
import { ObjectId } from 'mongodb';

const tail = /dup key: \{ (.*) \}$/s;
const field = /^(?:"((?:[^"\\]|\\.)*)"|([^\s:]+)): /;
const value =
  /^(?:"((?:[^"\\]|\\.)*)"|ObjectId\('([0-9a-f]{24})'\)|(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)|(true|false|null))/;

export function dupKeyOf(message: string | undefined): Record<string, unknown> | undefined {
  const body = message === undefined ? undefined : tail.exec(message)?.[1];
  if (body === undefined) return undefined;
  const key: Record<string, unknown> = {};
  let rest = body;
  while (rest.length > 0) {
    const name = field.exec(rest);
    if (!name) return undefined;
    rest = rest.slice(name[0].length);
    const v = value.exec(rest);
    if (!v) return undefined;
    key[name[1] !== undefined ? unquote(name[1]) : name[2]!] =
      v[1] !== undefined
        ? unquote(v[1])
        : v[2] !== undefined
          ? new ObjectId(v[2])
          : v[3] !== undefined
            ? Number(v[3])
            : v[4] === 'null'
              ? null
              : v[4] === 'true';
    rest = rest.slice(v[0].length);
    if (rest.startsWith(', ')) rest = rest.slice(2);
    else if (rest.length > 0) return undefined;
  }
  return key;
}

function unquote(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}
