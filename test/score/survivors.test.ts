/**
 * The mutants that survived every test of the old engine (issue 7), each killed here by a test
 * named after it, with the expected numbers worked out by hand in the test.
 */
import { describe, expect, it } from "vitest";
import { Aggregator, createFrame, createReadSlot, evaluateFrame, giveInput, readScore } from "../../src/engine/index.js";
import { aggregate, parseRubric, scoreBody, type RubricNode } from "../../src/index.js";
import { leaf, node, rubricDoc } from "../helpers.js";

const score3 = (extra: Partial<RubricNode>, leaves: RubricNode[] = [leaf("a", { type: "score" }), leaf("b", { type: "score" }), leaf("c", { type: "score" })]) =>
  parseRubric(rubricDoc([node("root", [["a", 0.5], ["b", 0.25], ["c", 0.25]], extra), ...leaves]));

/** One group's statistics of node x for bodies given as [value or status, weight]. */
function stats(bodies: readonly [number | "na" | "missing", string?][], weighted = false) {
  const agg = new Aggregator(["x"], { stats: ["n", "mean", "sd", "min", "max"], ...(weighted ? { weight: "w" } : {}) });
  for (const [v, w] of bodies) agg.add((name) => (name === "w" ? w : undefined), [typeof v === "number" ? v : 0], [v === "na" ? 2 : v === "missing" ? 3 : 1]);
  return agg.result().groups[0]!.nodes[0]!;
}

describe("the old engine's survivors, each killed by name", () => {
  it("Neumaier compensation in the aggregator: ten bodies scoring 0.1 have a mean of exactly 0.1", () => {
    // Summed plainly, 0.1 ten times is 0.9999999999999999, and the mean 0.09999999999999999.
    expect(stats(Array.from({ length: 10 }, () => [0.1] as [number])).mean).toBe(0.1);
    // Through aggregate too, and a mean that must not lose the small terms beside larger ones.
    const r = parseRubric(rubricDoc([node("root", [["a", 1]]), leaf("a", { type: "score" })]));
    const scores = Array.from({ length: 10 }, () => scoreBody(r, { values: { a: 0.1 } }));
    expect(aggregate(scores).groups[0]!.nodes.map((n) => n.mean)).toEqual([0.1, 0.1]);
  });

  it("minimum rule: the least child wherever it is listed, not the last one", () => {
    const r = score3({ rule: "minimum" });
    expect(scoreBody(r, { values: { a: 0.2, b: 0.9, c: 0.5 } }).value).toBe(0.2);
    expect(scoreBody(r, { values: { a: 0.9, b: 0.2, c: 0.5 } }).value).toBe(0.2);
    expect(scoreBody(r, { values: { a: 0.5, b: 0.9, c: 0.2 } }).value).toBe(0.2);
    // Not applicable children drop out (reweight) or count 0 (zero).
    expect(scoreBody(r, { values: { a: "NA", b: 0.9, c: 0.5 } }).value).toBe(0.5);
    expect(scoreBody(score3({ rule: "minimum", notApplicable: "zero" }), { values: { a: 0.4, b: "NA", c: 0.5 } }).value).toBe(0);
  });

  it("a leaf whose observations are all NA is not applicable, never 'scored' as NaN", () => {
    const r = parseRubric(
      rubricDoc([node("root", [["x", 0.5], ["y", 0.5]]), leaf("x", { type: "binary", observations: { set: "req" } }), leaf("y", { type: "score" })], {
        observationSets: [{ id: "req", label: { es: "s", en: "s" }, noObservations: "missing", provenance: { status: "verified", source: "test" } }],
      }),
    );
    const s = scoreBody(r, { values: { y: 0.3 }, observations: { req: [{ x: "NA" }, { x: "n/a" }, { x: " No Aplica " }] } });
    expect(s.nodes[1]).toMatchObject({ code: "x", status: "not_applicable", value: null, source: "observations", observations: { n: 0, missing: 0, notApplicable: 3, total: 3 } });
    // The parent re-weights over y alone.
    expect([s.status, s.value]).toEqual(["scored", 0.3]);
    // Under missing: "not_applicable", blank observations are left out the same way.
    const na = parseRubric(
      rubricDoc([node("root", [["x", 1]]), leaf("x", { type: "binary", observations: { set: "req" } }, { missing: "not_applicable" })], {
        observationSets: [{ id: "req", label: { es: "s", en: "s" }, noObservations: "missing", provenance: { status: "verified", source: "test" } }],
      }),
    );
    expect(scoreBody(na, { observations: { req: [{ x: "" }, {}] } }).nodes[1]).toMatchObject({ status: "not_applicable", value: null });
  });

  it("missing: 'zero' on an internal node applies only when the node would be missing, never over children that scored", () => {
    const r = parseRubric(rubricDoc([node("root", [["m", 0.5], ["c", 0.5]]), node("m", [["a", 0.5], ["b", 0.5]], { missing: "zero" }), leaf("a", { type: "score" }), leaf("b", { type: "score" }), leaf("c", { type: "score" })]));
    // m = (0.2 + 0.6) / 2 = 0.4 from its children; root = (0.4 + 1) / 2 = 0.7.
    const scored = scoreBody(r, { values: { a: 0.2, b: 0.6, c: 1 } });
    expect(scored.nodes[1]).toMatchObject({ code: "m", status: "scored", value: 0.4, source: "children" });
    expect(scored.value).toBeCloseTo(0.7, 15);
    // All NA under m: m is not applicable, not 0; root = c.
    expect(scoreBody(r, { values: { a: "NA", b: "NA", c: 1 } }).nodes[1]).toMatchObject({ status: "not_applicable", source: "children" });
    // b missing: m would be missing, so the policy makes it 0; root = (0 + 1) / 2.
    const policy = scoreBody(r, { values: { a: 0.2, c: 1 } });
    expect(policy.nodes[1]).toMatchObject({ status: "scored", value: 0, source: "policy" });
    expect(policy.value).toBe(0.5);
  });

  it("negative counts are refused as out of range, never scored", () => {
    const r = parseRubric(rubricDoc([node("root", [["k", 1]]), leaf("k", { type: "count", max: 3 })]));
    for (const bad of [-1, "-1", "-3", -2]) {
      const s = scoreBody(r, { values: { k: bad } });
      expect(s.status).toBe("missing");
      expect(s.issues).toEqual([expect.objectContaining({ code: "out_of_range", path: "k", expected: "a whole number from 0 to 3" })]);
    }
    expect(scoreBody(r, { values: { k: 0 } }).value).toBe(0);
    expect(scoreBody(r, { values: { k: "3" } }).value).toBe(1);
  });

  it("geometric rule re-weights over the applicable children: 0.25^(0.5/0.75) with b not applicable", () => {
    const r = score3({ rule: "geometric" });
    // exp((0.5·ln 0.25 + 0.25·ln 1) / 0.75) = 0.25^(2/3) = 0.39685026299204984...
    const s = scoreBody(r, { values: { a: 0.25, b: "NA", c: 1 } });
    expect(s.value).toBeCloseTo(0.25 ** (2 / 3), 15);
    expect(s.nodes[0]!.contributions!.map((c) => c.share)).toEqual([2 / 3, 0, 1 / 3]);
    // All three: 0.25^0.5 · 0.5^0.25 · 1^0.25 = 0.5 · 0.8408964152537145.
    expect(scoreBody(r, { values: { a: 0.25, b: 0.5, c: 1 } }).value).toBeCloseTo(0.5 * 0.5 ** 0.25, 15);
    // Under notApplicable: "zero" the not-applicable child counts 0, and a geometric mean with a 0 is 0.
    expect(scoreBody(score3({ rule: "geometric", notApplicable: "zero" }), { values: { a: 0.25, b: "NA", c: 1 } }).value).toBe(0);
  });

  it("a missing or NA gating node forces nothing: its targets keep their own values", () => {
    const r = parseRubric(
      rubricDoc([node("root", [["g", 0.5], ["t", 0.25], ["u", 0.25]]), leaf("g", { type: "binary" }, { gates: ["t", "u"] }), leaf("t", { type: "score" }), leaf("u", { type: "score" })]),
    );
    const missing = scoreBody(r, { values: { t: 0.8, u: 0.4 } });
    expect(missing.nodes.map((n) => [n.code, n.status, n.value, n.source])).toEqual([
      ["root", "missing", null, "none"],
      ["g", "missing", null, "none"],
      ["t", "scored", 0.8, "input"],
      ["u", "scored", 0.4, "input"],
    ]);
    expect(missing.missingInputs).toEqual(["g"]);
    // NA gate: re-weighted over t and u, (0.25·0.8 + 0.25·0.4) / 0.5 = 0.6.
    const na = scoreBody(r, { values: { g: "NA", t: 0.8, u: 0.4 } });
    expect(na.nodes.slice(2).map((n) => [n.value, n.source, n.gatedBy])).toEqual([[0.8, "input", undefined], [0.4, "input", undefined]]);
    expect(na.value).toBeCloseTo(0.6, 15);
    // A gate at 1 forces nothing either: 0.5 + 0.2 + 0.1.
    expect(scoreBody(r, { values: { g: 1, t: 0.8, u: 0.4 } }).value).toBeCloseTo(0.8, 15);
    // A gate at exactly 0 forces both, missing inputs included.
    const zero = scoreBody(r, { values: { g: "0", t: 0.8 } });
    expect([zero.value, zero.nodes[3]!.source, zero.nodes[3]!.gatedBy, zero.missingInputs]).toEqual([0, "gate", "g", []]);
  });

  it("weighted sd is the population sd Σw(x − mean)²/Σw; unweighted the sample sd; one body has none", () => {
    // Weights 1 and 3 on values 0 and 1: mean 0.75; Σw(x − m)² = 0.5625 + 3·0.0625 = 0.75; / 4 = 0.1875.
    expect(stats([[0, "1"], [1, "3"]], true).sd).toBeCloseTo(Math.sqrt(0.1875), 15);
    expect(stats([[0, "1"], [1, "3"]], true).mean).toBe(0.75);
    // Unweighted, the same values: sample variance (0.25 + 0.25) / (2 − 1) = 0.5.
    expect(stats([[0], [1]]).sd).toBeCloseTo(Math.sqrt(0.5), 15);
    expect(stats([[0.2], [0.4], [0.9]]).sd).toBeCloseTo(Math.sqrt(((0.2 - 0.5) ** 2 + (0.4 - 0.5) ** 2 + (0.9 - 0.5) ** 2) / 2), 15);
    // One scored body (others not applicable or missing): no spread to measure, weighted or not.
    expect(stats([[0.7], ["na"], ["missing"]]).sd).toBeNull();
    expect(stats([[0.7, "2"], ["na", "1"]], true).sd).toBeNull();
    // Two bodies, one of weight 0: a spread of 0 around the one that counts.
    expect(stats([[0.7, "2"], [0.1, "0"]], true)).toMatchObject({ n: 2, mean: 0.7, sd: 0 });
  });

  it("min and max of a group where the node was never scored are null, not ±Infinity", () => {
    expect(stats([["na"], ["missing"]])).toEqual({ code: "x", n: 0, notApplicable: 1, missing: 1, mean: null, sd: null, min: null, max: null });
    const empty = new Aggregator(["x"], { stats: ["median"], quantiles: [0.5] });
    empty.add(() => undefined, [0], [2]);
    expect(empty.result().groups[0]!.nodes[0]).toMatchObject({ n: 0, median: null, quantiles: [null] });
    expect(stats([[0.3], [0.1], [0.2]])).toMatchObject({ min: 0.1, max: 0.3 });
    expect(stats([[0.5]])).toMatchObject({ min: 0.5, max: 0.5 });
  });
});

describe("survivors of the mutation run after merging main", () => {
  it("a not-applicable child re-weighted away has a share of 0 in the frame, one counted as 0 keeps its weight's share", () => {
    // root = mean of a (0.5), b (NA), c (0.25) with weights 0.5, 0.25, 0.25. Re-weighted, b's
    // share is 0 and a, c share 2/3 and 1/3; counted as zero, b keeps 0.25.
    for (const [notApplicable, shares] of [
      ["reweight", [2 / 3, 0, 1 / 3]],
      ["zero", [0.5, 0.25, 0.25]],
    ] as const) {
      const r = score3({ notApplicable });
      const frame = createFrame(r, { shares: true });
      const slot = createReadSlot();
      for (const [code, cell] of [["a", "0.5"], ["b", "NA"], ["c", "0.25"]] as const) {
        readScore(cell, slot);
        giveInput(frame, r.index.get(code)!, slot);
      }
      evaluateFrame(frame);
      expect([...frame.share!], notApplicable).toEqual(shares);
    }
  });

  it("a per-observation leaf's own missing policy does not replace its set's no-observations policy", () => {
    // The body has no request at all: the set says missing, whatever the leaf says for a request
    // left blank (zero here). Before the set is consulted, the leaf would have scored 0.
    const r = parseRubric(
      rubricDoc(
        [node("root", [["o", 1]]), leaf("o", { type: "binary", observations: { set: "req" } }, { missing: "zero" })],
        { observationSets: [{ id: "req", label: { es: "s", en: "s" }, noObservations: "missing", provenance: { status: "verified", source: "test" } }] },
      ),
    );
    const s = scoreBody(r, { id: "b", observations: { req: [] } });
    expect(s.nodes.map((n) => [n.code, n.status, n.value])).toEqual([["root", "missing", null], ["o", "missing", null]]);
    // With a request left blank, the leaf's policy applies: 0.
    const t = scoreBody(r, { id: "b", observations: { req: [{ o: "" }] } });
    expect(t.nodes.map((n) => [n.code, n.status, n.value])).toEqual([["root", "scored", 0], ["o", "scored", 0]]);
  });
});
