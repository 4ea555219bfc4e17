/**
 * Finds the Zod schema of a dotted update path (`address.city`, `tags.0`, `items.$[].qty`), so a
 * `$set` value can be validated against its own field. `undefined`: the path is not in the schema.
 * Schemas are told apart by their definition's `type`, not by class: a model built with another
 * copy of Zod (or the loose model's lazily loaded one) is walked the same.
 */
import type { z } from 'zod';

/** What a Zod v4 definition says of itself, as far as path lookup needs. */
interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly shape?: Record<string, z.ZodType>;
  readonly catchall?: z.ZodType;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => schema._zod.def as unknown as Def;

/** Wrappers that do not change which field a path names. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly']);
const OPEN = new Set(['unknown', 'any']);

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let def = defOf(current); WRAPPERS.has(def.type) && def.innerType; def = defOf(current))
    current = def.innerType;
  return current;
}

const positional = /^(\d+|\$|\$\[[^\]]*\])$/;

export type PathLookup = { schema: z.ZodType } | { open: true } | undefined;

export function schemaAtPath(root: z.ZodObject, path: string): PathLookup {
  let current: z.ZodType = root;
  for (const segment of path.split('.')) {
    const def = defOf(unwrap(current));
    if (def.type === 'object') {
      const field = def.shape?.[segment];
      if (field) {
        current = field;
        continue;
      }
      // A loose or catchall object accepts any key; nothing to validate against below it.
      const catchall = def.catchall;
      if (catchall && defOf(catchall).type !== 'never') {
        if (OPEN.has(defOf(catchall).type)) return { open: true };
        current = catchall;
        continue;
      }
      return undefined;
    }
    if (def.type === 'array' && def.element && positional.test(segment)) {
      current = def.element;
      continue;
    }
    if (def.type === 'record' && def.valueType) {
      current = def.valueType;
      continue;
    }
    if (OPEN.has(def.type)) return { open: true };
    return undefined;
  }
  return { schema: current };
}
