import { quantileSorted } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { safeParseUncertaintySpec, uncertainty } from "../../src/analysis/index.js";
import { aggregate, loadEdition, parseRubric, rankValues, scoreBody, type BodyInput, type CompiledRubric } from "../../src/index.js";
import { leaf, node, rubricDoc } from "../helpers.js";
import { sample2019 } from "./sample2019.js";

describe("uncertainty by hand on a tiny rubric", () => {
  // idx = (wa·a + wb·b)/(wa + wb), wb fixed at 0.5, wa uniform in [0.25, 0.75]. A = (1, 0),
  // B = (0, 1), C = (0.5, 0.5): A scores wa/(wa + 0.5), B 0.5/(wa + 0.5), C always 0.5. When
  // wa > 0.5, A ranks 1, C 2, B 3; when wa < 0.5, B 1, C 2, A 3. Groups x = {A, B} and y = {C}
  // both have mean 0.5 in every replication: they tie at rank 1.
  const rubric = parseRubric(rubricDoc([node("idx", [["a", 0.5], ["b", 0.5]]), leaf("a", { type: "score" }), leaf("b", { type: "score" })]));
  const bodies: BodyInput[] = [
    { id: "A", fields: { g: "x" }, values: { a: 1, b: 0 } },
    { id: "B", fields: { g: "x" }, values: { a: 0, b: 1 } },
    { id: "C", fields: { g: "y" }, values: { a: 0.5, b: 0.5 } },
  ];
  const runs = 201;
  let above = 0;
  const r = uncertainty(
    { rubric, bodies, by: ["g"] },
    { runs, seed: 5, top: 1, groupTop: 1, weights: { overrides: [{ node: "idx", child: "a", range: [0.25, 0.75] }, { node: "idx", child: "b", relative: 0 }] } },
    { onReplication: (_j, info) => void (info.weights[0]! > 0.5 && above++) },
  );
  const ranksOf = (first: number) => [...Array<number>(above).fill(first), ...Array<number>(runs - above).fill(4 - first)].sort((x, y) => x - y);

  it("draws wa on both sides of 0.5 (the case is not degenerate)", () => {
    expect(above).toBeGreaterThan(60);
    expect(runs - above).toBeGreaterThan(60);
  });

  it("nominal scores and ranks: A = B = C = 0.5, all tied first", () => {
    expect(r.bodies.map((b) => [b.key, b.nominal.score, b.nominal.rank])).toEqual([["A", 0.5, 1], ["B", 0.5, 1], ["C", 0.5, 1]]);
  });

  it("rank medians and bands are quantiles of the ranks worked out by hand", () => {
    const a = ranksOf(1);
    const b = ranksOf(3);
    expect(r.bodies[0]!.rank).toEqual({ median: quantileSorted(a, 0.5), band: [quantileSorted(a, 0.05), quantileSorted(a, 0.95)] });
    expect(r.bodies[1]!.rank).toEqual({ median: quantileSorted(b, 0.5), band: [quantileSorted(b, 0.05), quantileSorted(b, 0.95)] });
    expect(r.bodies[2]!.rank).toEqual({ median: 2, band: [2, 2] });
    expect(r.bodies[0]!.rank!.band).toEqual([1, 3]);
  });

  it("top-1 and bottom-1 probabilities: A is first exactly when wa > 0.5, and last otherwise", () => {
    expect(r.bodies[0]!.pTop).toBe(above / runs);
    expect(r.bodies[0]!.pBottom).toBe((runs - above) / runs);
    expect(r.bodies[1]!.pTop).toBe((runs - above) / runs);
    expect(r.bodies[2]!).toMatchObject({ pTop: 0, pBottom: 0, scored: runs });
    for (const x of [r.bodies[2]!.score!.median, ...r.bodies[2]!.score!.band]) expect(Math.abs(x - 0.5)).toBeLessThanOrEqual(1e-15);
  });

  it("scores stay within what the weight range allows: A in (1/3, 0.6)", () => {
    const [lo, hi] = r.bodies[0]!.score!.band;
    expect(lo).toBeGreaterThan(1 / 3);
    expect(hi).toBeLessThan(0.6);
  });

  it("groups x and y tie in every replication (mean 0.5 both): both rank 1, both in the top 1", () => {
    expect(r.groups).toHaveLength(1);
    expect(r.groups[0]!.units.map((u) => [u.key, u.bodies, u.rank, u.pTop])).toEqual([
      ["x", 2, { median: 1, band: [1, 1] }, 1],
      ["y", 1, { median: 1, band: [1, 1] }, 1],
    ]);
  });

  it("reports what varied: one weight drawn in [0.25, 0.75], the other fixed", () => {
    expect(r.factors.weights.map((w) => [w.parent, w.child, w.min, w.max, w.relative])).toEqual([
      ["idx", "a", 0.25, 0.75, null],
      ["idx", "b", 0.5, 0.5, 0],
    ]);
  });
});

describe("uncertainty on the 2019 sample", () => {
  const rubric = loadEdition("2019");
  const bodies = sample2019(150);

  it("with zero-width ranges reproduces the nominal result exactly: every band is the nominal score and rank", () => {
    const r = uncertainty({ rubric, bodies, by: ["state", "level"] }, { runs: 40, seed: 3, top: 10, weights: { verified: 0, inferred: 0, assumed: 0 } });
    for (const u of [...r.bodies, ...r.groups.flatMap((g) => g.units)]) {
      if (u.nominal.score === null) {
        expect(u.scored).toBe(0);
        continue;
      }
      expect(u.score).toEqual({ median: u.nominal.score, band: [u.nominal.score, u.nominal.score] });
      expect(u.rank).toEqual({ median: u.nominal.rank, band: [u.nominal.rank, u.nominal.rank] });
      expect(u.pTop).toBe(u.nominal.rank! <= (r.groups.some((g) => g.units.includes(u)) ? 3 : 10) ? 1 : 0);
    }
    expect(r.national.mean).toEqual({ median: r.national.nominal, band: [r.national.nominal, r.national.nominal] });
  });

  it("nominal scores equal scoreBody's within 1e-12, nominal ranks rankValues' at 9 decimals, group means aggregate's", () => {
    const r = uncertainty({ rubric, bodies, by: ["state"] }, { runs: 4, seed: 1 });
    const scores = bodies.map((b) => scoreBody(rubric, b));
    r.bodies.forEach((u, b) => {
      const want = scores[b]!.value;
      if (want === null) expect(u.nominal.score).toBeNull();
      else expect(Math.abs(u.nominal.score! - want)).toBeLessThanOrEqual(1e-12);
    });
    expect(r.bodies.map((u) => u.nominal.rank)).toEqual(rankValues(scores.map((s) => s.value), { decimals: 9 }));
    const table = aggregate(scores, { by: ["state"] });
    for (const u of r.groups[0]!.units) {
      const g = table.groups.find((x) => x.key[0] === u.key)!;
      expect(Math.abs(u.nominal.score! - g.nodes[0]!.mean!)).toBeLessThanOrEqual(1e-12);
    }
    const all = scores.map((s) => s.value).filter((v): v is number => v !== null);
    expect(Math.abs(r.national.nominal! - all.reduce((a, b) => a + b, 0) / all.length)).toBeLessThanOrEqual(1e-12);
  });

  it("equals a naive loop over scoreBody, rankValues and quantileSorted, replication by replication, with switches and variants", () => {
    const small = bodies.slice(0, 60);
    const spec = {
      runs: 30,
      seed: 11,
      top: 5,
      rules: [{ node: "iga", options: ["arithmetic", "geometric"] as ("arithmetic" | "geometric")[] }],
      noObservations: [{ set: "request_records", options: ["not_applicable", "zero"] as ("not_applicable" | "zero")[] }],
      missing: [{ node: "tc", options: ["missing", "zero"] as ("missing" | "zero")[] }],
    };
    const seen: { rubric: CompiledRubric; weights: number[]; scores: number[] }[] = [];
    const r = uncertainty({ rubric, bodies: small }, spec, {
      onReplication: (j, info) => (seen[j] = { rubric: info.rubric, weights: Array.from(info.weights), scores: Array.from(info.scores) }),
    });
    expect(seen.filter(Boolean)).toHaveLength(30);
    expect(new Set(seen.map((s) => s.rubric.hash)).size).toBeGreaterThan(2); // several variants ran
    const perBody = small.map(() => ({ scores: [] as number[], ranks: [] as number[], top: 0, bottom: 0 }));
    for (const s of seen) {
      const naive = small.map((b) => scoreBody(s.rubric, b, { weights: s.weights }).value);
      naive.forEach((v, b) => {
        if (v === null) expect(s.scores[b]).toBeNaN();
        else expect(Math.abs(s.scores[b]! - v)).toBeLessThanOrEqual(1e-12);
      });
      const values = s.scores.map((v) => (Number.isNaN(v) ? null : v));
      const ranks = rankValues(values, { decimals: 9 });
      const low = rankValues(values, { decimals: 9, order: "ascending" });
      values.forEach((v, b) => {
        if (v === null) return;
        perBody[b]!.scores.push(v);
        perBody[b]!.ranks.push(ranks[b]!);
        if (ranks[b]! <= 5) perBody[b]!.top++;
        if (low[b]! <= 5) perBody[b]!.bottom++;
      });
    }
    const q = (xs: number[], p: number) => quantileSorted([...xs].sort((a, b) => a - b), p);
    r.bodies.forEach((u, b) => {
      const want = perBody[b]!;
      expect(u.scored).toBe(want.scores.length);
      if (want.scores.length === 0) return;
      expect(u.score).toEqual({ median: q(want.scores, 0.5), band: [q(want.scores, 0.05), q(want.scores, 0.95)] });
      expect(u.rank).toEqual({ median: q(want.ranks, 0.5), band: [q(want.ranks, 0.05), q(want.ranks, 0.95)] });
      expect(u.pTop).toBe(want.top / 30);
      expect(u.pBottom).toBe(want.bottom / 30);
    });
    expect(r.factors.switches.map((s) => s.runs.reduce((a, b) => a + b, 0))).toEqual([30, 30, 30]);
  });

  it("the same seed gives the same bytes, another seed other bytes", () => {
    const spec = { runs: 60, rules: [{ node: "p", options: ["arithmetic", "minimum"] as ("arithmetic" | "minimum")[] }], inputs: { relative: 0.1, realizations: 3 } };
    const run = (seed: number) => JSON.stringify(uncertainty({ rubric, bodies: bodies.slice(0, 80), by: ["type"] }, { ...spec, seed }));
    const a = run(42);
    expect(run(42)).toBe(a);
    expect(run(43)).not.toBe(a);
  });

  it("input noise of width 0 changes nothing; with noise every realization keeps zeros at 0 and values within [0, 1]", () => {
    const base = uncertainty({ rubric, bodies: bodies.slice(0, 50) }, { runs: 20, seed: 2 });
    const zero = uncertainty({ rubric, bodies: bodies.slice(0, 50) }, { runs: 20, seed: 2, inputs: { relative: 0, realizations: 4 } });
    expect(zero.bodies).toEqual(base.bodies);
    const noisy = uncertainty({ rubric, bodies: bodies.slice(0, 50) }, { runs: 20, seed: 2, weights: { verified: 0, inferred: 0, assumed: 0 }, inputs: { relative: 0.3, realizations: 4 } });
    expect(noisy.bodies.some((u) => u.score !== null && u.score.band[0] < u.score.band[1])).toBe(true);
    for (const u of noisy.bodies) if (u.score) expect(u.score.band[1]).toBeLessThanOrEqual(1);
    // A body scoring 0 (every input 0) stays at 0 under multiplicative noise.
    const zeros: BodyInput = { id: "Z", values: Object.fromEntries(["tg.ta", "tg.tp", "tg.da", "pg.mec", "pg.act", "pg.fun", "pg.form", "pg.seg", "pc.met", "pc.recep", "pc.act", "pc.cel"].map((c) => [c, 0])), observations: { citizen_requests: [{ "tc.disp": 0, "tc.clar": 0, "tc.comp": 0, "tc.cel": 0 }] } };
    const z = uncertainty({ rubric, bodies: [zeros, ...bodies.slice(0, 5)] }, { runs: 10, seed: 1, inputs: { relative: 0.5, realizations: 5 } });
    expect(z.bodies[0]!.score).toEqual({ median: 0, band: [0, 0] });
  });

  it("weights vary by provenance by default: ±10% verified, ±25% inferred, ±50% assumed", () => {
    const r = uncertainty({ rubric, bodies: bodies.slice(0, 3) }, { runs: 2 });
    const byEdge = Object.fromEntries(r.factors.weights.map((w) => [`${w.parent}>${w.child}`, w]));
    expect(byEdge["iga>t"]).toMatchObject({ status: "verified", relative: 0.1, min: 0.45, max: 0.55 });
    expect(byEdge["tg.ai>tg.ai.plazo"]).toMatchObject({ status: "inferred", relative: 0.25 });
    expect(byEdge["tg>tg.ai"]).toMatchObject({ status: "assumed", relative: 0.5, min: 0.25, max: 0.75 });
    expect(r.factors.weights).toHaveLength(26); // every edge under iga (views do not feed it)
    expect(r.spec).toMatchObject({ runs: 2, seed: 1, top: 10, groupTop: 3, band: [0.05, 0.95], rankDecimals: 9, given: "recompute" });
  });
});

describe("uncertainty specifications are checked, with every issue's path", () => {
  const rubric = loadEdition("2019");
  it("safeParseUncertaintySpec lists shape and reference issues", () => {
    const r = safeParseUncertaintySpec({ runs: 0, weights: { assumed: 2, overrides: [{ node: "tg" }] }, rules: [{ node: "nope", options: ["arithmetic"] }], extra: 1 }, rubric);
    expect(r.success).toBe(false);
    const paths = !r.success ? r.issues.map((i) => i.path) : [];
    expect(paths).toEqual(expect.arrayContaining(["$.runs", "$.weights.assumed", "$.weights.overrides[0]"]));
    expect(!r.success && r.issues.some((i) => i.code === "unknown_key")).toBe(true);
    const refs = safeParseUncertaintySpec({ rules: [{ node: "nope", options: ["geometric"] }], noObservations: [{ set: "x", options: ["zero"] }], weights: { overrides: [{ node: "tg", child: "pc", relative: 0.1 }] } }, rubric);
    expect(!refs.success && refs.issues.map((i) => [i.code, i.path])).toEqual([
      ["not_a_child", "$.weights.overrides[0].child"],
      ["unknown_node", "$.rules[0].node"],
      ["unknown_observation_set", "$.noObservations[0].set"],
    ]);
  });

  it("uncertainty throws a RangeError naming the issues; JSON text is read too", () => {
    const bodies = sample2019(3);
    expect(() => uncertainty({ rubric, bodies }, { runs: -1 })).toThrow(/^uncertainty: invalid specification: \$\.runs: /);
    expect(safeParseUncertaintySpec('{"runs": 5, "seed": 9}', rubric)).toMatchObject({ success: true, output: { runs: 5, seed: 9 } });
    expect(safeParseUncertaintySpec("{", rubric)).toMatchObject({ success: false, issues: [{ code: "invalid_json" }] });
  });

  it("an override of a weight that cannot reach the node scored is refused", () => {
    expect(() => uncertainty({ rubric, bodies: sample2019(2) }, { node: "t", weights: { overrides: [{ node: "pg", relative: 0.2 }] } })).toThrow(/\$\.weights\.overrides\[0\]\.node: "pg" is not under "t"/);
  });
});

