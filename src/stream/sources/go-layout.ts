/**
 * mongoimport's dated column types: `date(layout)` and `date_go(layout)` take a Go reference
 * layout (`2006-01-02 15:04:05`), `date_ms(…)` a .NET one (`yyyy-MM-dd HH:mm:ss`) and
 * `date_oracle(…)` an Oracle one (`YYYY-MM-DD HH24:MI:SS`), both translated to Go's as
 * mongo-tools' dateconv does (date-layouts.ts). As Go's time.Parse, text without a zone is read as UTC (here: the
 * zone given, UTC by default).
 */
import { monthNumber, toDate, type WallClock, zoneOffset } from './date-text.js';
import type { TimeZone } from './time-zone.js';

type Token = { readonly literal: string } | { readonly field: string };

/** Go's layout elements, longest first so `January` wins over `Jan`, `2006` over `2`. */
const ELEMENTS = [
  'January',
  'Monday',
  'Z07:00',
  '-07:00',
  'Z0700',
  '-0700',
  '2006',
  'Jan',
  'Mon',
  'MST',
  'Z07',
  '-07',
  '_2',
  '01',
  '02',
  '03',
  '04',
  '05',
  '06',
  '15',
  'PM',
  'pm',
  '1',
  '2',
  '3',
  '4',
  '5',
];

/** A Go layout to tokens, or a problem. */
export function compileGoLayout(layout: string): Token[] | { problem: string } {
  const tokens: Token[] = [];
  let literal = '';
  for (let i = 0; i < layout.length; ) {
    const frac = /^[.,](0+|9+)(?!\d)/.exec(layout.slice(i));
    if (frac && tokens.length > 0) {
      if (literal) tokens.push({ literal });
      literal = '';
      tokens.push({ field: 'fraction' });
      i += frac[0].length;
      continue;
    }
    const element = ELEMENTS.find((e) => layout.startsWith(e, i));
    if (element) {
      if (literal) tokens.push({ literal });
      literal = '';
      tokens.push({ field: element });
      i += element.length;
    } else {
      literal += layout[i];
      i++;
    }
  }
  if (literal) tokens.push({ literal });
  if (!tokens.some((t) => 'field' in t && (t.field === '2006' || t.field === '06'))) {
    return { problem: `layout ${JSON.stringify(layout)} has no year (Go layouts write it 2006)` };
  }
  return tokens;
}

/** Reads `text` with the compiled layout. */
export function parseWithLayout(
  text: string,
  tokens: readonly Token[],
  zone: TimeZone,
): Date | { problem: string } {
  const fields: { -readonly [K in keyof WallClock]?: WallClock[K] } = {};
  let pm: boolean | undefined;
  let at = 0;
  const fail = { problem: `${JSON.stringify(text)} does not match the column's date layout` };
  for (const token of tokens) {
    if ('literal' in token) {
      if (!text.startsWith(token.literal, at)) return fail;
      at += token.literal.length;
      continue;
    }
    const rest = text.slice(at);
    const read = readField(token.field, rest);
    if (!read) return fail;
    at += read.length;
    const { value } = read;
    switch (token.field) {
      case '2006':
        fields.year = value;
        break;
      case '06':
        fields.year = value + (value >= 69 ? 1900 : 2000);
        break;
      case 'January':
      case 'Jan':
      case '01':
      case '1':
        fields.month = value;
        break;
      case '02':
      case '2':
      case '_2':
        fields.day = value;
        break;
      case '15':
        fields.hour = value;
        break;
      case '03':
      case '3':
        fields.hour = value;
        pm ??= false;
        break;
      case '04':
      case '4':
        fields.minute = value;
        break;
      case '05':
      case '5':
        fields.second = value;
        break;
      case 'fraction':
        fields.ms = value;
        break;
      case 'PM':
      case 'pm':
        pm = value === 1;
        break;
      case 'Monday':
      case 'Mon':
        break;
      default:
        fields.offsetMs = value;
    }
  }
  if (at !== text.length) return fail;
  let hour = fields.hour ?? 0;
  if (pm !== undefined) {
    if (hour < 1 || hour > 12) return fail;
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  const date = toDate(
    {
      year: fields.year ?? 0,
      month: fields.month ?? 1,
      day: fields.day ?? 1,
      hour,
      minute: fields.minute ?? 0,
      second: fields.second ?? 0,
      ms: fields.ms ?? 0,
      ...(fields.offsetMs !== undefined ? { offsetMs: fields.offsetMs } : {}),
    },
    zone,
  );
  return date ?? { problem: `${JSON.stringify(text)} is not a valid calendar date` };
}

function readField(field: string, text: string): { value: number; length: number } | undefined {
  const digits = (min: number, max: number) => {
    const match = new RegExp(`^\\d{${min},${max}}`).exec(text);
    return match ? { value: Number(match[0]), length: match[0].length } : undefined;
  };
  switch (field) {
    case '2006':
      return digits(4, 4);
    case '01':
    case '02':
    case '03':
    case '04':
    case '05':
    case '06':
    case '15':
      return digits(2, 2);
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
      return digits(1, 2);
    case '_2': {
      const match = /^ ?\d{1,2}/.exec(text);
      return match ? { value: Number(match[0].trim()), length: match[0].length } : undefined;
    }
    case 'fraction': {
      const match = /^[.,](\d+)/.exec(text);
      return match
        ? { value: Math.floor(Number(`0.${match[1]}`) * 1000), length: match[0].length }
        : undefined;
    }
    case 'January':
    case 'Jan':
    case 'Monday':
    case 'Mon': {
      const match = /^[A-Za-z]+/.exec(text);
      if (!match) return undefined;
      if (field === 'Monday' || field === 'Mon') return { value: 0, length: match[0].length };
      const month = monthNumber(match[0]);
      return month ? { value: month, length: match[0].length } : undefined;
    }
    case 'PM':
    case 'pm': {
      const match = /^[AaPp][Mm]/.exec(text);
      return match ? { value: match[0].toUpperCase() === 'PM' ? 1 : 0, length: 2 } : undefined;
    }
    default: {
      // A zone: Z, an offset, or (MST) UTC/GMT; other abbreviations name no fixed offset.
      const match = /^(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)/.exec(text);
      if (!match) return undefined;
      if (match[0] === 'Z' && !field.startsWith('Z') && field !== 'MST') return undefined;
      const offset = zoneOffset(match[0]);
      return offset === undefined ? undefined : { value: offset, length: match[0].length };
    }
  }
}
