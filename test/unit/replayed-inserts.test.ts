import { describe, expect, it } from 'vitest';
import { type Failure, FailureKind } from '../../src/core/failure.js';
import { collidedIndex } from '../../src/stream/replayed-inserts.js';

const dup = (extra: Partial<Failure>): Failure => ({
  index: 1,
  kind: FailureKind.duplicateKey,
  code: 11000,
  message: 'E11000 duplicate key error collection: d.c',
  retryable: false,
  applied: 'no',
  op: {},
  ...extra,
});

describe('collidedIndex', () => {
  it('places a collision by keyValue (MongoDB): only an { _id } key is the _id index', () => {
    expect(collidedIndex(dup({ keyValue: { _id: 7 } }))).toBe('_id');
    expect(collidedIndex(dup({ keyValue: { email: 'a' } }))).toBe('other');
    expect(collidedIndex(dup({ keyValue: { _id: 7, x: 1 } }))).toBe('other');
  });

  it("places a collision by the message's index name when there is no keyValue", () => {
    const mongo = 'E11000 duplicate key error collection: d.c index: _id_ dup key: { _id: 7 }';
    expect(collidedIndex(dup({ message: mongo }))).toBe('_id');
    expect(
      collidedIndex(
        dup({ message: 'E11000 duplicate key error collection: d.c index: email_1 dup key: { email: "a" }' }),
      ),
    ).toBe('other');
  });

  it("cannot place FerretDB's collision, which names neither key nor index", () => {
    expect(collidedIndex(dup({}))).toBeUndefined();
  });
});
