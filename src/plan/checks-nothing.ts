/**
 * A schema that accepts any object unchanged (`z.object({}).loose()`, the CLI's model when no
 * `--model` is given): parsing with it only copies the object, so it can be skipped. Measured on
 * the CLI's import: the Zod pass of the loose model cost ~1 µs a record (docs/performance.md).
 */
import type { z } from 'zod';

export function checksNothing(schema: z.ZodObject): boolean {
  const def = schema._zod.def;
  return (
    Object.keys(def.shape).length === 0 &&
    def.catchall?._zod.def.type === 'unknown' &&
    (def.checks === undefined || def.checks.length === 0)
  );
}
