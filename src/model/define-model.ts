import type { Collection, Db, Document, IndexDescription, ObjectId } from 'mongodb';
import type { z } from 'zod';
import { ErrorCode } from '../core/codes.js';
import { BulkwrightError } from '../core/errors.js';
import { optionError } from '../core/option-error.js';
import { type LooseSchema, looseSchema } from './loose-schema.js';
import type { UpdateOp } from './typed-ops.js';

export interface Timestamps {
  createdAt: Date;
  updatedAt: Date;
}
export interface SoftDeleted {
  deletedAt?: Date | null;
}

/** The `_id` type: the schema's own `_id` when it declares one, else the server's ObjectId. */
export type IdOf<TOut> = TOut extends { _id: infer I } ? I : ObjectId;

/**
 * What is stored: the schema's output and the fields the library maintains. Like the driver's own
 * convention, `_id` is part of it only when the schema declares one; reads add it (`WithId`).
 */
export type StoredDoc<S extends z.ZodObject, TS extends boolean, SD extends boolean> = z.output<S> &
  (TS extends true ? Timestamps : unknown) &
  (SD extends true ? SoftDeleted : unknown);

export interface ModelHooks<TIn, TOut, TDoc> {
  /** Runs on each validated document before it is sent; return the document to insert. */
  beforeInsert?: (doc: TOut) => TOut | Promise<TOut>;
  /** Runs on each update, replace or upsert op before it is sent; return the op to send. */
  beforeUpdate?: (op: UpdateOp<TDoc, TIn>) => UpdateOp<TDoc, TIn> | Promise<UpdateOp<TDoc, TIn>>;
}

export interface ModelDefinition<S extends z.ZodObject, TS extends boolean, SD extends boolean> {
  /** The collection's name. */
  collection: string;
  /** A Zod object schema: what callers pass is `z.input`, what is stored is `z.output`. */
  schema: S;
  /** A database to bind to now; or bind later with `model.bind(db)`. */
  db?: Db;
  /** Created by `model.ensureIndexes()`. */
  indexes?: readonly IndexDescription[];
  /** Maintain `createdAt` and `updatedAt`. */
  timestamps?: TS;
  /** `bulkDelete` sets `deletedAt` instead of removing, unless called with `hard: true`. */
  softDelete?: SD;
  hooks?: ModelHooks<z.input<S>, z.output<S>, StoredDoc<S, TS, SD>>;
  /** Makes the `_id` of a document that has none (default: a new ObjectId). */
  idFactory?: () => unknown;
}

/**
 * A Zod schema bound to a collection. `TDoc` is what is stored, `TIn` what callers pass.
 * Immutable: `bind` returns a new model.
 */
export interface Model<
  S extends z.ZodObject = z.ZodObject,
  TDoc extends Document = Document,
  TIn = z.input<S>,
> {
  readonly kind: 'bulkwright.model';
  readonly name: string;
  readonly schema: S;
  readonly db: Db | undefined;
  readonly indexes: readonly IndexDescription[];
  readonly timestamps: boolean;
  readonly softDelete: boolean;
  readonly hooks: ModelHooks<TIn, z.output<S>, TDoc>;
  readonly idFactory: (() => unknown) | undefined;
  /** The bound collection; throws if the model has no database yet. */
  collection(): Collection<TDoc>;
  /** The same model on another database (and optionally another collection name). */
  bind(db: Db, collection?: string): Model<S, TDoc, TIn>;
  /** Creates the declared indexes; returns their names. */
  ensureIndexes(): Promise<string[]>;
  /** Type-only: the stored document type. */
  readonly $doc?: TDoc;
  /** Type-only: the input type. */
  readonly $input?: TIn;
}

/** Any model, whatever its schema. */
// biome-ignore lint/suspicious/noExplicitAny: the widest model type, used only as a constraint.
export type AnyModel = Model<any, any, any>;
/** The stored document type of a model. */
export type DocOf<M extends AnyModel> = NonNullable<M['$doc']>;
/** What callers pass for a model: the schema's input type. */
export type InputOf<M extends AnyModel> = NonNullable<M['$input']>;
/** The `_id` type of a model's documents: what its reports carry. */
export type IdOfModel<M extends AnyModel> = IdOf<DocOf<M>>;

export function defineModel<S extends z.ZodObject, TS extends boolean = false, SD extends boolean = false>(
  definition: ModelDefinition<S, TS, SD>,
): Model<S, StoredDoc<S, TS, SD>, z.input<S>> {
  checkDefinition(definition);
  return makeModel(definition, definition.db, definition.collection) as Model<
    S,
    StoredDoc<S, TS, SD>,
    z.input<S>
  >;
}

/**
 * A model that accepts any object: what the CLI imports with when no model module is given. Its
 * schema is built when first read (model/loose-schema.ts), and `isLooseModel` tells it apart
 * without reading it.
 */
export function looseModel(
  collection: string,
  db?: Db,
): Model<LooseSchema, StoredDoc<LooseSchema, false, false>, z.input<LooseSchema>> {
  const definition = {
    collection,
    get schema() {
      return looseSchema();
    },
  };
  looseDefinitions.add(definition);
  return makeModel(definition, db, collection) as Model<
    LooseSchema,
    StoredDoc<LooseSchema, false, false>,
    z.input<LooseSchema>
  >;
}

const looseDefinitions = new WeakSet<object>();
const looseModels = new WeakSet<object>();

/** The model accepts any object unchanged (it is, or is bound from, a `looseModel`). */
export function isLooseModel(model: AnyModel): boolean {
  return looseModels.has(model);
}

export function isModel(value: unknown): value is AnyModel {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'bulkwright.model'
  );
}

function makeModel(
  definition: ModelDefinition<z.ZodObject, boolean, boolean>,
  db: Db | undefined,
  name: string,
): AnyModel {
  const model: AnyModel = {
    kind: 'bulkwright.model',
    name,
    get schema() {
      return definition.schema;
    },
    db,
    indexes: definition.indexes ?? [],
    timestamps: definition.timestamps === true,
    softDelete: definition.softDelete === true,
    hooks: definition.hooks ?? {},
    idFactory: definition.idFactory,
    collection() {
      if (!db) {
        throw new BulkwrightError(
          ErrorCode.ModelUnbound,
          `Model "${name}" is not bound to a database: pass \`db\` to defineModel or call model.bind(db)`,
        );
      }
      return db.collection(name);
    },
    bind(target, collection) {
      return makeModel(definition, target, collection ?? name);
    },
    async ensureIndexes() {
      if (model.indexes.length === 0) return [];
      return model.collection().createIndexes([...model.indexes]);
    },
  };
  if (looseDefinitions.has(definition)) looseModels.add(model);
  return Object.freeze(model);
}

function checkDefinition(definition: ModelDefinition<z.ZodObject, boolean, boolean>): void {
  if (typeof definition !== 'object' || definition === null) {
    throw optionError('definition', 'a model definition object', definition);
  }
  if (typeof definition.collection !== 'string' || definition.collection.length === 0) {
    throw optionError('collection', 'a non-empty string', definition.collection);
  }
  // By definition type, not class: a schema from another copy of Zod is a Zod object all the same.
  const schema = definition.schema as { _zod?: { def?: { type?: unknown } }; safeParse?: unknown } | null;
  if (schema?._zod?.def?.type !== 'object' || typeof schema.safeParse !== 'function') {
    throw optionError('schema', 'a Zod object schema (z.object)', definition.schema);
  }
}
