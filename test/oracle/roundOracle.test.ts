/**
 * roundHalfUp and formatFixed against their documented rule, computed independently: the exact
 * decimal expansion of the double (every double is m·2^e, so m·5^-e / 10^-e is its exact decimal),
 * read at 15 significant digits the way `toPrecision(15)` is specified (nearest, ties to the larger
 * magnitude), then rounded half away from zero to the places asked for, in BigInt. And the
 * compensated sums against the exact rational sum of their terms.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatFixed, roundHalfUp } from "../../src/index.js";
import { compensatedSum, KahanAccumulator } from "../../src/internal/sum.js";
import { add, fromDecimal, fromDouble, sub, toDouble, ZERO } from "./rational.js";

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: 195, numRuns: 3000 });

/** The exact decimal value of a finite double: |x| = digits · 10^-scale. */
function exactDecimal(x: number): { negative: boolean; digits: bigint; scale: number } {
  const r = fromDouble(Math.abs(x));
  // r.d is a power of two 2^k: n / 2^k = n·5^k / 10^k.
  const k = r.d.toString(2).length - 1;
  return { negative: x < 0 || Object.is(x, -0), digits: r.n * 5n ** BigInt(k), scale: k };
}

/** Rounds digits·10^-scale to `keep` significant digits, ties away from zero. */
function toSignificant(digits: bigint, scale: number, keep: number): { digits: bigint; scale: number } {
  const length = digits === 0n ? 1 : digits.toString().length;
  if (length <= keep) return { digits, scale };
  const cut = length - keep;
  const unit = 10n ** BigInt(cut);
  let kept = digits / unit;
  if (2n * (digits % unit) >= unit) kept += 1n;
  return { digits: kept, scale: scale - cut };
}

/** The documented rule: 15 significant digits, then half away from zero to `decimals` places, as text. */
function referenceFixed(x: number, decimals: number): string {
  const exact = exactDecimal(x);
  const read = toSignificant(exact.digits, exact.scale, 15);
  // |x| ≈ read.digits · 10^-read.scale; scaled = round(|x| · 10^decimals).
  const shift = decimals - read.scale;
  let scaled: bigint;
  if (shift >= 0) scaled = read.digits * 10n ** BigInt(shift);
  else {
    const unit = 10n ** BigInt(-shift);
    scaled = read.digits / unit;
    if (2n * (read.digits % unit) >= unit) scaled += 1n;
  }
  const text = scaled.toString().padStart(decimals + 1, "0");
  const body = decimals === 0 ? text : `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
  return exact.negative && scaled !== 0n ? `-${body}` : body;
}

/** Doubles of every kind: any magnitude, tiny and subnormal, huge, and near decimal ties. */
const doubleArb = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.double({ min: -1, max: 1, noNaN: true }),
  fc.tuple(fc.integer({ min: -99_999_999, max: 99_999_999 }), fc.integer({ min: 0, max: 12 })).map(([k, d]) => Number(`${k}5e-${d + 1}`)),
  fc.tuple(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 1, max: 16 })).map(([k, d]) => k / 10 ** d),
  fc.constantFrom(0.195, 0.185, 1.005, 2.675, 1e21, 1e-7, 5e-324, 123456789012345.5, 0.1 + 0.2, -0, 9.999999999999999e22, 1.7976931348623157e308),
  fc.integer({ min: -(2 ** 53), max: 2 ** 53 }).map((n) => n / 2 ** 20),
);

describe("formatFixed and roundHalfUp follow the documented rule on the exact value of the double", () => {
  it("formatFixed(x, d) is the 15-significant-digit reading of x rounded half away from zero", () => {
    fc.assert(
      fc.property(doubleArb, fc.integer({ min: 0, max: 15 }), (x, d) => {
        expect(formatFixed(x, d), `${x} to ${d}`).toBe(referenceFixed(x, d));
      }),
    );
  });

  it("roundHalfUp(x, d) is the double nearest that decimal, and +0 rather than -0", () => {
    fc.assert(
      fc.property(doubleArb, fc.integer({ min: 0, max: 15 }), (x, d) => {
        const expected = toDouble(fromDecimal(referenceFixed(x, d))!);
        const r = roundHalfUp(x, d);
        expect(r, `${x} to ${d}`).toBe(expected);
        if (r === 0) expect(Object.is(r, 0), `${x} to ${d} gives +0`).toBe(true);
      }),
    );
  });

  it("the rule itself: 0.195 → 0.20, 2.675 → 2.68, 1e21 → 1000000000000000000000, 5e-324 → 0", () => {
    expect(referenceFixed(0.195, 2)).toBe("0.20");
    expect(referenceFixed((0.1 + 0.2 + 0.285) / 3, 2)).toBe("0.20");
    expect(referenceFixed(2.675, 2)).toBe("2.68");
    expect(referenceFixed(-0.125, 2)).toBe("-0.13");
    expect(referenceFixed(1e21, 0)).toBe("1000000000000000000000");
    expect(referenceFixed(5e-324, 15)).toBe("0.000000000000000");
    expect(referenceFixed(-0, 1)).toBe("0.0");
    // 0.3849999 stays below the half at 15 digits.
    expect(referenceFixed(0.3849999, 2)).toBe("0.38");
  });
});

describe("compensated sums against the exact sum of their terms", () => {
  /** Terms with cancellation and magnitudes far apart, as the Neumaier form must survive. */
  const termsArb = fc.array(
    fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(1e100, -1e100, 1, 0.1, -0.1, 1e-20, 3), fc.integer({ min: -1000, max: 1000 }).map((k) => k / 1000)),
    { maxLength: 60 },
  );

  it("compensatedSum is within one rounding of the exact sum, plus the method's n·u² bound", () => {
    fc.assert(
      fc.property(termsArb, (xs) => {
        const exact = xs.reduce((t, x) => add(t, fromDouble(x)), ZERO);
        const s = compensatedSum(xs);
        const err = Math.abs(toDouble(sub(fromDouble(s), exact)));
        const magnitude = xs.reduce((t, x) => t + Math.abs(x), 0);
        const u = 2 ** -53;
        expect(err, `${xs}`).toBeLessThanOrEqual(2 * u * Math.abs(toDouble(exact)) + 4 * xs.length * u * u * magnitude);
      }),
      { numRuns: 1000 },
    );
  });

  it("KahanAccumulator gives the same total, term by term, as compensatedSum at every step", () => {
    fc.assert(
      fc.property(termsArb, (xs) => {
        const acc = new KahanAccumulator();
        xs.forEach((x, i) => {
          expect(acc.add(x)).toBe(acc);
          expect(acc.value()).toBe(compensatedSum(xs.slice(0, i + 1)));
        });
      }),
      { numRuns: 300 },
    );
  });
});
