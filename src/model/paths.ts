/**
 * Field paths derived from a document type, so that a misspelled field in a filter or an update
 * fails to compile (the driver's own `Filter<T>` accepts any string key, even under `strict`).
 */
import type { Binary, Decimal128, ObjectId, Timestamp } from 'mongodb';

type Leaf =
  | string
  | number
  | boolean
  | bigint
  | Date
  | ObjectId
  | Decimal128
  | Binary
  | Timestamp
  | RegExp
  | Uint8Array;
type Prev = [never, 0, 1, 2, 3, 4];

/** Every dotted path into T, down to 4 levels; array elements by index and through the array. */
export type Paths<T, Depth extends number = 4> = [Depth] extends [never]
  ? never
  : T extends Leaf
    ? never
    : T extends readonly (infer E)[]
      ? `${number}` | (E extends Leaf ? never : `${number}.${Paths<E, Prev[Depth]>}` | Paths<E, Prev[Depth]>)
      : T extends object
        ? {
            [K in keyof T & string]-?:
              | K
              | (NonNullable<T[K]> extends Leaf ? never : `${K}.${Paths<NonNullable<T[K]>, Prev[Depth]>}`);
          }[keyof T & string]
        : never;

/** The type at a dotted path. */
export type PathValue<T, P extends string> = T extends readonly (infer E)[]
  ? P extends `${number}.${infer Rest}`
    ? PathValue<E, Rest>
    : P extends `${number}`
      ? E
      : PathValue<E, P>
  : P extends `${infer K}.${infer Rest}`
    ? K extends keyof T
      ? PathValue<NonNullable<T[K]>, Rest>
      : never
    : P extends keyof T
      ? T[P]
      : never;

/** Paths whose value is numeric, for `$inc` and `$mul`. */
export type NumericPaths<T> = {
  [P in Paths<T>]: NonNullable<PathValue<T, P>> extends number | bigint | Decimal128 ? P : never;
}[Paths<T>];

/** Paths whose value is an array, for `$push`, `$addToSet`, `$pull`. */
export type ArrayPaths<T> = {
  [P in Paths<T>]: NonNullable<PathValue<T, P>> extends readonly unknown[] ? P : never;
}[Paths<T>];

export type ElementOf<A> = A extends readonly (infer E)[] ? E : never;
