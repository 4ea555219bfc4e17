/**
 * `--model path[#export]`: imports the user's ES module (resolved against the working directory),
 * picks the model export, checks that it really is a bulkwright model, and binds it to the CLI's
 * database and collection.
 */
import { stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Db } from 'mongodb';
import { ErrorCode } from '../core/codes.js';
import { BulkwrightError } from '../core/errors.js';
import { type AnyModel, isModel } from '../model/define-model.js';

export interface ModelSpec {
  readonly specifier: string;
  readonly exportName?: string;
}

/** The model module could not be loaded or holds no usable model: a usage error (exit 2). */
export class ModelLoadError extends BulkwrightError {
  override name = 'ModelLoadError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.ModelLoad, message, options);
  }
}

/** Imports the module and returns the chosen model, unbound. */
export async function loadModel(spec: ModelSpec, cwd: string = process.cwd()): Promise<AnyModel> {
  const path = resolve(cwd, spec.specifier);
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) {
    throw new ModelLoadError(
      `--model: expected a module file, received "${spec.specifier}" (no file at ${path})`,
    );
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const ext = extname(path);
    if (code === 'ERR_UNKNOWN_FILE_EXTENSION' && ['.ts', '.mts', '.cts'].includes(ext)) {
      throw new ModelLoadError(
        `--model: cannot import a TypeScript module (${path}) without a loader: compile it to .js, or run with \`node --import tsx\``,
        { cause: error },
      );
    }
    throw new ModelLoadError(
      `--model: importing ${path} failed: ${(error as Error)?.message ?? String(error)}`,
      {
        cause: error,
      },
    );
  }
  return pickModel(module, spec, path);
}

/** Chooses the export: `#name` if given, else `default` if it is a model, else the only model export. */
export function pickModel(module: Record<string, unknown>, spec: ModelSpec, path: string): AnyModel {
  if (spec.exportName !== undefined) {
    if (!(spec.exportName in module)) {
      throw new ModelLoadError(
        `--model: expected ${path} to export "${spec.exportName}", received exports ${listExports(module)}`,
      );
    }
    const value = module[spec.exportName];
    if (!isModel(value)) {
      throw new ModelLoadError(
        `--model: expected export "${spec.exportName}" of ${path} to be a bulkwright model (made by defineModel), received ${kindOf(value)}`,
      );
    }
    return value;
  }
  if (isModel(module.default)) return module.default;
  const models = Object.entries(module).filter(([, value]) => isModel(value));
  if (models.length === 1) return models[0]![1] as AnyModel;
  if (models.length === 0) {
    throw new ModelLoadError(
      `--model: expected ${path} to export a bulkwright model (made by defineModel), received exports ${listExports(module)}`,
    );
  }
  throw new ModelLoadError(
    `--model: ${path} exports several models (${models.map(([name]) => name).join(', ')}): pick one with ${spec.specifier}#<name>`,
  );
}

/** The model on the CLI's database, under `--collection` when given, else its own collection. */
export function bindModel(model: AnyModel, db: Db, collection?: string): AnyModel {
  return model.bind(db, collection ?? model.name);
}

function listExports(module: Record<string, unknown>): string {
  const names = Object.keys(module);
  return names.length === 0 ? '(none)' : names.map((name) => `${name} (${kindOf(module[name])})`).join(', ');
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object')
    return `an object (${(value as object).constructor?.name ?? 'no prototype'})`;
  return typeof value;
}
