/**
 * Date text to a Date, the same on every machine: text without a zone is read in the given zone
 * (UTC unless the caller says otherwise), never in the process's local time, which is what
 * `new Date(text)` does. Accepted without a layout:
 * - ISO 8601: `2024-01-02`, `2024-01-02T03:04`, `…:05`, `…:05.123`, `T` or a space, `/` allowed
 *   when the year comes first; optional zone `Z`, `±hh:mm`, `±hhmm`, `±hh`;
 * - a month name: `June 02, 1997`, `Jun 2 1997`, `2 June 1997`, an optional leading weekday, an
 *   optional time `15:24[:00[.000]]` with optional `AM`/`PM`, an optional zone `UTC`, `GMT`, `Z`
 *   or `±hhmm`.
 * Day and month both as numbers with the year last (`06/08/2016`) is refused: whether it is June
 * or August depends on the writer's country. A layout (`date(01/02/2006)`) says which.
 */
import { type TimeZone, UTC, wallClockToInstant } from './time-zone.js';

/** Calendar fields read from text; `offsetMs` set when the text named its zone. */
export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly ms: number;
  readonly offsetMs?: number;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** `jan`/`january`/`Sept`… to 1-12, or 0. */
export function monthNumber(name: string): number {
  const lower = name.toLowerCase();
  const index = MONTHS.indexOf(lower.slice(0, 3));
  if (index < 0) return 0;
  const full = new Date(Date.UTC(2000, index, 1)).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' });
  const ok = lower.length === 3 || full.toLowerCase() === lower || (lower === 'sept' && index === 8);
  return ok ? index + 1 : 0;
}

const ISO =
  /^(\d{4})([-/])(\d{2})\2(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const TIME = String.raw`(?:[T ,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:\s*([AP]M))?)?`;
const ZONE = String.raw`(?:\s*(Z|UTC|GMT|(?:GMT|UTC)?[+-]\d{2}(?::?\d{2})?))?`;
const WEEKDAY = String.raw`(?:[A-Za-z]{3,9},?\s+)?`;
const MONTH_FIRST = new RegExp(
  String.raw`^${WEEKDAY}([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})${TIME}${ZONE}$`,
  'i',
);
const DAY_FIRST = new RegExp(
  String.raw`^${WEEKDAY}(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})${TIME}${ZONE}$`,
  'i',
);
const NUMERIC_DAY_MONTH = /^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b/;

/** The instant `text` names, or a message saying why it names none. */
export function parseDateText(text: string, zone: TimeZone = UTC): Date | { problem: string } {
  const trimmed = text.trim();
  const wall = readWallClock(trimmed);
  if (!wall) {
    if (NUMERIC_DAY_MONTH.test(trimmed)) {
      return {
        problem: `${JSON.stringify(text)} is ambiguous (day/month or month/day?): give the column a layout, e.g. date(01/02/2006) for month first`,
      };
    }
    return { problem: `${JSON.stringify(text)} is not a date bulkwright reads (see docs/cli.md, Dates)` };
  }
  return toDate(wall, zone) ?? { problem: `${JSON.stringify(text)} is not a valid calendar date` };
}

/** The wall clock to a Date: its own offset if it named one, else read in `zone`. Undefined if invalid. */
export function toDate(wall: WallClock, zone: TimeZone): Date | undefined {
  const { year, month, day, hour, minute, second, ms } = wall;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  const wallMs = date.getTime();
  const instant = wall.offsetMs !== undefined ? wallMs - wall.offsetMs : wallClockToInstant(wallMs, zone);
  return new Date(instant);
}

function daysIn(year: number, month: number): number {
  // 2000 is a leap year, 2001 is not.
  return new Date(Date.UTC(isLeap(year) ? 2000 : 2001, month, 0)).getUTCDate();
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function readWallClock(text: string): WallClock | undefined {
  const iso = ISO.exec(text);
  if (iso) {
    return withZone(
      {
        year: Number(iso[1]),
        month: Number(iso[3]),
        day: Number(iso[4]),
        hour: Number(iso[5] ?? 0),
        minute: Number(iso[6] ?? 0),
        second: Number(iso[7] ?? 0),
        ms: fraction(iso[8]),
      },
      iso[9],
    );
  }
  const monthFirst = MONTH_FIRST.exec(text);
  const dayFirst = monthFirst ? undefined : DAY_FIRST.exec(text);
  const match = monthFirst ?? dayFirst;
  if (!match) return undefined;
  const month = monthNumber(monthFirst ? match[1]! : match[2]!);
  if (month === 0) return undefined;
  let hour = Number(match[4] ?? 0);
  const meridiem = match[8]?.toUpperCase();
  if (meridiem) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (meridiem === 'PM' ? 12 : 0);
  }
  return withZone(
    {
      year: Number(match[3]),
      month,
      day: Number(monthFirst ? match[2] : match[1]),
      hour,
      minute: Number(match[5] ?? 0),
      second: Number(match[6] ?? 0),
      ms: fraction(match[7]),
    },
    match[9],
  );
}

function fraction(digits: string | undefined): number {
  return digits ? Math.floor(Number(`0.${digits}`) * 1000) : 0;
}

function withZone(wall: WallClock, zone: string | undefined): WallClock {
  if (zone === undefined) return wall;
  const offsetMs = zoneOffset(zone);
  return offsetMs === undefined ? wall : { ...wall, offsetMs };
}

/** `Z`, `UTC`, `GMT`, `±hh`, `±hhmm`, `±hh:mm` (optionally after GMT/UTC) to milliseconds. */
export function zoneOffset(zone: string): number | undefined {
  const text = zone.toUpperCase().replace(/^(GMT|UTC)(?=[+-])/, '');
  if (text === 'Z' || text === 'UTC' || text === 'GMT') return 0;
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return (match[1] === '-' ? -1 : 1) * minutes * 60_000;
}
