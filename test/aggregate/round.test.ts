import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatFixed, roundHalfUp } from "../../src/aggregate/round.js";

/** Exact half-up (away from zero) rounding of k / 10^(d+1) to d places, as text, in BigInt. */
function expectedFixed(k: bigint, d: number): string {
  const negative = k < 0n;
  const magnitude = negative ? -k : k;
  let scaled = magnitude / 10n;
  if (magnitude % 10n >= 5n) scaled += 1n;
  const padded = scaled.toString().padStart(d + 1, "0");
  const body = d === 0 ? padded : `${padded.slice(0, -d)}.${padded.slice(-d)}`;
  return negative && scaled !== 0n ? `-${body}` : body;
}

describe("formatFixed", () => {
  it("formatFixed((0.1 + 0.2 + 0.285) / 3, 2) rounds the exact decimal mean 0.195 up", () => {
    // By hand: 0.1 + 0.2 + 0.285 = 0.585; 0.585 / 3 = 0.195 exactly; half up → 0.20.
    const mean = (0.1 + 0.2 + 0.285) / 3;
    expect(mean).toBe(0.19499999999999998); // the binary noise this function exists for
    expect(mean.toFixed(2)).toBe("0.19"); // what naive formatting publishes
    expect(formatFixed(mean, 2)).toBe("0.20");
  });

  it("rounds hand-checked halves up where toFixed and Math.round go down", () => {
    const cases: readonly (readonly [number, number, string])[] = [
      [0.195, 2, "0.20"],
      [0.185, 2, "0.19"],
      [1.005, 2, "1.01"],
      [2.675, 2, "2.68"],
      [0.125, 2, "0.13"],
      [0.3849999, 2, "0.38"],
      [123456.785, 2, "123456.79"],
      [1.45, 1, "1.5"],
      [0.5, 0, "1"],
      [1.5, 0, "2"],
      [2.5, 0, "3"],
      [0.0005, 3, "0.001"],
      [0.3333333333333333, 4, "0.3333"],
      [0.6666666666666666, 4, "0.6667"],
      [1, 2, "1.00"],
      [0.07, 0, "0"],
      [99.995, 2, "100.00"],
      [9.9999, 3, "10.000"],
    ];
    for (const [x, d, text] of cases) expect(formatFixed(x, d), `${x} to ${d}`).toBe(text);
  });

  it("rounds negatives half away from zero", () => {
    expect(formatFixed(-0.125, 2)).toBe("-0.13");
    expect(formatFixed(-0.195, 2)).toBe("-0.20");
    expect(formatFixed(-2.5, 0)).toBe("-3");
    expect(formatFixed(-0.124, 2)).toBe("-0.12");
  });

  it("never prints a negative zero", () => {
    expect(formatFixed(-0, 2)).toBe("0.00");
    expect(formatFixed(0, 2)).toBe("0.00");
    expect(formatFixed(-0.001, 2)).toBe("0.00");
    expect(formatFixed(-0.4, 0)).toBe("0");
  });

  it("handles tiny and large values without exponent notation", () => {
    expect(formatFixed(1e-7, 2)).toBe("0.00");
    expect(formatFixed(1e-7, 7)).toBe("0.0000001");
    expect(formatFixed(1e-7, 12)).toBe("0.000000100000");
    expect(formatFixed(5e-8, 7)).toBe("0.0000001");
    expect(formatFixed(1e21, 1)).toBe("1000000000000000000000.0");
    expect(formatFixed(0.1, 12)).toBe("0.100000000000");
    expect(formatFixed(0.1, 15)).toBe("0.100000000000000");
  });

  it("throws RangeError on a non-finite value or bad decimals", () => {
    for (const x of [NaN, Infinity, -Infinity]) {
      expect(() => formatFixed(x, 2)).toThrow(RangeError);
      expect(() => formatFixed(x, 2)).toThrow(/^formatFixed: /);
    }
    for (const d of [-1, 16, 1.5, NaN, Infinity]) {
      expect(() => formatFixed(1, d)).toThrow(RangeError);
      expect(() => formatFixed(1, d)).toThrow(/^formatFixed: decimals/);
    }
  });

  it("agrees with exact BigInt half-up rounding of k / 10^(d+1)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n) + 1n, max: 10n ** 15n - 1n }),
        fc.integer({ min: 0, max: 12 }),
        (k, d) => {
          const x = Number(k) / 10 ** (d + 1);
          expect(formatFixed(x, d)).toBe(expectedFixed(k, d));
        },
      ),
      { seed: 20170, numRuns: 2000 },
    );
  });

  it("agrees on exact halves k / 10^(d+1) with last digit 5", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 13n), max: 10n ** 13n }),
        fc.integer({ min: 0, max: 12 }),
        (m, d) => {
          const k = m * 10n + (m < 0n ? -5n : 5n);
          const x = Number(k) / 10 ** (d + 1);
          expect(formatFixed(x, d)).toBe(expectedFixed(k, d));
        },
      ),
      { seed: 195, numRuns: 2000 },
    );
  });
});

describe("roundHalfUp", () => {
  it("roundHalfUp((0.1 + 0.2 + 0.285) / 3, 2) returns 0.2", () => {
    expect(roundHalfUp((0.1 + 0.2 + 0.285) / 3, 2)).toBe(0.2);
    expect(Math.round(((0.1 + 0.2 + 0.285) / 3) * 100) / 100).toBe(0.19); // the naive way
  });

  it("returns the double nearest the rounded decimal", () => {
    expect(roundHalfUp(0.195, 2)).toBe(0.2);
    expect(roundHalfUp(0.185, 2)).toBe(0.19);
    expect(roundHalfUp(1.005, 2)).toBe(1.01);
    expect(roundHalfUp(2.675, 2)).toBe(2.68);
    expect(roundHalfUp(0.125, 2)).toBe(0.13);
    expect(roundHalfUp(0.3849999, 2)).toBe(0.38);
    expect(roundHalfUp(123456.785, 2)).toBe(123456.79);
    expect(roundHalfUp(-0.125, 2)).toBe(-0.13);
    expect(roundHalfUp(1e-7, 7)).toBe(1e-7);
    expect(roundHalfUp(0.3849999, 12)).toBe(0.3849999);
  });

  it("returns +0, never -0", () => {
    expect(Object.is(roundHalfUp(-0, 2), 0)).toBe(true);
    expect(Object.is(roundHalfUp(-0.001, 2), 0)).toBe(true);
  });

  it("passes NaN and infinities through", () => {
    expect(roundHalfUp(NaN, 2)).toBeNaN();
    expect(roundHalfUp(Infinity, 2)).toBe(Infinity);
    expect(roundHalfUp(-Infinity, 2)).toBe(-Infinity);
  });

  it("throws RangeError on bad decimals, even for NaN", () => {
    expect(() => roundHalfUp(NaN, -1)).toThrow(/^roundHalfUp: decimals/);
    expect(() => roundHalfUp(1, 2.5)).toThrow(RangeError);
  });

  it("equals Number(formatFixed(x, d)) for any finite x", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }), fc.integer({ min: 0, max: 15 }), (x, d) => {
        const r = roundHalfUp(x, d);
        expect(r).toBe(Number(formatFixed(x, d)) + 0);
      }),
      { seed: 42, numRuns: 2000 },
    );
  });
});
