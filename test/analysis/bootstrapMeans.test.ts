import { describe, expect, it } from "vitest";
import { bootstrapMeans, bootstrapScores, createRandom } from "../../src/analysis/index.js";
import { loadEdition, scoreBody } from "../../src/index.js";
import { frozen } from "../helpers.js";

describe("bootstrapMeans", () => {
  it("a constant group has a zero-width interval, a group of one body too, both marked degenerate", () => {
    const r = bootstrapMeans([0.4, 0.4, 0.4, 0.4, 0.9, 0.1, 0.3], ["const", "const", "const", "const", "one", "x", "x"], { seed: 1, method: "bca" });
    const [c, one, x] = r.groups;
    expect(c).toMatchObject({ key: "const", n: 4, mean: 0.4, low: 0.4, high: 0.4, se: 0, degenerate: true });
    expect(one).toMatchObject({ key: "one", n: 1, mean: 0.9, low: 0.9, high: 0.9, degenerate: true });
    expect(x!.degenerate).toBe(false);
    expect(x!.high).toBeGreaterThan(x!.low);
  });

  it("95% percentile intervals for a normal mean cover the true mean between 93% and 97% of the time", () => {
    // 2000 simulated samples of 100 bodies from N(0.5, 0.2²), 499 replicates each. The percentile
    // interval for a mean is about x̄ ± 1.96·s·√((n−1)/n), so its coverage at n = 100 is about
    // P(|t₉₉| ≤ 1.95) ≈ 0.946; with 2000 samples the standard error of the observed share is
    // 0.005, putting 93% and 97% more than 3 standard errors away.
    const data = createRandom(20240601);
    const sims = 2000;
    const n = 100;
    const values: number[] = [];
    const groups: string[] = [];
    for (let s = 0; s < sims; s++) {
      for (let i = 0; i < n; i++) {
        values.push(0.5 + 0.2 * data.nextNormal());
        groups.push(`sample ${s}`);
      }
    }
    const r = bootstrapMeans(values, groups, { seed: 7, replicates: 499 });
    expect(r.groups).toHaveLength(sims);
    const covered = r.groups.filter((g) => g.low <= 0.5 && 0.5 <= g.high).length / sims;
    expect(covered).toBeGreaterThanOrEqual(0.93);
    expect(covered).toBeLessThanOrEqual(0.97);
  });

  it("BCa matches SciPy's BCa interval on a skewed sample, and its acceleration the jackknife formula", () => {
    // x_i = i²/400, i = 1..20. Oracle: SciPy 1.17, scipy.stats.bootstrap(method="BCa",
    // n_resamples=10^6): [0.234875, 0.509625]; percentile: [0.227125, 0.4995]. With 10^5
    // replicates the Monte Carlo error of a 2.5% quantile here is about 6e-4, so 0.004 is ample.
    const x = Array.from({ length: 20 }, (_, i) => ((i + 1) * (i + 1)) / 400);
    const key = x.map(() => "g");
    const bca = bootstrapMeans(x, key, { seed: 11, replicates: 100_000, method: "bca" }).groups[0]!;
    expect(Math.abs(bca.low - 0.234875)).toBeLessThan(0.004);
    expect(Math.abs(bca.high - 0.509625)).toBeLessThan(0.004);
    const pct = bootstrapMeans(x, key, { seed: 11, replicates: 100_000 }).groups[0]!;
    expect(Math.abs(pct.low - 0.227125)).toBeLessThan(0.004);
    expect(Math.abs(pct.high - 0.4995)).toBeLessThan(0.004);
    // For the mean, θ̄ − θ₍ᵢ₎ = (x_i − x̄)/(n − 1), so a = Σ d³ / (6 (Σ d²)^{3/2}) with d = x − x̄.
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const d = x.map((v) => v - mean);
    const a = d.reduce((s, v) => s + v ** 3, 0) / (6 * d.reduce((s, v) => s + v * v, 0) ** 1.5);
    expect(a).toBeCloseTo(0.022648012225731734, 12); // the same, by NumPy
    expect(bca.acceleration).toBeCloseTo(a, 12);
    expect(bca.mean).toBeCloseTo(mean, 15);
    // The bootstrap standard error of a mean is about s·√((n−1)/n)/√n.
    const s = Math.sqrt(d.reduce((t, v) => t + v * v, 0) / (x.length - 1));
    expect(bca.se).toBeCloseTo((s * Math.sqrt(19 / 20)) / Math.sqrt(20), 3);
  });

  it("BCa matches SciPy's on a strongly skewed small sample, where the bias correction matters", () => {
    // x_i = (i/12)^6, i = 1..12: z₀ ≈ 0.085. Oracle: SciPy 1.17, scipy.stats.bootstrap with 10^6
    // resamples: BCa [0.06443727, 0.44260304], percentile [0.04162246, 0.37669718]. Dropping z₀
    // from either end moves that end by about 0.01, beyond the 0.004 allowed for Monte Carlo error.
    const x = Array.from({ length: 12 }, (_, i) => ((i + 1) / 12) ** 6);
    const key = x.map(() => "g");
    const bca = bootstrapMeans(x, key, { seed: 5, replicates: 100_000, method: "bca" }).groups[0]!;
    expect(Math.abs(bca.low - 0.06443727316243714)).toBeLessThan(0.004);
    expect(Math.abs(bca.high - 0.44260303582783206)).toBeLessThan(0.004);
    const pct = bootstrapMeans(x, key, { seed: 5, replicates: 100_000 }).groups[0]!;
    expect(Math.abs(pct.low - 0.041622460133744855)).toBeLessThan(0.004);
    expect(Math.abs(pct.high - 0.37669717503509736)).toBeLessThan(0.004);
  });

  it("leaves out null and NaN values, counting them, and reports a group with no value", () => {
    const r = bootstrapMeans(frozen([0.2, null, Number.NaN, 0.4, null]), frozen(["a", "a", "a", "a", "b"]), { seed: 1, replicates: 50 });
    expect(r.groups).toHaveLength(1);
    expect(r.groups[0]).toMatchObject({ key: "a", n: 2, excluded: 2 });
    expect(r.issues.map((i) => [i.code, i.path])).toEqual([["empty_group", "b"]]);
    expect(bootstrapMeans([], [], { seed: 1 }).groups).toEqual([]);
  });

  it("falls back to the percentile interval, with an issue, when BCa's bias correction is infinite", () => {
    // With one replicate the share of replicates below the mean is 0 or 1, so z₀ = Φ⁻¹(0 or 1) is infinite.
    const r = bootstrapMeans([0, 1, 0.5], ["g", "g", "g"], { seed: 3, replicates: 1, method: "bca" });
    expect(r.groups[0]).toMatchObject({ method: "percentile", degenerate: false });
    expect(r.groups[0]!.z0).toBeUndefined();
    expect(r.issues.map((i) => [i.code, i.path])).toEqual([["bca_fallback", "g"]]);
  });

  it("the same seed gives the same bytes; another seed other bytes", () => {
    const values = Array.from({ length: 60 }, (_, i) => ((i * 37) % 11) / 10);
    const groups = values.map((_, i) => `g${i % 3}`);
    const run = (seed: number) => JSON.stringify(bootstrapMeans(values, groups, { seed, method: "bca", replicates: 300 }));
    expect(run(1)).toBe(run(1));
    expect(run(1)).not.toBe(run(2));
  });

  it("rejects caller mistakes with the function name", () => {
    expect(() => bootstrapMeans([1], [], { seed: 1 })).toThrow(/^bootstrapMeans: values has 1 entries but groups has 0/);
    expect(() => bootstrapMeans([Infinity], ["a"], { seed: 1 })).toThrow(RangeError);
    expect(() => bootstrapMeans([1], [1 as unknown as string], { seed: 1 })).toThrow(TypeError);
    expect(() => bootstrapMeans([1], ["a"], { seed: 1, replicates: 0 })).toThrow(/^bootstrapMeans: replicates/);
    expect(() => bootstrapMeans([1], ["a"], { seed: 1, method: "t" as "bca" })).toThrow(/^bootstrapMeans: method/);
  });
});

describe("bootstrapScores", () => {
  it("groups scored bodies by a field, matching state names through resolveState", () => {
    const rubric = loadEdition("2017");
    const body = (state: string, tg: number) => scoreBody(rubric, { fields: { state }, values: { TG: tg, TC: 0.5, PG: 0.2, PC: 0.2 } });
    const scores = [body("CDMX", 0.5), body("Ciudad de México", 0.7), body("Jalisco", 0.4), scoreBody(rubric, { fields: { state: "Jalisco" }, values: {} })];
    const r = bootstrapScores(scores, { by: "state", seed: 1, replicates: 100 });
    expect(r.groups.map((g) => [g.key, g.n, g.excluded])).toEqual([
      ["Ciudad de México", 2, 0],
      ["Jalisco", 1, 1],
    ]);
    // iga = (tg + 0.5)/4 + 0.1: 0.35 and 0.4 in Mexico City.
    expect(r.groups[0]!.mean).toBeCloseTo(0.375, 12);
    const tg = bootstrapScores(scores, { node: "tg", seed: 1, replicates: 100 });
    expect(tg.groups[0]).toMatchObject({ key: "national", n: 3, excluded: 1 });
    expect(() => bootstrapScores(scores, { node: "nope", seed: 1 })).toThrow(/^bootstrapScores: no body has a node "nope"/);
  });
});
