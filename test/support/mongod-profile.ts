/**
 * A "mongod" profile for the scripted wire server: insert/update/delete answered as mongod 7/8
 * answers them, on an in-memory map per collection, for the cases where FerretDB v1.24 departs:
 * - a failing update op is a `writeErrors` entry at its own index, and an unordered batch goes on;
 * - `upserted[].index` is the op's position in the command;
 * - a duplicate key from an update is code 11000 with `keyPattern`/`keyValue`;
 * - transactions: a replica-set primary with sessions; writes carrying `startTransaction` /
 *   `autocommit: false` go to the transaction's copy, `commitTransaction` publishes it,
 *   `abortTransaction` drops it, and a write error aborts it (as mongod does);
 * - field names with `.` or a leading `$` are stored (5.0+).
 * Reply shapes: the insert/update/delete command references ("Output"), the transactions spec.
 * Small on purpose: filters are equality (dotted paths) and $in/$lt/$gt/$ne; updates $set, $unset,
 * $inc, $setOnInsert or a replacement. Anything else is a command error, never a silent success.
 */
import { BSON, type Document, ObjectId } from 'mongodb';
import type { ReceivedWrite, ServerProfile } from './wire-server.js';

const { EJSON } = BSON;

type Docs = Map<string, Document>;
type State = Map<string, Docs>;

interface Txn {
  readonly key: string;
  state: State;
}

export interface MongodProfile extends ServerProfile {
  /** The committed documents of `db.collection`, in insertion order. */
  docs(ns: string): Document[];
  /** Makes the next `n` commands named `command` fail with a TransientTransactionError label. */
  failNext(command: string, n?: number): void;
  /** Transactions committed and aborted so far. */
  readonly txns: { committed: number; aborted: number };
}

const idKey = (id: unknown) => EJSON.stringify({ id }, { relaxed: false });
const clone = (state: State): State => new Map([...state].map(([ns, docs]) => [ns, new Map(docs)]));

export function mongodProfile(): MongodProfile {
  let state: State = new Map();
  const unique = new Map<string, { name: string; key: string[] }[]>();
  const txns = new Map<string, Txn>();
  const counts = { committed: 0, aborted: 0 };
  const failures = new Map<string, number>();

  const transient = (name: string): Document | undefined => {
    const left = failures.get(name) ?? 0;
    if (left <= 0) return undefined;
    failures.set(name, left - 1);
    return {
      ok: 0,
      code: 112,
      codeName: 'WriteConflict',
      errmsg: 'Write conflict during plan execution and yielding is disabled.',
      errorLabels: ['TransientTransactionError'],
    };
  };

  const txnKey = (body: Document) =>
    `${(body.lsid?.id as { toString(e: string): string })?.toString('hex')}:${body.txnNumber}`;

  /** The state a command reads and writes: its transaction's copy, or the committed one. */
  const stateFor = (body: Document): State | Document => {
    if (body.autocommit !== false) return state;
    const key = txnKey(body);
    if (body.startTransaction === true) txns.set(key, { key, state: clone(state) });
    const txn = txns.get(key);
    if (!txn)
      return {
        ok: 0,
        code: 251,
        codeName: 'NoSuchTransaction',
        errmsg: `Transaction ${key} has been aborted.`,
        errorLabels: ['TransientTransactionError'],
      };
    return txn.state;
  };

  const script = (command: ReceivedWrite): Document => {
    const failed = transient(command.name);
    if (failed) return failed;
    const target = stateFor(command.body);
    if (!(target instanceof Map)) return target;
    const ns = `${command.db}.${command.collection}`;
    const docs = target.get(ns) ?? new Map<string, Document>();
    target.set(ns, docs);
    const reply = apply(command, ns, docs, unique.get(ns) ?? []);
    if (reply.writeErrors && command.body.autocommit === false) txns.delete(txnKey(command.body));
    return reply;
  };

  const commands = (name: string, body: Document): Document | undefined => {
    switch (name) {
      case 'createIndexes': {
        const ns = `${body.$db}.${body.createIndexes}`;
        const list = unique.get(ns) ?? [];
        for (const index of body.indexes as Document[])
          if (index.unique && !list.some((u) => u.name === index.name))
            list.push({ name: index.name, key: Object.keys(index.key) });
        unique.set(ns, list);
        return {
          ok: 1,
          numIndexesBefore: 1,
          numIndexesAfter: 1 + list.length,
          createdCollectionAutomatically: false,
        };
      }
      case 'dropDatabase':
        for (const ns of [...state.keys()]) if (ns.startsWith(`${body.$db}.`)) state.delete(ns);
        return { ok: 1 };
      case 'commitTransaction': {
        const failed = transient(name);
        if (failed) return failed;
        const txn = txns.get(txnKey(body));
        if (!txn) return { ok: 0, code: 251, codeName: 'NoSuchTransaction', errmsg: 'no such transaction' };
        state = txn.state;
        txns.delete(txn.key);
        counts.committed++;
        return { ok: 1 };
      }
      case 'abortTransaction':
        counts.aborted++;
        return txns.delete(txnKey(body))
          ? { ok: 1 }
          : {
              ok: 0,
              code: 251,
              codeName: 'NoSuchTransaction',
              errmsg: 'no such transaction',
              errorLabels: ['TransientTransactionError'],
            };
      default:
        return undefined;
    }
  };

  return {
    script,
    commands,
    topology: 'replicaSetPrimary',
    docs: (ns) => [...(state.get(ns)?.values() ?? [])],
    failNext(command, n = 1) {
      failures.set(command, n);
    },
    txns: counts,
  };
}

interface Unique {
  readonly name: string;
  readonly key: string[];
}

function apply(command: ReceivedWrite, ns: string, docs: Docs, unique: readonly Unique[]): Document {
  const writeErrors: Document[] = [];
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  for (let index = 0; index < command.ops.length; index++) {
    const op = command.ops[index]!;
    try {
      if (command.name === 'insert') {
        put(docs, ns, unique, { ...op, _id: op._id ?? new ObjectId() }, undefined);
        n++;
      } else if (command.name === 'delete') {
        const matched = [...docs]
          .filter(([, d]) => matches(d, op.q))
          .slice(0, op.limit === 1 ? 1 : undefined);
        for (const [key] of matched) docs.delete(key);
        n += matched.length;
      } else {
        const matched = [...docs].filter(([, d]) => matches(d, op.q)).slice(0, op.multi ? undefined : 1);
        if (matched.length === 0 && op.upsert) {
          const base = Array.isArray(op.u) || isOperatorUpdate(op.u) ? equalities(op.q) : {};
          const doc = updated(base, op.u, true);
          doc._id ??= new ObjectId();
          put(docs, ns, unique, doc, undefined);
          upserted.push({ index, _id: doc._id });
          n++;
        }
        for (const [key, before] of matched) {
          const after = updated(before, op.u, false);
          if (idKey(after._id) !== key)
            throw writeError(
              66,
              "Performing an update on the path '_id' would modify the immutable field '_id'",
            );
          put(docs, ns, unique, after, key);
          n++;
          if (EJSON.stringify(after) !== EJSON.stringify(before)) nModified++;
        }
      }
    } catch (error) {
      if (!(error instanceof WriteError)) throw error;
      writeErrors.push({ index, ...error.detail });
      if (command.ordered) break;
    }
  }
  return {
    n,
    ...(command.name === 'update' ? { nModified } : {}),
    ...(upserted.length ? { upserted } : {}),
    ...(writeErrors.length ? { writeErrors } : {}),
    ok: 1,
  };
}

class WriteError extends Error {
  constructor(readonly detail: Document) {
    super(String(detail.errmsg));
  }
}

const writeError = (code: number, errmsg: string, extra: Document = {}) =>
  new WriteError({ code, ...extra, errmsg });

/** Stores `doc` (replacing `replacing`), refusing a key another document holds: mongod's E11000. */
function put(
  docs: Docs,
  ns: string,
  unique: readonly Unique[],
  doc: Document,
  replacing: string | undefined,
) {
  const key = idKey(doc._id);
  for (const index of [{ name: '_id_', key: ['_id'] }, ...unique]) {
    const value = Object.fromEntries(index.key.map((f) => [f, get(doc, f) ?? null]));
    const clash = [...docs].some(
      ([k, other]) =>
        k !== replacing &&
        index.key.every((f) => EJSON.stringify(get(other, f) ?? null) === EJSON.stringify(value[f])),
    );
    if (clash) {
      const shown = index.key.map((f) => `${f}: ${EJSON.stringify(value[f])}`).join(', ');
      throw writeError(
        11000,
        `E11000 duplicate key error collection: ${ns} index: ${index.name} dup key: { ${shown} }`,
        {
          keyPattern: Object.fromEntries(index.key.map((f) => [f, 1])),
          keyValue: value,
        },
      );
    }
  }
  if (replacing !== undefined) docs.delete(replacing);
  docs.set(key, doc);
}

function get(doc: Document, path: string): unknown {
  if (path in doc) return doc[path];
  return path
    .split('.')
    .reduce<unknown>((v, part) => (v && typeof v === 'object' ? (v as Document)[part] : undefined), doc);
}

function matches(doc: Document, filter: Document): boolean {
  return Object.entries(filter).every(([path, want]) => {
    const have = get(doc, path);
    if (
      want &&
      typeof want === 'object' &&
      !Array.isArray(want) &&
      Object.keys(want).some((k) => k.startsWith('$'))
    )
      return Object.entries(want as Document).every(([operator, arg]) => compare(operator, have, arg));
    return same(have ?? null, want);
  });
}

function compare(operator: string, have: unknown, arg: unknown): boolean {
  switch (operator) {
    case '$in':
      return (arg as unknown[]).some((a) => same(have ?? null, a));
    case '$ne':
      return !same(have ?? null, arg);
    case '$lt':
      return typeof have === typeof arg && (have as number) < (arg as number);
    case '$gt':
      return typeof have === typeof arg && (have as number) > (arg as number);
    default:
      throw writeError(2, `unknown operator: ${operator} (not in the mongod profile)`);
  }
}

const same = (a: unknown, b: unknown) => EJSON.stringify({ v: a }) === EJSON.stringify({ v: b });
const isOperatorUpdate = (u: Document) => Object.keys(u).some((k) => k.startsWith('$'));

function equalities(filter: Document): Document {
  const doc: Document = {};
  for (const [path, value] of Object.entries(filter))
    if (!(value && typeof value === 'object' && Object.keys(value).some((k) => k.startsWith('$'))))
      set(doc, path, value);
  return doc;
}

function set(doc: Document, path: string, value: unknown): void {
  const parts = path.split('.');
  let at = doc;
  for (const part of parts.slice(0, -1)) {
    at[part] ??= {};
    at = at[part] as Document;
  }
  at[parts.at(-1)!] = value;
}

function updated(before: Document, u: Document | Document[], inserting: boolean): Document {
  if (Array.isArray(u)) throw writeError(2, 'pipeline updates are not in the mongod profile');
  if (!isOperatorUpdate(u)) return { ...u, _id: before._id ?? u._id };
  const doc: Document = BSON.deserialize(BSON.serialize(before));
  for (const [operator, fields] of Object.entries(u)) {
    for (const [path, value] of Object.entries(fields as Document)) {
      if (operator === '$set' || (operator === '$setOnInsert' && inserting)) set(doc, path, value);
      else if (operator === '$unset') delete doc[path];
      else if (operator === '$inc') {
        const have = get(doc, path);
        if (have !== undefined && typeof have !== 'number')
          throw writeError(
            14,
            `Cannot apply $inc to a value of non-numeric type. {_id: ${EJSON.stringify(doc._id)}} has the field '${path}' of non-numeric type ${typeof have}`,
          );
        set(doc, path, ((have as number | undefined) ?? 0) + (value as number));
      } else if (operator !== '$setOnInsert') throw writeError(2, `${operator} is not in the mongod profile`);
    }
  }
  return doc;
}
