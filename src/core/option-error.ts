/**
 * Option errors in one form (p-map's), for the whole library: the option's name, what was
 * expected, and what was received — `Expected \`batchSize\` to be an integer >= 1, got 0 (number)`.
 * Thrown as a `BulkwrightError` with code `BW_INVALID_OPTION`, before any I/O.
 */
import { ErrorCode } from './codes.js';
import { BulkwrightError } from './errors.js';

export function optionError(name: string, expected: string, received: unknown): BulkwrightError {
  return invalidOption(`Expected \`${name}\` to be ${expected}, got ${describeValue(received)}`);
}

/** An option error whose message does not fit the template (a missing companion option…). */
export function invalidOption(message: string): BulkwrightError {
  return new BulkwrightError(ErrorCode.InvalidOption, message);
}

/** Refuses option names the call does not know: a misspelled `orderd` must not be ignored. */
export function checkKnownOptions(options: object, known: Readonly<Record<string, unknown>>): void {
  for (const name of Object.keys(options)) {
    if (!Object.hasOwn(known, name)) {
      const names = Object.keys(known).sort().join(', ');
      throw invalidOption(`Unknown option \`${name}\`: expected one of ${names}`);
    }
  }
}

/** Checks an optional positive-integer option and returns it or its default. */
export function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw optionError(name, 'a positive integer', value);
  }
  return value;
}

/** A received value, shortly: `0 (number)`, `"abc" (string)`, `an array`, `an object (Db)`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  if (type === 'object') return `an object (${(value as object).constructor?.name ?? 'no prototype'})`;
  if (type === 'string') return `"${String(value).slice(0, 40)}" (string)`;
  return `${String(value)} (${type})`;
}
