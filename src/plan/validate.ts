import type { z } from 'zod';
import {
  ClientCode,
  clientFailure,
  type Failure,
  FailureKind,
  type ValidationIssue,
} from '../core/failure.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; failure: Failure };

/** Parses with the schema; a failure names each path and reason. */
export function validateWith<T>(
  schema: z.ZodType<T>,
  value: unknown,
  index: number,
  op: unknown,
  pathPrefix = '',
): Checked<T> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, failure: validationFailure(index, op, toIssues(result.error.issues, pathPrefix)) };
}

export function validationFailure(index: number, op: unknown, issues: ValidationIssue[]): Failure {
  const message = issues
    .map((i) => `${i.path.length ? i.path.join('.') : '(document)'}: ${i.message}`)
    .join('; ');
  return clientFailure(index, FailureKind.validation, ClientCode.validation, message, op, { issues });
}

function toIssues(issues: readonly z.core.$ZodIssue[], prefix: string): ValidationIssue[] {
  const head = prefix ? prefix.split('.') : [];
  return issues.map((issue) => ({
    path: [...head, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    message: issue.message,
    code: issue.code,
  }));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
