/**
 * The op shapes the driver refuses on the client (`MongoInvalidArgumentError` from its bulk
 * `raw()`, mongodb 7 src/bulk/common.ts). The driver refuses the whole bulk for one of them, so
 * they are found first, and each becomes a validation failure at its own index.
 */
import type { AnyBulkWriteOperation, Document } from 'mongodb';
import type { ValidationIssue } from '../core/failure.js';
import { isPlainObject } from './validate.js';

const verbs = ['insertOne', 'updateOne', 'updateMany', 'replaceOne', 'deleteOne', 'deleteMany'];

/** Why the driver would refuse this op, or `undefined` if it would send it. */
export function driverRefusal(op: AnyBulkWriteOperation<Document> | unknown): ValidationIssue | undefined {
  if (!isPlainObject(op)) return issue([], 'expected an op object such as { insertOne: … }');
  const keys = Object.keys(op);
  const verb = keys[0];
  if (keys.length !== 1 || verb === undefined || !verbs.includes(verb)) {
    return issue([], `expected exactly one of ${verbs.map((v) => `{ ${v}: … }`).join(', ')}`);
  }
  const body = op[verb];
  if (!isPlainObject(body)) return issue([verb], 'expected the op body to be an object');
  if (verb === 'insertOne') {
    return isPlainObject(body.document) ? undefined : issue([verb, 'document'], 'expected a document');
  }
  // `q`/`u` are the server's own statement fields: the driver refuses them as "raw operations".
  if ('q' in body) return issue([verb, 'q'], 'a raw statement field; use `filter`');
  if (!isPlainObject(body.filter)) return issue([verb, 'filter'], 'expected a filter document');
  if (verb === 'replaceOne') return replacementRefusal(body.replacement);
  if (verb === 'updateOne' || verb === 'updateMany') return updateRefusal(body.update);
  return undefined;
}

/** A replacement is a whole document: a `$` key at its top would be read as an update operator. */
export function replacementRefusal(replacement: unknown): ValidationIssue | undefined {
  if (!isPlainObject(replacement)) return issue(['replacement'], 'expected a document');
  const operator = Object.keys(replacement).find((k) => k.startsWith('$'));
  if (operator === undefined) return undefined;
  return issue(
    ['replacement', operator],
    'a replacement takes fields, not operators; use updateOne/updateMany to update',
  );
}

/** An update is operators only ($set, $inc…), or a non-empty pipeline of stages. */
export function updateRefusal(update: unknown): ValidationIssue | undefined {
  if (Array.isArray(update)) {
    if (update.length === 0) return issue(['update'], 'expected a pipeline with at least one stage');
    const bad = update.findIndex(
      (stage) =>
        !isPlainObject(stage) ||
        Object.keys(stage).length === 0 ||
        !Object.keys(stage).every((k) => k.startsWith('$')),
    );
    if (bad === -1) return undefined;
    return issue(['update', bad], 'expected a pipeline stage such as { $set: … }');
  }
  if (!isPlainObject(update) || Object.keys(update).length === 0) {
    return issue(['update'], 'expected an update document with operators ($set, $inc…) or a pipeline');
  }
  const field = Object.keys(update).find((k) => !k.startsWith('$'));
  if (field !== undefined) {
    return issue(['update', field], 'an update document takes operators only; use replaceOne to replace');
  }
  if (Object.values(update).every((v) => v === undefined)) {
    return issue(['update'], 'every operator is undefined: nothing to update');
  }
  return undefined;
}

function issue(path: (string | number)[], message: string): ValidationIssue {
  return { path, message, code: 'invalid_op' };
}
