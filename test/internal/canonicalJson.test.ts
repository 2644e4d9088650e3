import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CANONICAL_JSON_MAX_DEPTH, canonicalJson } from "../../src/internal/canonicalJson.js";

/** n arrays nested inside one another around 0. */
const nested = (n: number): unknown => {
  let value: unknown = 0;
  for (let i = 0; i < n; i++) value = [value];
  return value;
};

describe("canonicalJson", () => {
  it("sorts keys at every depth and writes no whitespace", () => {
    expect(canonicalJson({ b: [1, { d: true, c: null }], a: "x" })).toBe('{"a":"x","b":[1,{"c":null,"d":true}]}');
    expect(canonicalJson({ z: { y: { b: 2, a: 1 } }, a: [] })).toBe('{"a":[],"z":{"y":{"a":1,"b":2}}}');
  });

  it("writes scalars as JSON.stringify does", () => {
    expect(canonicalJson(null)).toBe("null");
    expect(canonicalJson(true)).toBe("true");
    expect(canonicalJson(false)).toBe("false");
    expect(canonicalJson(0.1)).toBe("0.1");
    expect(canonicalJson(-0)).toBe("0");
    expect(canonicalJson(1e21)).toBe("1e+21");
    expect(canonicalJson("Nuevo León \"NL\"\n")).toBe('"Nuevo León \\"NL\\"\\n"');
    expect(canonicalJson("\ud800")).toBe('"\\ud800"');
  });

  it("keeps array order and writes empty containers", () => {
    expect(canonicalJson([3, 1, 2])).toBe("[3,1,2]");
    expect(canonicalJson({})).toBe("{}");
    expect(canonicalJson([])).toBe("[]");
  });

  it("drops undefined properties", () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(canonicalJson({ a: undefined })).toBe("{}");
  });

  it("sorts keys by code point, not by UTF-16 code unit", () => {
    // U+1F600 (surrogates D83D DE00) sorts after U+FF5E by code point, before it by code unit.
    const value = { "\u{1F600}": 1, "\uFF5E": 2, a: 3, B: 4, "": 5, aa: 6 };
    expect(canonicalJson(value)).toBe('{"":5,"B":4,"a":3,"aa":6,"\uFF5E":2,"\u{1F600}":1}');
  });

  it('keeps an own "__proto__" property from JSON.parse as ordinary data', () => {
    const parsed: unknown = JSON.parse('{"b":1,"__proto__":{"x":1},"a":2}');
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"x":1},"a":2,"b":1}');
    const polluted: unknown = JSON.parse('{"__proto__":{"polluted":true}}');
    canonicalJson(polluted);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(canonicalJson(JSON.parse('{"constructor":1,"toString":2}'))).toBe('{"constructor":1,"toString":2}');
  });

  it("accepts null-prototype objects and shared references", () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    expect(canonicalJson(bare)).toBe('{"a":2,"b":1}');
    const shared = { x: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });

  it("round-trips any JSON value to equal data and is idempotent", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text); // idempotent through a round trip
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { seed: 8785 },
    );
  });

  it("is the same for any key insertion order", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (record) => {
        const entries = Object.entries(record);
        const reversed: Record<string, number> = {};
        for (const [k, v] of entries.reverse()) Object.defineProperty(reversed, k, { value: v, enumerable: true });
        expect(canonicalJson(reversed)).toBe(canonicalJson(record));
      }),
      { seed: 7 },
    );
  });

  it("does not mutate its input", () => {
    const value = Object.freeze({ b: Object.freeze([1, 2]), a: Object.freeze({ d: 1, c: 2 }) });
    expect(canonicalJson(value)).toBe('{"a":{"c":2,"d":1},"b":[1,2]}');
  });

  it("throws TypeError on values JSON cannot hold, naming the path", () => {
    expect(() => canonicalJson({ a: [1, NaN] })).toThrow(new TypeError("canonicalJson: non-finite number NaN at $.a[1]"));
    expect(() => canonicalJson(Infinity)).toThrow(/^canonicalJson: non-finite number Infinity at \$$/);
    expect(() => canonicalJson({ "a b": -Infinity })).toThrow('canonicalJson: non-finite number -Infinity at $["a b"]');
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/^canonicalJson: cannot serialize function at \$\.f$/);
    expect(() => canonicalJson(10n)).toThrow(/^canonicalJson: cannot serialize bigint/);
    expect(() => canonicalJson(Symbol("s"))).toThrow(TypeError);
    expect(() => canonicalJson(undefined)).toThrow(/^canonicalJson: cannot serialize undefined at \$$/);
    expect(() => canonicalJson([1, undefined])).toThrow(TypeError);
    expect(() => canonicalJson([1, , 3])).toThrow(/at \$\[1\]$/);
    expect(() => canonicalJson({ d: new Date(0) })).toThrow(/^canonicalJson: cannot serialize a Date object at \$\.d$/);
    expect(() => canonicalJson(new Map())).toThrow(TypeError);
    class Point {
      x = 1;
    }
    expect(() => canonicalJson(new Point())).toThrow(TypeError);
  });

  it("throws TypeError on a cycle", () => {
    const a: Record<string, unknown> = { x: 1 };
    a["self"] = { back: a };
    expect(() => canonicalJson(a)).toThrow(new TypeError("canonicalJson: cycle at $.self.back"));
    const list: unknown[] = [];
    list.push(list);
    expect(() => canonicalJson(list)).toThrow(/^canonicalJson: cycle at \$\[0\]$/);
  });

  it("accepts 200 levels of nesting and throws RangeError beyond", () => {
    expect(CANONICAL_JSON_MAX_DEPTH).toBe(200);
    expect(canonicalJson(nested(200))).toBe(`${"[".repeat(200)}0${"]".repeat(200)}`);
    expect(() => canonicalJson(nested(201))).toThrow(RangeError);
    expect(() => canonicalJson(nested(201))).toThrow(/^canonicalJson: nesting deeper than 200/);
    // Hostile nesting fails fast with the same error instead of overflowing the stack.
    expect(() => canonicalJson(nested(1_000_000))).toThrow(RangeError);
    expect(() => canonicalJson(JSON.parse(`${"[".repeat(100_000)}${"]".repeat(100_000)}`))).toThrow(RangeError);
  });
});
