import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sobol, type SobolFactor } from "../../src/analysis/index.js";

describe("sobol on the Ishigami function (a = 7, b = 0.1)", () => {
  // f(x) = sin x1 + a sin² x2 + b x3⁴ sin x1, x_i ~ U(−π, π). Closed forms (Ishigami and Homma
  // 1990; Saltelli et al. 2008, §4.9): V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2, V1 = (1 + bπ⁴/5)²/2,
  // V2 = a²/8, V3 = 0, V13 = b²π⁸(1/18 − 1/50) = 8b²π⁸/225; S_T1 = (V1 + V13)/V, S_T2 = V2/V,
  // S_T3 = V13/V.
  const a = 7;
  const b = 0.1;
  const pi4 = Math.PI ** 4;
  const pi8 = Math.PI ** 8;
  const V = (a * a) / 8 + (b * pi4) / 5 + (b * b * pi8) / 18 + 0.5;
  const V1 = 0.5 * (1 + (b * pi4) / 5) ** 2;
  const V2 = (a * a) / 8;
  const V13 = (8 * b * b * pi8) / 225;
  const first = [V1 / V, V2 / V, 0];
  const total = [(V1 + V13) / V, V2 / V, V13 / V];
  const factors = ["x1", "x2", "x3"].map((name) => ({ name, min: -Math.PI, max: Math.PI }));
  const ishigami = (x: Float64Array) => Math.sin(x[0]!) + a * Math.sin(x[1]!) ** 2 + b * x[2]! ** 4 * Math.sin(x[0]!);

  it("matches the analytic first-order and total indices within 0.02 at n = 2^13 (scrambled Sobol' points)", () => {
    expect(first[0]).toBeCloseTo(0.3139, 4); // the textbook values, as a check on the closed forms
    expect(total[2]).toBeCloseTo(0.2437, 4);
    const r = sobol({ factors, model: ishigami, n: 2 ** 13, seed: 1, bootstrap: 200 });
    expect(r.evaluations).toBe(2 ** 13 * 5);
    r.first.forEach((s, i) => expect(Math.abs(s! - first[i]!)).toBeLessThan(0.02));
    r.total.forEach((s, i) => expect(Math.abs(s! - total[i]!)).toBeLessThan(0.02));
    expect(r.variance).toBeCloseTo(V, 1);
    // Each interval holds its point estimate.
    r.firstInterval.forEach((iv, i) => expect(iv![0] <= r.first[i]! && r.first[i]! <= iv![1]).toBe(true));
    r.totalInterval.forEach((iv, i) => expect(iv![0] <= r.total[i]! && r.total[i]! <= iv![1]).toBe(true));
  });

  it("matches them within 0.02 with pseudo-random points too", () => {
    const r = sobol({ factors, model: ishigami, n: 2 ** 13, seed: 2, bootstrap: 0, sampling: "random" });
    r.first.forEach((s, i) => expect(Math.abs(s! - first[i]!)).toBeLessThan(0.02));
    r.total.forEach((s, i) => expect(Math.abs(s! - total[i]!)).toBeLessThan(0.02));
    expect(r.firstInterval).toEqual([null, null, null]);
  });
});

describe("sobol on linear models with independent uniform inputs", () => {
  // Y = Σ c_i X_i, X_i ~ U(lo_i, hi_i): Var Y = Σ c_i² (hi_i − lo_i)²/12, and the first-order index
  // of X_i is its squared standardised coefficient (c_i σ_i / σ_Y)², equal to its total index.
  //
  // Tolerance 0.01: with scrambled Sobol' points the integrands here are polynomials of degree 2 in
  // each coordinate, whose randomised-QMC error falls close to 1/N; at N = 2^12 the observed error
  // is below 2e-4 (seeds 1–3), so 0.01 leaves a 50-fold margin while staying well below the
  // smallest gap between the indices tested (which forces the right factor order).
  const check = (c: number[], lo: number[], hi: number[], seed: number) => {
    const v = c.map((ci, i) => (ci * ci * (hi[i]! - lo[i]!) ** 2) / 12);
    const vy = v.reduce((s, x) => s + x, 0);
    const factors = c.map((_, i) => ({ name: `x${i}`, min: lo[i]!, max: hi[i]! }));
    const r = sobol({ factors, model: (x) => c.reduce((s, ci, i) => s + ci * x[i]!, 0), n: 2 ** 12, seed, bootstrap: 0 });
    return v.map((vi, i) => Math.max(Math.abs(r.first[i]! - vi / vy), Math.abs(r.total[i]! - vi / vy)));
  };

  it("gives the squared standardised coefficients for Y = X0 + 2 X1 − 3 X2 + 0.5 X3", () => {
    // σ²: 1/12, 16·4/12, 9·0.25/12, 0.25·100/12 → shares 0.0108, 0.6938, 0.0244, 0.2710.
    const errors = check([1, 2, -3, 0.5], [0, -1, 2, 0], [1, 3, 2.5, 10], 1);
    for (const e of errors) expect(e).toBeLessThan(0.01);
  });

  it("does so for any linear model (property, seeded)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: 0.1, max: 4, noNaN: true })), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        (terms, seed) => {
          fc.pre(terms.some(([c]) => Math.abs(c) > 0.01));
          const c = terms.map(([ci]) => ci);
          const lo = terms.map(([, l]) => l);
          const hi = terms.map(([, l, w]) => l + w);
          return check(c, lo, hi, seed).every((e) => e < 0.01);
        },
      ),
      { seed: 42, numRuns: 25 },
    );
  });
});

describe("sobol with groups of factors", () => {
  it("gives a group the sum of its members' shares on an additive model (Y = X0 + 2 X1 − 3 X2 + 0.5 X3, groups {X0, X2} and {X1, X3})", () => {
    const c = [1, 2, -3, 0.5];
    const lo = [0, -1, 2, 0];
    const hi = [1, 3, 2.5, 10];
    const v = c.map((ci, i) => (ci * ci * (hi[i]! - lo[i]!) ** 2) / 12);
    const vy = v.reduce((s, x) => s + x, 0);
    const factors = c.map((_, i) => ({ name: `x${i}`, min: lo[i]!, max: hi[i]! }));
    const r = sobol({
      factors,
      model: (x) => c.reduce((s, ci, i) => s + ci * x[i]!, 0),
      n: 2 ** 12,
      seed: 1,
      bootstrap: 0,
      groups: [{ name: "odd one", factors: ["x0", "x2"] }, { name: "big", factors: ["x1", "x3"] }],
    });
    expect(r.factors).toEqual(["odd one", "big"]);
    expect(r.evaluations).toBe(2 ** 12 * 4);
    const want = [(v[0]! + v[2]!) / vy, (v[1]! + v[3]!) / vy];
    want.forEach((w, g) => {
      expect(Math.abs(r.first[g]! - w)).toBeLessThan(0.01);
      expect(Math.abs(r.total[g]! - w)).toBeLessThan(0.01);
    });
  });

  it("sees an interaction inside a group in its first-order index: Y = X0·X1, one group holds all the variance", () => {
    const factors = [{ name: "a", min: -1, max: 1 }, { name: "b", min: -1, max: 1 }, { name: "c", min: 0, max: 1 }];
    const r = sobol({ factors, model: (x) => x[0]! * x[1]!, n: 2 ** 11, seed: 2, bootstrap: 0, groups: [{ name: "ab", factors: ["a", "b"] }, { name: "c", factors: ["c"] }] });
    expect(Math.abs(r.first[0]! - 1)).toBeLessThan(0.02); // alone, a and b each have a first-order index of 0
    expect(r.total[1]).toBe(0);
  });

  it("singleton groups in factor order give the ungrouped result to the bit", () => {
    const factors = [{ name: "p", min: 0, max: 1 }, { name: "q", min: 0, max: 2 }, { name: "r", min: -1, max: 1 }];
    const model = (x: Float64Array) => x[0]! * x[1]! + Math.sin(x[2]!);
    const plain = sobol({ factors, model, n: 256, seed: 7, bootstrap: 30 });
    const grouped = sobol({ factors, model, n: 256, seed: 7, bootstrap: 30, groups: factors.map((f) => ({ name: f.name, factors: [f.name] })) });
    const { groups, ...rest } = grouped;
    expect(groups).toHaveLength(3);
    expect(JSON.stringify(rest)).toBe(JSON.stringify(plain));
  });

  it("refuses groups that leave a factor out, name it twice or name an unknown one", () => {
    const factors = [{ name: "p", min: 0, max: 1 }, { name: "q", min: 0, max: 1 }];
    const model = (x: Float64Array) => x[0]!;
    expect(() => sobol({ factors, model, n: 8, seed: 1, groups: [{ name: "g", factors: ["p"] }] })).toThrow(/^sobol: factor "q" is in no group/);
    expect(() => sobol({ factors, model, n: 8, seed: 1, groups: [{ name: "g", factors: ["p", "q"] }, { name: "h", factors: ["q"] }] })).toThrow(/^sobol: factor "q" is in two groups/);
    expect(() => sobol({ factors, model, n: 8, seed: 1, groups: [{ name: "g", factors: ["p", "q", "z"] }] })).toThrow(/"z", which is not a factor/);
  });
});

describe("sobol models, outputs and reproducibility", () => {
  const factors: SobolFactor[] = [
    { name: "u", min: 0, max: 1 },
    { name: "v", sample: (u: number) => -Math.log(1 - u) }, // exponential by inverse CDF
    { name: "w", min: -1, max: 1 },
  ];
  const f0 = (x: ArrayLike<number>) => x[0]! + x[1]! * x[2]!;
  const f1 = (x: ArrayLike<number>) => x[0]! * x[0]! - x[2]!;

  it("the same seed gives the same bytes; another seed other bytes", () => {
    const run = (seed: number) => JSON.stringify(sobol({ factors, model: f0, n: 512, seed, bootstrap: 50 }));
    expect(run(5)).toBe(run(5));
    expect(run(5)).not.toBe(run(6));
  });

  it("a scalar model, a point model with two outputs and a batch model give the same indices", () => {
    const opts = { factors, n: 256, seed: 3, bootstrap: 40 } as const;
    const a = sobol({ ...opts, model: (x) => f0(x) });
    const b = sobol({ ...opts, model: (x) => f1(x) });
    const point = sobol({
      ...opts,
      outputNames: ["f0", "f1"],
      model: { outputs: 2, evaluate: (x, out) => ((out[0] = f0(x)), (out[1] = f1(x))) },
    });
    const batch = sobol({
      ...opts,
      model: {
        outputs: 2,
        batchSize: 37, // not a multiple of k + 2: blocks of whole rows still
        evaluateBatch: (pts, rows, out) => {
          for (let r = 0; r < rows; r++) {
            const x = pts.subarray(r * 3, r * 3 + 3);
            out[2 * r] = f0(x);
            out[2 * r + 1] = f1(x);
          }
        },
      },
    });
    const strip = ({ output: _o, ...rest }: { output: string }) => rest;
    expect(point.outputs.map((o) => o.output)).toEqual(["f0", "f1"]);
    expect(strip(point.outputs[0]!)).toEqual(strip(a.outputs[0]!));
    expect(strip(point.outputs[1]!)).toEqual(strip(b.outputs[0]!));
    expect(batch.outputs.map(strip)).toEqual(point.outputs.map(strip));
    expect(point.first).toEqual(a.first);
  });

  it("an output that does not vary has null indices", () => {
    const r = sobol({ factors, model: { outputs: 2, evaluate: (x, out) => ((out[0] = 1), (out[1] = x[0]!)) }, n: 64, seed: 1, bootstrap: 10 });
    expect(r.outputs[0]!.first).toEqual([null, null, null]);
    expect(r.outputs[0]!.variance).toBe(0);
    expect(r.outputs[1]!.first[0]).toBeGreaterThan(0.9);
  });

  it("a factor the model ignores has first and total indices of 0 (exactly: f(A_B) = f(A))", () => {
    const r = sobol({ factors, model: (x) => x[0]! + x[1]!, n: 128, seed: 4, bootstrap: 20 });
    expect(r.first[2]).toBe(0);
    expect(r.total[2]).toBe(0);
    expect(r.totalInterval[2]).toEqual([0, 0]);
  });

  it("rejects caller mistakes with the function name", () => {
    const model = (x: Float64Array) => x[0]!;
    expect(() => sobol({ factors, model, n: 1, seed: 1 })).toThrow(/^sobol: n must be an integer from 2/);
    expect(() => sobol({ factors: [], model, n: 8, seed: 1 })).toThrow(TypeError);
    expect(() => sobol({ factors: [factors[0]!, factors[0]!], model, n: 8, seed: 1 })).toThrow(/used twice/);
    expect(() => sobol({ factors: [{ name: "a", min: 1, max: 0 }], model, n: 8, seed: 1 })).toThrow(/min ≤ max/);
    expect(() => sobol({ factors, model: () => Number.NaN, n: 8, seed: 1 })).toThrow(/^sobol: the model returned NaN/);
    expect(() => sobol({ factors, model, n: 8, seed: -1 })).toThrow(/^sobol: seed/);
    expect(() => sobol({ factors, model, n: 8, seed: 1, confidence: 1 })).toThrow(/^sobol: confidence/);
    const many = Array.from({ length: 65 }, (_, i) => ({ name: `f${i}`, min: 0, max: 1 }));
    expect(() => sobol({ factors: many, model, n: 8, seed: 1 })).toThrow(/at most 64 factors/);
    expect(sobol({ factors: many, model, n: 8, seed: 1, sampling: "random", bootstrap: 0 }).first).toHaveLength(65);
    expect(() => sobol({ factors, model: { outputs: 0, evaluate: () => {} }, n: 8, seed: 1 })).toThrow(TypeError);
  });
});
