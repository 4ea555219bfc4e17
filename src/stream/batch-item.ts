/** A record on its way through a stream batch: what was read, and the op it became or why not. */

import type { AnyBulkWriteOperation, Document } from 'mongodb';
import type { Failure } from '../core/failure.js';
import { type RecordOpContext, recordOp } from './record-op.js';
import type { StreamInsertOptions } from './stream-options.js';
import type { DeadLetter, SourceRecord } from './types.js';

/**
 * One record on its way: what was read, and the op it became or why it was rejected. An item with
 * an op is itself the planned op the runner sends (`index` is its position): no wrapper per record.
 */
export interface Item {
  readonly position: number;
  readonly index?: number;
  readonly line?: number | undefined;
  readonly record: unknown;
  readonly op?: AnyBulkWriteOperation<Document>;
  readonly derivedId?: boolean;
  readonly rejection?: DeadLetter['reason'];
  readonly skipped?: boolean;
}

export function toItem(
  ctx: RecordOpContext,
  record: SourceRecord,
  filter: StreamInsertOptions['filter'],
): Item {
  const shown = record.raw ?? record.value;
  if (record.error) {
    const { position, line } = record;
    return { position, line, record: shown, rejection: { kind: 'parse', ...record.error } };
  }
  if (filter && !filter(record.value, record.position))
    return { position: record.position, record: shown, skipped: true };
  // A reader's value is ours to extend (its raw line is what a dead letter shows); a caller's is copied.
  const owned = ctx.ownsValues && typeof record.raw === 'string';
  const planned = recordOp(ctx, record.value, record.position, owned);
  if (!planned.ok) {
    const { position, line } = record;
    return { position, line, record: shown, rejection: reasonOf(planned.failure) };
  }
  return {
    position: record.position,
    index: record.position,
    line: record.line,
    record: shown,
    op: planned.value.op,
    derivedId: planned.value.derivedId,
  };
}

/** A failure as a dead letter's reason. */
export function reasonOf(failure: Failure): DeadLetter['reason'] {
  return {
    kind: failure.kind,
    code: failure.code,
    message: failure.message,
    ...(failure.issues ? { issues: failure.issues } : {}),
    ...(failure.keyValue ? { keyValue: failure.keyValue } : {}),
    ...(failure.errInfo ? { errInfo: failure.errInfo } : {}),
  };
}
