import fc from "fast-check";
import { quantileSorted } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { quantileInPlace, quantileOfCounts, quantilesOf, selectInPlace } from "../../src/analysis/internal/quantiles.js";
import { RankKernel } from "../../src/analysis/internal/rankKernel.js";
import { rankValues } from "../../src/index.js";

fc.configureGlobal({ seed: 1111, numRuns: 300 });

/** Values with many ties and near-ties: decimals, binary noise, values on half-way points. */
const value = fc.oneof(
  fc.integer({ min: 0, max: 20 }).map((k) => k / 20),
  fc.integer({ min: 0, max: 2000 }).map((k) => k / 1000 + 0.0005), // half-way at 3 decimals
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.integer({ min: 0, max: 10 }).map((k) => (k / 10) * 3 - 0.1 * k * 3 + k / 10), // k/10 with binary noise
  fc.double({ min: -1, max: 0, noNaN: true }),
  fc.constant(Number.NaN),
);
/** The same without negatives (which send the ranker to its general path), scores as they come. */
const score = fc.oneof(
  fc.integer({ min: 0, max: 20 }).map((k) => k / 20),
  fc.integer({ min: 0, max: 2000 }).map((k) => k / 1000 + 0.0005),
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.constant(Number.NaN),
);

describe("RankKernel ranks as rankValues", () => {
  it("descending competition ranks equal rankValues', ascending ones rankValues({ order: ascending })'s, at any decimals", () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 40 }), fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }), (values, decimals) => {
        const kernel = new RankKernel(values.length, decimals);
        const ranks = new Int32Array(values.length);
        const low = new Int32Array(values.length);
        const m = kernel.rank(values, ranks, low);
        const asNull = values.map((v) => (Number.isNaN(v) ? null : v));
        const options = decimals === undefined ? {} : { decimals };
        expect(Array.from(ranks, (r) => (r === 0 ? null : r))).toEqual(rankValues(asNull, options));
        expect(Array.from(low, (r) => (r === 0 ? null : r))).toEqual(rankValues(asNull, { ...options, order: "ascending" }));
        expect(m).toBe(asNull.filter((v) => v !== null).length);
      }),
    );
  });

  it("on 256 units and more (the radix path), ranks equal rankValues' too", () => {
    fc.assert(
      fc.property(fc.array(score, { minLength: 256, maxLength: 700 }), fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }), (values, decimals) => {
        const kernel = new RankKernel(values.length, decimals);
        const ranks = new Int32Array(values.length + 3).fill(-7);
        const low = new Int32Array(values.length);
        kernel.rank(values, ranks, low, 3); // ranks written from position 3
        const asNull = values.map((v) => (Number.isNaN(v) ? null : v));
        const options = decimals === undefined ? {} : { decimals };
        expect(Array.from(ranks.subarray(0, 3))).toEqual([-7, -7, -7]);
        expect(Array.from(ranks.subarray(3), (r) => (r === 0 ? null : r))).toEqual(rankValues(asNull, options));
        expect(Array.from(low, (r) => (r === 0 ? null : r))).toEqual(rankValues(asNull, { ...options, order: "ascending" }));
      }),
      { numRuns: 60, endOnFailure: true }, // shrinking arrays of hundreds of values takes minutes
    );
  });

  it("the key is Number(formatFixed(x, d)) on values at and near half-way points, where the fast path hands over", () => {
    const kernel = new RankKernel(1, 2);
    // 0.125 is exact in binary: half up gives 0.13; 0.145 is 0.14499999999999999 in binary but
    // 0.145 read at 15 digits, so it rounds to 0.15 as a hand calculation does.
    expect(kernel.key(0.125)).toBe(0.13);
    expect(kernel.key(0.145)).toBe(0.15);
    expect(kernel.key(-0.125)).toBe(-0.13);
    expect(Object.is(kernel.key(-0.001), 0)).toBe(true);
    expect(new RankKernel(1, 12).key(0.1 + 0.2)).toBe(0.3);
    expect(new RankKernel(1, undefined).key(0.1 + 0.2)).toBe(0.1 + 0.2);
  });

  it("by hand: ties share the best rank and the next skips (1224), the lowest ranks 1 from below", () => {
    const kernel = new RankKernel(5, undefined);
    const ranks = new Int32Array(5);
    const low = new Int32Array(5);
    expect(kernel.rank([0.5, 0.7, Number.NaN, 0.5, 0.2], ranks, low)).toBe(4);
    expect(Array.from(ranks)).toEqual([2, 1, 0, 2, 4]);
    expect(Array.from(low)).toEqual([2, 4, 0, 2, 1]);
  });
});

describe("quantiles of Monte Carlo columns equal quantileSorted on the sorted column", () => {
  const ps = [0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.95, 1, 1 / 3];
  it("quantileInPlace (selection) on doubles with ties", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 30 }).map((k) => k / 7), { minLength: 1, maxLength: 120 }), fc.constantFrom(...ps), (xs, p) => {
        const a = Float64Array.from([9, ...xs, 9]); // a range inside a larger array
        const want = quantileSorted([...xs].sort((x, y) => x - y), p);
        expect(quantileInPlace(a, 1, xs.length + 1, p)).toBe(want);
        expect([...a.subarray(1, xs.length + 1)].sort((x, y) => x - y)).toEqual([...xs].sort((x, y) => x - y)); // values kept
      }),
    );
  });

  it("quantilesOf gives each probability's quantileInPlace, several at once", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }).map((k) => k / 3), { minLength: 1, maxLength: 90 }), fc.array(fc.constantFrom(...ps), { minLength: 1, maxLength: 5 }), (xs, probs) => {
        const sorted = [...xs].sort((x, y) => x - y);
        const out = new Float64Array(probs.length);
        quantilesOf(Float64Array.from(xs), 0, xs.length, probs, out);
        expect(Array.from(out)).toEqual(probs.map((p) => quantileSorted(sorted, p)));
      }),
    );
  });

  it("quantilesOf by buckets on long columns (over 4,096 values), with ties, outliers and a narrow spread, leaving the column unchanged", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4097, max: 9000 }),
        fc.constantFrom("uniform", "ties", "outlier", "narrow"),
        fc.integer({ min: 1, max: 1000 }),
        (n, shape, seed) => {
          let x = seed;
          const next = () => ((x = (x * 16807) % 2147483647) / 2147483647);
          const xs = Float64Array.from({ length: n }, (_, i) =>
            shape === "uniform" ? next() : shape === "ties" ? Math.floor(next() * 5) / 4 : shape === "outlier" ? (i === 0 ? 1e6 : next()) : 0.5 + next() * 1e-12,
          );
          const before = Float64Array.from(xs);
          const probs = [0.5, 0.05, 0.95, 0, 1, 0.25];
          const out = new Float64Array(probs.length);
          quantilesOf(xs, 0, n, probs, out);
          const sorted = [...xs].sort((p, q) => p - q);
          expect(Array.from(out)).toEqual(probs.map((p) => quantileSorted(sorted, p)));
          expect(xs).toEqual(before);
        },
      ),
      { numRuns: 25, endOnFailure: true },
    );
  });

  it("selectInPlace puts the k-th smallest at k, smaller before and larger after", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.nat(), (xs, kk) => {
        const a = Float64Array.from(xs);
        const k = kk % xs.length;
        const v = selectInPlace(a, 0, a.length, k);
        expect(v).toBe([...xs].sort((x, y) => x - y)[k]);
        for (let i = 0; i < k; i++) expect(a[i]!).toBeLessThanOrEqual(v);
        for (let i = k + 1; i < a.length; i++) expect(a[i]!).toBeGreaterThanOrEqual(v);
      }),
    );
  });

  it("quantileOfCounts (counting) on integer ranks", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 150 }), fc.constantFrom(...ps), (ranks, p) => {
        const counts = new Int32Array(13);
        for (const r of ranks) counts[r]!++;
        expect(quantileOfCounts(counts, ranks.length, p)).toBe(quantileSorted([...ranks].sort((x, y) => x - y), p));
      }),
    );
  });
});
