/**
 * The loose model's schema, `z.object({}).loose()`, built on first use. The CLI imports without a
 * model through it and never validates (plan/checks-nothing.ts), so such an import never loads
 * Zod: ~6 MB of memory and ~40 ms of start-up (docs/performance.md). Loaded with `require`, the
 * one synchronous way; code that walks schemas does so by definition type, not by class, so this
 * copy of Zod and the caller's are read alike.
 */
import { createRequire } from 'node:module';

type Zod = typeof import('zod');
const build = (zod: Zod) => zod.z.object({}).loose();
export type LooseSchema = ReturnType<typeof build>;

let schema: LooseSchema | undefined;

export function looseSchema(): LooseSchema {
  schema ??= build(createRequire(import.meta.url)('zod') as Zod);
  return schema;
}
