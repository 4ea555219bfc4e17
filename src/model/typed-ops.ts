/** Filters, updates and bulk ops typed by the model's document type, field paths checked. */
import type { Document } from 'mongodb';
import type { ArrayPaths, ElementOf, NumericPaths, Paths, PathValue } from './paths.js';

type Comparable<V> = {
  $eq?: V;
  $ne?: V | null;
  $gt?: V;
  $gte?: V;
  $lt?: V;
  $lte?: V;
  $in?: readonly (V | null)[];
  $nin?: readonly (V | null)[];
  $exists?: boolean;
  $type?: string | number;
  $not?: Comparable<V>;
  $regex?: V extends string ? string | RegExp : never;
  $options?: V extends string ? string : never;
  $all?: V extends readonly unknown[] ? V : never;
  $size?: V extends readonly unknown[] ? number : never;
  $elemMatch?: V extends readonly (infer E)[] ? (E extends object ? TypedFilter<E> : Comparable<E>) : never;
};

type FieldCondition<V> =
  | V
  | (V extends readonly (infer E)[] ? E : never)
  | Comparable<V>
  | (V extends string ? RegExp : never)
  | null;

/** A query filter on T: known paths only, values of the path's type. */
export type TypedFilter<T> = {
  [P in Paths<T>]?: FieldCondition<PathValue<T, P>>;
} & {
  _id?: unknown;
  $and?: readonly TypedFilter<T>[];
  $or?: readonly TypedFilter<T>[];
  $nor?: readonly TypedFilter<T>[];
  $expr?: Document;
  $text?: { $search: string; $language?: string; $caseSensitive?: boolean };
  $comment?: string;
};

type PathMap<T, Keys extends string, V> = { [P in Keys]?: V extends 'value' ? PathValue<T, P> : V };

/** An update document on T: operators whose keys are checked paths and whose values are typed. */
export interface TypedUpdateOperators<T> {
  $set?: { [P in Paths<T>]?: PathValue<T, P> };
  $setOnInsert?: { [P in Paths<T>]?: PathValue<T, P> };
  $unset?: { [P in Paths<T>]?: '' | 1 | true };
  $inc?: { [P in NumericPaths<T>]?: number };
  $mul?: { [P in NumericPaths<T>]?: number };
  $min?: { [P in Paths<T>]?: PathValue<T, P> };
  $max?: { [P in Paths<T>]?: PathValue<T, P> };
  $rename?: { [P in Paths<T>]?: string };
  $currentDate?: PathMap<T, Paths<T>, true | { $type: 'date' | 'timestamp' }>;
  $push?: {
    [P in ArrayPaths<T>]?:
      | ElementOf<PathValue<T, P>>
      | {
          $each: readonly ElementOf<PathValue<T, P>>[];
          $position?: number;
          $slice?: number;
          $sort?: unknown;
        };
  };
  $addToSet?: {
    [P in ArrayPaths<T>]?: ElementOf<PathValue<T, P>> | { $each: readonly ElementOf<PathValue<T, P>>[] };
  };
  $pull?: { [P in ArrayPaths<T>]?: ElementOf<PathValue<T, P>> | Document };
  $pullAll?: { [P in ArrayPaths<T>]?: readonly ElementOf<PathValue<T, P>>[] };
  $pop?: { [P in ArrayPaths<T>]?: 1 | -1 };
}

/** An update: typed operators, or an aggregation pipeline (passed through unchecked). */
export type TypedUpdate<T> = TypedUpdateOperators<T> | readonly Document[];

/** Write ops in the driver's bulkWrite format, typed by the model. */
export type InsertOneOp<TIn> = { insertOne: { document: TIn } };
export type UpdateOneOp<T> = {
  updateOne: {
    filter: TypedFilter<T>;
    update: TypedUpdate<T>;
    upsert?: boolean;
    arrayFilters?: Document[];
    hint?: string | Document;
    collation?: Document;
  };
};
export type UpdateManyOp<T> = { updateMany: UpdateOneOp<T>['updateOne'] };
export type ReplaceOneOp<T, TIn> = {
  replaceOne: {
    filter: TypedFilter<T>;
    replacement: TIn;
    upsert?: boolean;
    hint?: string | Document;
    collation?: Document;
  };
};
export type DeleteOneOp<T> = {
  deleteOne: { filter: TypedFilter<T>; hint?: string | Document; collation?: Document };
};
export type DeleteManyOp<T> = { deleteMany: DeleteOneOp<T>['deleteOne'] };

export type UpdateOp<T, TIn> = UpdateOneOp<T> | UpdateManyOp<T> | ReplaceOneOp<T, TIn>;
export type DeleteOp<T> = DeleteOneOp<T> | DeleteManyOp<T>;
export type WriteOp<T, TIn> = InsertOneOp<TIn> | UpdateOp<T, TIn> | DeleteOp<T>;
