/**
 * CSV cells are text; this turns a header into typed columns and a row into a (nested) object.
 * Column types come from the `types` option, else from a Zod object schema: a field whose type is
 * number, boolean or date is converted so the schema sees the type it asks for, objects and arrays
 * are read as JSON, everything else stays a string.
 */
import type * as z from 'zod/v4/core';
import { fieldNameProblem } from '../../plan/field-name.js';
import { parseDateText } from './date-text.js';
import { parseJsonText } from './ejson.js';
import type { TimeZone } from './time-zone.js';
import { type CellConverter, Invalid, typedHeaderCell } from './typed-header.js';

/** The column types a CSV cell converts to (one list for readCsv, the CLI and the docs). */
export const CSV_COLUMN_TYPES = ['string', 'number', 'boolean', 'date', 'json'] as const;
export type CsvColumnType = (typeof CSV_COLUMN_TYPES)[number];

/** What an empty cell becomes: left out (so defaults and optionality apply), null, or ''. */
type EmptyCell = 'omit' | 'null' | 'empty-string';

export interface CsvColumn {
  readonly name: string;
  /** `address.city` → `['address', 'city']`; empty for a column with no name, which is ignored. */
  readonly path: readonly string[];
  readonly type: CsvColumnType;
  readonly empty: EmptyCell;
  /** A typed header's own conversion (`age.int32()`), instead of `type`'s. */
  readonly convert?: CellConverter;
}

/** How a header becomes columns: types, the schema to infer them from, the zone of zone-less dates. */
export interface HeaderSettings {
  readonly types: Readonly<Record<string, CsvColumnType>> | undefined;
  readonly schema: z.$ZodObject | undefined;
  readonly zone: TimeZone;
  /** Header cells carry mongoimport types: `name.type(argument)`. */
  readonly typedHeader: boolean;
  /** Every empty cell is left out of the document. */
  readonly ignoreBlanks: boolean;
}

/** The header, checked: `{ columns }`, or the reason it cannot describe objects. */
export function toColumns(
  cells: readonly string[],
  settings: HeaderSettings,
): { columns: CsvColumn[] } | { problem: string } {
  const { types, schema } = settings;
  const seen = new Map<string, string>();
  const columns: CsvColumn[] = [];
  for (const cell of cells) {
    const typed = settings.typedHeader
      ? typedHeaderCell(cell, settings.zone, schema !== undefined)
      : undefined;
    if (typed && 'problem' in typed) return typed;
    const name = typed ? typed.name : cell;
    // A column with no name is ignored; any other must name a field the server accepts.
    const problem = name === '' ? undefined : fieldNameProblem(name);
    if (problem) return { problem: `Header ${JSON.stringify(name)} is not a usable field path: ${problem}` };
    const path = name === '' ? [] : name.split('.');
    for (let i = 1; i <= path.length; i++) {
      const prefix = path.slice(0, i).join('.');
      const role = i === path.length ? 'leaf' : 'branch';
      const previous = seen.get(prefix);
      if (previous !== undefined && (previous === 'leaf' || role === 'leaf')) {
        return {
          problem: `Header ${JSON.stringify(name)} collides with another column at ${JSON.stringify(prefix)}`,
        };
      }
      seen.set(prefix, role);
    }
    const field = schema ? fieldAt(schema, path) : undefined;
    const type = types?.[name] ?? (field ? typeOf(field.type) : 'string');
    const empty: EmptyCell = settings.ignoreBlanks
      ? 'omit'
      : field?.optional
        ? 'omit'
        : field?.nullable
          ? 'null'
          : type === 'string' && (typed === undefined || typed.text)
            ? 'empty-string'
            : 'omit';
    const convert = typed?.convert ?? (type === 'date' ? dateConverter(settings.zone) : undefined);
    columns.push({ name, path, type, empty, ...(convert ? { convert } : {}) });
  }
  return { columns };
}

/** A row to an object, or the message of the first cell that does not convert. */
export function toObject(
  columns: readonly CsvColumn[],
  cells: readonly string[],
): { value: Record<string, unknown> } | { problem: string } {
  const value: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    if (column.path.length === 0) continue;
    const cell = cells[i]!;
    let converted: unknown;
    if (cell === '') {
      if (column.empty === 'omit') continue;
      converted = column.empty === 'null' ? null : '';
    } else {
      converted = column.convert ? column.convert(cell) : convert(cell, column.type);
      if (converted === INVALID) {
        return {
          problem: `Column ${JSON.stringify(column.name)}: expected ${article(column.type)}, got ${JSON.stringify(cell)}`,
        };
      }
      if (converted instanceof Invalid) {
        return { problem: `Column ${JSON.stringify(column.name)}: ${converted.message}` };
      }
    }
    setPath(value, column.path, converted);
  }
  return { value };
}

const INVALID = Symbol('invalid');

function convert(cell: string, type: CsvColumnType): unknown {
  switch (type) {
    case 'string':
      return cell;
    case 'number': {
      const text = cell.trim();
      const number = Number(text);
      return text === '' || Number.isNaN(number) ? INVALID : number;
    }
    case 'boolean': {
      const text = cell.trim().toLowerCase();
      if (text === 'true' || text === '1' || text === 'yes') return true;
      if (text === 'false' || text === '0' || text === 'no') return false;
      return INVALID;
    }
    case 'date':
      return dateConverter(undefined)(cell);
    case 'json':
      try {
        return parseJsonText(cell, 'relaxed');
      } catch {
        return INVALID;
      }
  }
}

/** Zone-less date text read in `zone` (UTC by default), never in the machine's local time. */
function dateConverter(zone: TimeZone | undefined): CellConverter {
  return (cell) => {
    const date = parseDateText(cell, zone);
    return date instanceof Date ? date : new Invalid(date.problem);
  };
}

function article(type: CsvColumnType): string {
  return type === 'json' ? 'JSON' : `a ${type}`;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    // Own properties only: `constructor` on a plain object is inherited, and must not be walked into.
    if (!Object.hasOwn(node, key)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

interface SchemaField {
  readonly type: z.$ZodType;
  readonly optional: boolean;
  readonly nullable: boolean;
}

/** The field a dotted path names in an object schema, with its wrappers unwrapped. */
function fieldAt(schema: z.$ZodType, path: readonly string[]): SchemaField | undefined {
  let node: SchemaField = { type: schema, optional: false, nullable: false };
  for (const segment of path) {
    const object = unwrap(node.type).type;
    if (object._zod.def.type !== 'object') return undefined;
    const child = (object._zod.def as z.$ZodObjectDef).shape[segment];
    if (!child) return undefined;
    node = unwrap(child);
  }
  return node;
}

function unwrap(type: z.$ZodType): SchemaField {
  let optional = type._zod.optin !== undefined;
  let nullable = false;
  let current = type;
  for (;;) {
    const def = current._zod.def as z.$ZodTypeDef & {
      innerType?: z.$ZodType;
      in?: z.$ZodType;
      out?: z.$ZodType;
    };
    if (def.type === 'optional' || def.type === 'default' || def.type === 'prefault') optional = true;
    if (def.type === 'nullable') nullable = true;
    // A pipe's input is what the cell must become, unless it is a preprocess step (then its output).
    const inner =
      def.type === 'pipe' ? (def.in?._zod.def.type === 'transform' ? def.out : def.in) : def.innerType;
    if (!inner) return { type: current, optional, nullable };
    current = inner;
  }
}

function typeOf(type: z.$ZodType): CsvColumnType {
  switch (type._zod.def.type) {
    case 'number':
    case 'int':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'object':
    case 'record':
    case 'array':
    case 'tuple':
      return 'json';
    default:
      return 'string';
  }
}
