/** What a dry run reports: how many documents each kind of change would touch, and a sample. */
import type { Document } from 'mongodb';
import type { PlannedOp } from '../core/planned-op.js';

export interface DryRunSample {
  readonly _id: unknown;
  readonly before: Document;
  /** The document after the change: null for a delete; undefined when only the server can tell ($inc…). */
  readonly after: Document | null | undefined;
  /** The op that would be sent. */
  readonly op: PlannedOp['op'];
}

export interface DryRunSummary {
  readonly updates: number;
  readonly replacements: number;
  readonly deletes: number;
  readonly sample: readonly DryRunSample[];
}

export class DryRunTally {
  private updates = 0;
  private replacements = 0;
  private deletes = 0;
  private readonly sample: DryRunSample[] = [];

  constructor(private readonly sampleSize: number) {}

  add(ops: readonly PlannedOp[], docAt: (index: number) => Document): void {
    for (const { index, op } of ops) {
      let after: Document | null | undefined;
      if ('replaceOne' in op) {
        this.replacements++;
        after = op.replaceOne.replacement;
      } else if ('deleteOne' in op) {
        this.deletes++;
        after = null;
      } else {
        this.updates++;
        after = 'updateOne' in op ? applySimple(docAt(index), op.updateOne.update) : undefined;
      }
      if (this.sample.length < this.sampleSize)
        this.sample.push({ _id: docAt(index)._id, before: docAt(index), after, op });
    }
  }

  summary(): DryRunSummary {
    return {
      updates: this.updates,
      replacements: this.replacements,
      deletes: this.deletes,
      sample: this.sample,
    };
  }
}

/** Applies `$set`/`$unset` (dotted paths included) to a copy; other operators: undefined. */
function applySimple(doc: Document, update: Document | Document[]): Document | undefined {
  if (Array.isArray(update) || Object.keys(update).some((k) => k !== '$set' && k !== '$unset'))
    return undefined;
  const after = structuredClone(doc);
  for (const [path, value] of Object.entries((update.$set as Document | undefined) ?? {}))
    setPath(after, path, value);
  for (const path of Object.keys((update.$unset as Document | undefined) ?? {}))
    setPath(after, path, undefined);
  return after;
}

function setPath(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = doc;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Document;
  }
  const last = parts.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}
