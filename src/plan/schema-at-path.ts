/**
 * Finds the Zod schema of a dotted update path (`address.city`, `tags.0`, `items.$[].qty`), so a
 * `$set` value can be validated against its own field. `undefined`: the path is not in the schema.
 */
import { z } from 'zod';

/** Wrappers that do not change which field a path names. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable)
      current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault)
      current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodReadonly) current = current.unwrap() as z.ZodType;
    else return current;
  }
}

const positional = /^(\d+|\$|\$\[[^\]]*\])$/;

export type PathLookup = { schema: z.ZodType } | { open: true } | undefined;

export function schemaAtPath(root: z.ZodObject, path: string): PathLookup {
  let current: z.ZodType = root;
  for (const segment of path.split('.')) {
    const inner = unwrap(current);
    if (inner instanceof z.ZodObject) {
      const field = inner.shape[segment] as z.ZodType | undefined;
      if (field) {
        current = field;
        continue;
      }
      // A loose or catchall object accepts any key; nothing to validate against below it.
      const catchall = inner._zod.def.catchall;
      if (catchall && !(catchall instanceof z.ZodNever)) {
        if (catchall instanceof z.ZodUnknown || catchall instanceof z.ZodAny) return { open: true };
        current = catchall as z.ZodType;
        continue;
      }
      return undefined;
    }
    if (inner instanceof z.ZodArray && positional.test(segment)) {
      current = inner.element as z.ZodType;
      continue;
    }
    if (inner instanceof z.ZodRecord) {
      current = inner.valueType as z.ZodType;
      continue;
    }
    if (inner instanceof z.ZodUnknown || inner instanceof z.ZodAny) return { open: true };
    return undefined;
  }
  return { schema: current };
}
