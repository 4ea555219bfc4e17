/**
 * A field name a document can be written with, checked before anything is sent: a name the server
 * would refuse (`$x`, `a..b`) would otherwise fail every record, one by one, at the server.
 * Dotted names are paths (`address.city`); each segment must be non-empty and not start with `$`.
 */

/** Why `name` cannot name a field, or undefined when it can. */
export function fieldNameProblem(name: string): string | undefined {
  if (name === '') return 'an empty field name';
  if (name.includes('\0')) return `field name ${JSON.stringify(name)} contains a NUL character`;
  const segments = name.split('.');
  if (segments.some((segment) => segment === '')) {
    return `field name ${JSON.stringify(name)} has an empty path segment (a leading, trailing or doubled dot)`;
  }
  const dollar = segments.find((segment) => segment.startsWith('$'));
  if (dollar !== undefined)
    return `field name ${JSON.stringify(name)} has a part with a leading $ (${dollar})`;
  if (segments.includes('__proto__')) return `field name ${JSON.stringify(name)} uses __proto__`;
  return undefined;
}
