import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KahanAccumulator, compensatedSum } from "../../src/internal/sum.js";

const naiveSum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

describe("compensatedSum", () => {
  it("compensatedSum([1, 1e100, 1, -1e100]) returns 2 where a naive sum returns 0", () => {
    expect(naiveSum([1, 1e100, 1, -1e100])).toBe(0);
    expect(compensatedSum([1, 1e100, 1, -1e100])).toBe(2);
  });

  it("sums 0.1 ten times to exactly 1 where a naive sum does not", () => {
    const tenths = new Array<number>(10).fill(0.1);
    expect(naiveSum(tenths)).toBe(0.9999999999999999);
    expect(compensatedSum(tenths)).toBe(1);
  });

  it("returns 0 for empty input and accepts any array-like", () => {
    expect(compensatedSum([])).toBe(0);
    expect(compensatedSum(new Float64Array([0.1, 0.2, 0.3]))).toBe(0.6);
    expect(compensatedSum({ length: 2, 0: 1.5, 1: 2.5 })).toBe(4);
  });

  it("follows IEEE arithmetic for non-finite terms", () => {
    expect(compensatedSum([1, NaN, 2])).toBeNaN();
    expect(compensatedSum([1, Infinity, 2])).toBe(Infinity);
    expect(compensatedSum([-Infinity, 1])).toBe(-Infinity);
    expect(compensatedSum([Infinity, -Infinity])).toBeNaN();
    expect(compensatedSum([1e308, 1e308])).toBe(Infinity);
  });

  it("does not mutate its input", () => {
    const values = Object.freeze([0.1, 0.2, 0.3]);
    expect(compensatedSum(values)).toBe(0.6);
    expect(values).toEqual([0.1, 0.2, 0.3]);
  });

  it("throws TypeError on input that is not array-like", () => {
    expect(() => compensatedSum(undefined as unknown as number[])).toThrow(/^compensatedSum: /);
    expect(() => compensatedSum(5 as unknown as number[])).toThrow(TypeError);
  });

  it("is exact for integers and does not depend on order for small sums", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { maxLength: 200 }), (xs) => {
        expect(compensatedSum(xs)).toBe(naiveSum(xs));
        expect(compensatedSum([...xs].reverse())).toBe(naiveSum(xs));
      }),
      { seed: 1 },
    );
  });

  it("is never further from the exact sum of its terms than the naive sum", () => {
    // Terms k/1000 with |k| <= 1e6 are multiples of 2^-62, and so are all partial sums and
    // rounding errors: scaled by 2^80 they are exact BigInts, which gives the exact sum.
    const SCALE = 2 ** 80;
    const exactScaled = (x: number): bigint => BigInt(x * SCALE);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { maxLength: 300 }), (ks) => {
        const xs = ks.map((k) => k / 1000);
        const exact = xs.reduce((a, x) => a + exactScaled(x), 0n);
        const error = (y: number): bigint => {
          const d = exactScaled(y) - exact;
          return d < 0n ? -d : d;
        };
        expect(error(compensatedSum(xs)) <= error(naiveSum(xs))).toBe(true);
        // And it lands on the correctly rounded exact sum (BigInt → Number rounds to nearest).
        expect(compensatedSum(xs)).toBe(Number(exact) / SCALE);
      }),
      { seed: 2, numRuns: 500 },
    );
  });
});

describe("KahanAccumulator", () => {
  it("new KahanAccumulator().value() returns 0", () => {
    expect(new KahanAccumulator().value()).toBe(0);
  });

  it("adds one term at a time and can be read at any point", () => {
    const acc = new KahanAccumulator();
    for (let i = 0; i < 10; i++) acc.add(0.1);
    expect(acc.value()).toBe(1);
    acc.add(1e100).add(1).add(-1e100);
    expect(acc.value()).toBe(2);
  });

  it("matches compensatedSum", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e10, max: 1e10 })), (xs) => {
        const acc = new KahanAccumulator();
        for (const x of xs) acc.add(x);
        expect(acc.value()).toBe(compensatedSum(xs));
      }),
      { seed: 3 },
    );
  });
});
