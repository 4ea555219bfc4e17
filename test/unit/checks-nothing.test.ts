import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checksNothing } from '../../src/plan/checks-nothing.js';

describe('checksNothing', () => {
  it('is true only for a schema that passes any object through unchanged', () => {
    expect(checksNothing(z.object({}).loose())).toBe(true);
    expect(checksNothing(z.object({}).loose().partial())).toBe(true);
  });

  it('is false for a schema that checks or strips anything', () => {
    expect(checksNothing(z.object({ a: z.string() }).loose())).toBe(false);
    expect(checksNothing(z.object({}))).toBe(false);
    expect(checksNothing(z.object({}).strict())).toBe(false);
    expect(checksNothing(z.object({}).catchall(z.string()))).toBe(false);
    expect(
      checksNothing(
        z
          .object({})
          .loose()
          .refine((v) => Object.keys(v).length > 0),
      ),
    ).toBe(false);
  });
});
