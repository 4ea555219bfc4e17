/**
 * mongoimport's typed header cells (`--columnsHaveTypes`): `name.type(argument)`, the types and
 * conversions of mongo-tools' typed_fields.go: auto, binary(base64|base32|hex), boolean,
 * date/date_go(Go layout), date_ms(.NET layout), date_oracle(Oracle layout), decimal, double,
 * int32, int64, string. A cell that does not convert fails its row (mongoimport's `--parseGrace
 * stop` for that row; the row is dead-lettered and the import goes on).
 * Numbers keep their BSON type (Int32 stays a JS number, which the driver writes as int32; int64
 * is a Long, double a Double, decimal a Decimal128) unless a model's schema is given: it then
 * receives plain numbers, as its Zod types expect.
 */
import { Binary, Decimal128, Double, Long } from 'mongodb';
import { fromMsLayout, fromOracleLayout } from './date-layouts.js';
import { parseDateText } from './date-text.js';
import { compileGoLayout, parseWithLayout } from './go-layout.js';
import type { TimeZone } from './time-zone.js';

/** A cell's value, or an `Invalid` saying why it has none. */
export type CellConverter = (cell: string) => unknown;

export class Invalid {
  constructor(readonly message: string) {}
}

const CELL = /^(.*)\.(\w+)\((.*)\)$/s;
const TYPES = [
  'auto',
  'binary',
  'boolean',
  'date',
  'date_go',
  'date_ms',
  'date_oracle',
  'decimal',
  'double',
  'int32',
  'int64',
  'string',
];
const WITH_ARGUMENT = new Set(['binary', 'date', 'date_go', 'date_ms', 'date_oracle']);

/** `name.type(argument)` to the field name and its conversion, or the reason it is not one. */
export function typedHeaderCell(
  cell: string,
  zone: TimeZone,
  plainNumbers: boolean,
): { name: string; convert: CellConverter; text: boolean } | { problem: string } {
  const match = CELL.exec(cell);
  if (!match)
    return { problem: `Header ${JSON.stringify(cell)} has no type: expected name.type(), e.g. age.int32()` };
  const [, name, type, rawArgument] = match as unknown as [string, string, string, string];
  // mongo-tools' escapes: \\ \( \) stand for themselves, a lone backslash is dropped.
  const argument = rawArgument.replace(/\\([\\()]?)/g, '$1');
  if (!TYPES.includes(type)) {
    return {
      problem: `Header ${JSON.stringify(cell)}: unknown type ${type} (expected one of ${TYPES.join(', ')})`,
    };
  }
  if (argument !== '' && !WITH_ARGUMENT.has(type)) {
    return { problem: `Header ${JSON.stringify(cell)}: type ${type} takes no argument` };
  }
  const convert = converter(type, argument, zone, plainNumbers);
  return 'problem' in convert
    ? { problem: `Header ${JSON.stringify(cell)}: ${convert.problem}` }
    : { name, convert: convert.convert, text: type === 'string' || type === 'auto' };
}

function converter(
  type: string,
  argument: string,
  zone: TimeZone,
  plain: boolean,
): { convert: CellConverter } | { problem: string } {
  const fail = (what: string) => (cell: string) =>
    new Invalid(`expected ${what}, got ${JSON.stringify(cell)}`);
  switch (type) {
    case 'string':
      return { convert: (cell) => cell };
    case 'auto':
      return { convert: (cell) => autoValue(cell, plain) };
    case 'boolean':
      return {
        convert: (cell) => {
          const lower = cell.toLowerCase();
          if (lower === 'true' || cell === '1') return true;
          if (lower === 'false' || cell === '0') return false;
          return fail('a boolean (true, false, 1, 0)')(cell);
        },
      };
    case 'int32':
      return {
        convert: (cell) => {
          const n = integerText(cell);
          return n !== undefined && n >= -(2n ** 31n) && n < 2n ** 31n ? Number(n) : fail('an int32')(cell);
        },
      };
    case 'int64':
      return {
        convert: (cell) => {
          const n = integerText(cell);
          if (n === undefined || n < -(2n ** 63n) || n >= 2n ** 63n) return fail('an int64')(cell);
          return plain ? Number(n) : Long.fromBigInt(n);
        },
      };
    case 'double':
      return {
        convert: (cell) => {
          const n = floatText(cell);
          if (n === undefined) return fail('a double')(cell);
          return plain ? n : new Double(n);
        },
      };
    case 'decimal':
      return {
        convert: (cell) => {
          try {
            return Decimal128.fromString(cell);
          } catch {
            return fail('a decimal')(cell);
          }
        },
      };
    case 'binary': {
      const encoding = argument;
      if (!['base64', 'base32', 'hex'].includes(encoding)) {
        return {
          problem: `invalid binary encoding ${JSON.stringify(encoding)} (expected base64, base32 or hex)`,
        };
      }
      return { convert: (cell) => binaryValue(cell, encoding) ?? fail(`${encoding} text`)(cell) };
    }
    default: {
      // date, date_go, date_ms, date_oracle
      if (argument === '') {
        return {
          convert: (cell) => {
            const date = parseDateText(cell, zone);
            return date instanceof Date ? date : new Invalid(date.problem);
          },
        };
      }
      const layout =
        type === 'date_ms'
          ? fromMsLayout(argument)
          : type === 'date_oracle'
            ? fromOracleLayout(argument)
            : argument;
      const tokens = compileGoLayout(layout);
      if ('problem' in tokens) return tokens;
      return {
        convert: (cell) => {
          const date = parseWithLayout(cell, tokens, zone);
          return date instanceof Date ? date : new Invalid(date.problem);
        },
      };
    }
  }
}

/** Go's strconv.ParseInt text: an optional sign and decimal digits. */
function integerText(cell: string): bigint | undefined {
  return /^[+-]?\d+$/.test(cell) ? BigInt(cell) : undefined;
}

/** Go's strconv.ParseFloat text, roughly: a decimal or exponent number, Inf, NaN. */
function floatText(cell: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(cell)) return cell.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(cell)) return Number.NaN;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(cell) ? Number(cell) : undefined;
}

/** mongo-tools' autoParse: int32, else int64, else double, else the text. */
function autoValue(cell: string, plain: boolean): unknown {
  const n = integerText(cell);
  if (n !== undefined && n >= -(2n ** 63n) && n < 2n ** 63n) {
    if (n >= -(2n ** 31n) && n < 2n ** 31n) return Number(n);
    return plain ? Number(n) : Long.fromBigInt(n);
  }
  const f = floatText(cell);
  if (f !== undefined) return plain ? f : new Double(f);
  return cell;
}

function binaryValue(cell: string, encoding: string): Binary | undefined {
  if (encoding === 'hex') {
    return /^([0-9a-f]{2})*$/i.test(cell) ? new Binary(Buffer.from(cell, 'hex')) : undefined;
  }
  if (encoding === 'base64') {
    return /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(cell)
      ? new Binary(Buffer.from(cell, 'base64'))
      : undefined;
  }
  return base32(cell);
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(cell: string): Binary | undefined {
  if (cell.length % 8 !== 0) return undefined;
  const body = cell.replace(/=+$/, '');
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of body) {
    const index = BASE32.indexOf(char);
    if (index < 0) return undefined;
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Binary(Buffer.from(bytes));
}
