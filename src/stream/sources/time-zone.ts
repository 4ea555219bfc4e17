/**
 * Wall-clock time in a zone to an instant, without a time-zone library: `Intl` knows the IANA
 * zones' offsets at any instant. A zone is an IANA name (`Europe/Paris`), `UTC`, or a fixed offset
 * (`+05:30`, `-0800`).
 */
import { optionError } from '../../core/option-error.js';

export type TimeZone = { readonly offsetMs: number } | { readonly format: Intl.DateTimeFormat };

const OFFSET = /^([+-])(\d{2}):?(\d{2})?$/;

/** The zone named by `name`, checked (an option error otherwise). */
export function timeZone(name: string, option = 'timeZone'): TimeZone {
  if (typeof name !== 'string' || name.trim() === '')
    throw optionError(option, 'an IANA time zone or a UTC offset', name);
  const trimmed = name.trim();
  if (/^(utc|gmt|z)$/i.test(trimmed)) return { offsetMs: 0 };
  const offset = OFFSET.exec(trimmed);
  if (offset) {
    const minutes = Number(offset[2]) * 60 + Number(offset[3] ?? 0);
    if (minutes > 14 * 60) throw optionError(option, 'a UTC offset from -14:00 to +14:00', name);
    return { offsetMs: (offset[1] === '-' ? -1 : 1) * minutes * 60_000 };
  }
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: trimmed,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    return { format };
  } catch {
    throw optionError(option, 'an IANA time zone (e.g. Europe/Paris) or a UTC offset (e.g. +05:30)', name);
  }
}

export const UTC: TimeZone = { offsetMs: 0 };

/** The instant whose wall clock in `zone` reads `wallMs` (a wall clock encoded as if UTC). */
export function wallClockToInstant(wallMs: number, zone: TimeZone): number {
  if ('offsetMs' in zone) return wallMs - zone.offsetMs;
  // The offset at the guess, then at the corrected instant (they differ across a DST change).
  const first = wallMs - offsetAt(zone.format, wallMs);
  const second = wallMs - offsetAt(zone.format, first);
  return second;
}

function offsetAt(format: Intl.DateTimeFormat, instant: number): number {
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - (instant - (((instant % 1000) + 1000) % 1000));
}
