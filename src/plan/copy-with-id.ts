/**
 * Copies a caller's document with an `_id` in front, leaving the caller's object as it was.
 * `{ _id, ...doc }` takes V8's generic property copy, about 0.5 µs for a ~200 B document: about
 * half of planning an insert. An object literal of the same keys is built in one step.
 * The documents of one call mostly share a shape, so one literal is compiled, for the first
 * document's keys; a document of another shape, or where code cannot be compiled, takes the spread.
 */
export type IdCopier = (doc: Record<string, unknown>, id: unknown) => Record<string, unknown>;

type Literal = (doc: Record<string, unknown>, id: unknown) => Record<string, unknown>;

/** Bounds the generated source; wider documents take the spread (measured only with 8 keys). */
const MAX_KEYS = 64;

/** Compiled literals by shape, shared by calls (a call of ten documents must not compile anew). */
const compiled = new Map<string, Literal | null>();
const MAX_SHAPES = 100;

/** A copier for one call: it compiles for the first document it sees. */
export function idCopier(): IdCopier {
  let keys: string[] = [];
  let literal: Literal | null | undefined;
  return (doc, id) => {
    if (literal === undefined) {
      keys = Object.keys(doc);
      literal = literalFor(keys);
    }
    if (literal !== null && hasKeys(doc, keys)) return literal(doc, id);
    return { _id: id, ...doc };
  };
}

/** Same own enumerable keys, same order, plain prototype: what the literal reads is what spread copies. */
function hasKeys(doc: Record<string, unknown>, keys: readonly string[]): boolean {
  if (Object.getPrototypeOf(doc) !== Object.prototype) return false;
  let i = 0;
  for (const key in doc) if (keys[i++] !== key) return false;
  return i === keys.length;
}

function literalFor(keys: readonly string[]): Literal | null {
  const shape = JSON.stringify(keys);
  let literal = compiled.get(shape);
  if (literal === undefined) {
    // Shapes beyond the bound start the cache again: a source of ever-new shapes stays bounded.
    if (compiled.size >= MAX_SHAPES) compiled.clear();
    literal = compile(keys);
    compiled.set(shape, literal);
  }
  return literal;
}

function compile(keys: readonly string[]): Literal | null {
  // `__proto__` in a literal sets the prototype instead of a field; `_id` is the one we add.
  if (keys.length === 0 || keys.length > MAX_KEYS || keys.includes('__proto__') || keys.includes('_id')) {
    return null;
  }
  // Keys enter the source only as JSON string literals, so no key can change the code.
  const fields = keys.map((k) => `${JSON.stringify(k)}: doc[${JSON.stringify(k)}]`).join(', ');
  try {
    return new Function('doc', 'id', `return { _id: id, ${fields} };`) as Literal;
  } catch {
    // Code generation is off (--disallow-code-generation-from-strings, a CSP).
    return null;
  }
}
