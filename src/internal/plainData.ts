/**
 * Untrusted documents and inputs become plain data before anything reads them.
 *
 * A rubric, a crosswalk or a body's input may come from anywhere: parsed JSON, an object built by
 * a caller, a `Proxy`, an object with getters. Reading such a thing directly lets the outside world
 * in: an inherited `Object.prototype.rule` answers a lookup of a key the node does not have, and a
 * getter can answer differently the second time it is read (validated as 0.5, compiled as -5).
 *
 * `plainData` reads each own enumerable property exactly once, into arrays and null-prototype
 * objects, so that every later read (validation, compilation, scoring) sees the same snapshot and
 * nothing inherited. It never recurses (a deep document cannot overflow the stack) and stops at a
 * depth and a size limit (a cyclic or huge object cannot hang it).
 */

/** Why a value could not be copied. */
export interface PlainDataProblem {
  readonly code: "nesting_too_deep" | "too_large" | "unreadable";
  readonly message: string;
}

export interface PlainDataLimits {
  /** Deepest nesting of arrays and objects (the top value is depth 1). */
  readonly maxDepth: number;
  /** Most values (primitives, arrays and objects) in all. */
  readonly maxValues: number;
}

/** A null-prototype record: a key lookup never reaches `Object.prototype`. */
export type PlainRecord = Record<string, unknown>;

/**
 * Copies a value into plain data: arrays stay arrays, every other object becomes a null-prototype
 * object of its own enumerable string keys, primitives are kept. Each property is read once.
 * @param value - anything
 * @param limits - depth and size limits
 * @returns `{ value }`, or `{ problem }` when a limit is passed or a read throws (a revoked proxy,
 *   a throwing getter)
 */
export function plainData(value: unknown, limits: PlainDataLimits): { readonly value: unknown } | { readonly problem: PlainDataProblem } {
  if (value === null || typeof value !== "object") return { value };
  let count = 0;
  try {
    const root = shell(value);
    const stack: { from: object; to: unknown[] | PlainRecord; depth: number }[] = [{ from: value, to: root, depth: 1 }];
    while (stack.length > 0) {
      const { from, to, depth } = stack.pop()!;
      const put = (key: string | number, v: unknown) => {
        if (++count > limits.maxValues) throw new LimitError("too_large", `the document holds more than ${limits.maxValues} values`);
        if (v !== null && typeof v === "object") {
          if (depth + 1 > limits.maxDepth) throw new LimitError("nesting_too_deep", `the document nests deeper than ${limits.maxDepth} levels`);
          const copy = shell(v);
          (to as Record<string | number, unknown>)[key] = copy;
          stack.push({ from: v, to: copy, depth: depth + 1 });
        } else (to as Record<string | number, unknown>)[key] = v;
      };
      if (Array.isArray(to)) {
        const source = from as unknown[];
        const length = source.length;
        if (length > limits.maxValues) throw new LimitError("too_large", `an array holds ${length} items, more than ${limits.maxValues}`);
        for (let i = 0; i < length; i++) put(i, Object.prototype.hasOwnProperty.call(source, i) ? source[i] : undefined);
      } else {
        for (const key of Object.keys(from)) put(key, (from as PlainRecord)[key]);
      }
    }
    return { value: root };
  } catch (e) {
    if (e instanceof LimitError) return { problem: { code: e.code, message: e.message } };
    return { problem: { code: "unreadable", message: `the document could not be read: ${e instanceof Error ? e.message : String(e)}` } };
  }
}

class LimitError extends Error {
  constructor(
    readonly code: "nesting_too_deep" | "too_large",
    message: string,
  ) {
    super(message);
  }
}

function shell(v: object): unknown[] | PlainRecord {
  return Array.isArray(v) ? [] : (Object.create(null) as PlainRecord);
}

/**
 * Reads an own property of a caller's object, never an inherited one.
 * @param o - any value
 * @param key - the property
 * @returns the value, or undefined when `o` is not an object or does not own `key`
 */
export function ownProperty(o: unknown, key: string): unknown {
  return o !== null && typeof o === "object" && Object.prototype.hasOwnProperty.call(o, key) ? (o as PlainRecord)[key] : undefined;
}

/**
 * Deep-freezes plain data (arrays and objects; typed arrays are not plain data and never reach here).
 * @param value - plain data from `plainData`
 * @returns the same value, frozen
 */
export function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v !== null && typeof v === "object" && !Object.isFrozen(v)) {
      Object.freeze(v);
      for (const child of Object.values(v)) stack.push(child);
    }
  }
  return value;
}
