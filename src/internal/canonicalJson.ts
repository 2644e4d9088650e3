/**
 * Canonical JSON: one text for one value, so equal data hashes equal.
 *
 * Object keys are sorted by Unicode code point at every depth, there is no whitespace, arrays keep
 * their order, numbers and strings are written as `JSON.stringify` writes them. Only JSON data is
 * accepted: `null`, booleans, finite numbers, strings, arrays and plain objects. The output is built
 * as a string and keys are read with `Object.keys`, so an own `"__proto__"` key (as `JSON.parse`
 * creates) is kept like any other.
 */

/** Deepest nesting of arrays and objects accepted; deeper input throws instead of overflowing. */
export const CANONICAL_JSON_MAX_DEPTH = 200;

/**
 * Serializes JSON data canonically: keys sorted by code point, no whitespace.
 *
 * Object properties whose value is `undefined` are dropped; `undefined` anywhere else (the top
 * level, an array element or hole) is an error, as are values JSON cannot hold. `-0` is written `0`.
 * Shared (non-cyclic) references are written once per occurrence.
 *
 * @param value - The data; `toJSON` methods are not called.
 * @returns The canonical JSON text.
 * @throws TypeError on a non-finite number, a bigint, a function, a symbol, `undefined` outside an
 *   object property, an object that is not a plain object or array (Date, Map, class instance), or
 *   a cycle; the message names the path, such as `$.a[2]`.
 * @throws RangeError when arrays and objects nest deeper than 200.
 * @example
 * canonicalJson({ b: [1, { d: true, c: null }], a: "x", z: undefined }); // => '{"a":"x","b":[1,{"c":null,"d":true}]}'
 */
export function canonicalJson(value: unknown): string {
  return write(value, "$", 0, new Set());
}

function write(value: unknown, path: string, depth: number, ancestors: Set<object>): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) {
        throw new TypeError(`canonicalJson: non-finite number ${String(value)} at ${path}`);
      }
      return JSON.stringify(value);
    case "object":
      if (value === null) return "null";
      return writeContainer(value, path, depth, ancestors);
    default:
      throw new TypeError(`canonicalJson: cannot serialize ${typeof value} at ${path}`);
  }
}

function writeContainer(value: object, path: string, depth: number, ancestors: Set<object>): string {
  if (depth >= CANONICAL_JSON_MAX_DEPTH) {
    throw new RangeError(`canonicalJson: nesting deeper than ${CANONICAL_JSON_MAX_DEPTH} at ${path}`);
  }
  if (ancestors.has(value)) throw new TypeError(`canonicalJson: cycle at ${path}`);
  ancestors.add(value);
  let out: string;
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (let i = 0; i < value.length; i++) {
      parts.push(write(value[i], `${path}[${i}]`, depth + 1, ancestors));
    }
    out = `[${parts.join(",")}]`;
  } else {
    if (!isPlainObject(value)) {
      const name = Object.prototype.toString.call(value).slice(8, -1);
      throw new TypeError(`canonicalJson: cannot serialize a ${name} object at ${path}`);
    }
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort(compareCodePoints)) {
      const item = record[key];
      if (item === undefined) continue;
      parts.push(`${JSON.stringify(key)}:${write(item, childPath(path, key), depth + 1, ancestors)}`);
    }
    out = `{${parts.join(",")}}`;
  }
  ancestors.delete(value);
  return out;
}

/** A plain object: prototype `null` or an `Object.prototype` (of any realm). */
function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/** Orders strings by Unicode code point (not UTF-16 code unit, which misorders astral characters). */
function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(j) as number;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return (a.length - i) - (b.length - j);
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}
