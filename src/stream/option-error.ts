/** Option errors in one form (p-map's): the option's name, what was expected, what was received. */

export function optionError(name: string, expected: string, received: unknown): TypeError {
  return new TypeError(
    `Expected \`${name}\` to be ${expected}, got \`${describe(received)}\` (${typeOf(received)})`,
  );
}

/** Checks an optional positive-integer option and returns it or its default. */
export function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw optionError(name, 'a positive integer', value);
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
