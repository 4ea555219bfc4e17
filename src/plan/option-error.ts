/**
 * Option errors in one form (p-map's), for the whole library: the option's name, what was
 * expected, and what was received — `Expected \`batchSize\` to be an integer >= 1, got 0 (number)`.
 */

export function optionError(name: string, expected: string, received: unknown): TypeError {
  return new TypeError(`Expected \`${name}\` to be ${expected}, got ${describeValue(received)}`);
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
