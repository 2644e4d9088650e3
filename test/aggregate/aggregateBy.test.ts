import { describe, expect, it } from "vitest";
import { Aggregator } from "../../src/engine/index.js";
import { aggregate, formatFixed, parseRubric, scoreBody } from "../../src/index.js";
import { frozen, leaf, node, rubricDoc } from "../helpers.js";

// Built inside each test, never at load time: the mutation run (stryker.config.mjs) attributes
// what code each test reaches only while a test runs, and scoring at load time would make every
// mutant of the engine "static" (run against every test).
const rubric = () => parseRubric(rubricDoc([node("root", [["a", 0.5], ["b", 0.5]]), leaf("a", { type: "score" }), leaf("b", { type: "score" })]));
const body = (id: string, state: string, type: string, a: number | string | null, b: number | string | null) =>
  scoreBody(rubric(), { id, fields: { state, type, w: id === "b1" ? "3" : "1" }, values: { a, b } });

const bodies = () => frozen([
  body("b1", "Jalisco", "Municipio", 0.2, 0.4),
  body("b2", "Ciudad de Mexico", "Partido", 0.6, 0.8),
  body("b3", "jalisco", "Partido", 0.5, "NA"),
  body("b4", "CDMX", "Municipio", 0.9, null),
]);

describe("aggregate", () => {
  it("aggregate(scores, { by: ['state'] }) returns unweighted means of bodies per canonical state", () => {
    const t = aggregate(bodies(), { by: ["state"] });
    expect(t.groups.map((g) => [g.key, g.stateCode, g.bodies])).toEqual([
      [["Jalisco"], "14", 2],
      [["Ciudad de México"], "09", 2],
    ]);
    const jal = t.groups[0]!.nodes;
    // root: b1 = 0.3; b3 = 0.5 (b not applicable, re-weighted)
    expect(jal[0]).toMatchObject({ code: "root", n: 2, notApplicable: 0, missing: 0 });
    expect(jal[0]!.mean).toBeCloseTo(0.4, 15);
    expect(jal[2]).toMatchObject({ code: "b", n: 1, notApplicable: 1, missing: 0, mean: 0.4 });
    const cdmx = t.groups[1]!.nodes;
    // b4's b is missing, so its root is missing: counted out and reported.
    expect(cdmx[0]).toMatchObject({ n: 1, missing: 1, mean: 0.7 });
  });

  it("national: one group over all bodies, and extra statistics on request", () => {
    const t = aggregate(bodies(), { stats: ["n", "mean", "median", "sd", "min", "max"], quantiles: [0.25, 0.75] });
    expect(t.groups).toHaveLength(1);
    const a = t.groups[0]!.nodes[1]!;
    expect(a.n).toBe(4);
    expect(a.mean).toBeCloseTo(0.55, 15);
    expect(a.median).toBeCloseTo(0.55, 15);
    expect(a.min).toBe(0.2);
    expect(a.max).toBe(0.9);
    // sample sd of 0.2, 0.6, 0.5, 0.9
    const mean = 0.55;
    const sd = Math.sqrt([0.2, 0.6, 0.5, 0.9].reduce((t, v) => t + (v - mean) ** 2, 0) / 3);
    expect(a.sd).toBeCloseTo(sd, 14);
    expect(a.quantiles).toHaveLength(2);
  });

  it("a weights field gives weighted means", () => {
    const t = aggregate(bodies(), { weight: "w" });
    // a: (3·0.2 + 0.6 + 0.5 + 0.9) / 6
    expect(t.groups[0]!.nodes[1]!.mean).toBeCloseTo((0.6 + 0.6 + 0.5 + 0.9) / 6, 15);
    expect(t.groups[0]!.weight).toBe(6);
  });

  it("a weighted mean of bodies that all score 0.5 is 0.5, and ten weights of 0.1 weigh 1 (compensated sums of weights)", () => {
    // Summed naively, ten weights of 0.1 make 0.9999999999999999, and the mean 0.5000000000000001.
    const agg = new Aggregator(["x"], { weight: "w" });
    for (let i = 0; i < 10; i++) agg.add((name) => (name === "w" ? "0.1" : undefined), [0.5], [1]);
    const g = agg.result().groups[0]!;
    expect(g.nodes[0]!.mean).toBe(0.5);
    expect(g.weight).toBe(1);
  });

  it("several keys, sorted order, and keys like __proto__ stay data", () => {
    const extra = [...bodies(), body("b5", "Jalisco", "__proto__", 0.1, 0.1)];
    const t = aggregate(extra, { by: ["state", "type"], order: "key" });
    expect(t.groups.map((g) => g.key.join("/"))).toEqual([
      "Ciudad de México/Municipio",
      "Ciudad de México/Partido",
      "Jalisco/Municipio",
      "Jalisco/Partido",
      "Jalisco/__proto__",
    ]);
    expect(({} as Record<string, unknown>).bodies).toBeUndefined();
  });

  it("order: 'key' sorts keys in code point order, as documented: U+1F600 after U+FFEF", () => {
    // In UTF-16 the emoji is the surrogate pair D83D DE00, which `<` would put before FFEF.
    const agg = new Aggregator(["x"], { by: ["type"], order: "key" });
    for (const type of ["😀", "\uffef", "b", "Ä"]) agg.add((name) => (name === "type" ? type : undefined), [0.5], [1]);
    expect(agg.result().groups.map((g) => g.key[0])).toEqual(["b", "Ä", "\uffef", "😀"]);
  });

  it("order: 'key' compares code point by code point: U+10000 after U+E000, a lone surrogate as its own value", () => {
    const order = (keys: string[]) => {
      const agg = new Aggregator(["x"], { by: ["type"], order: "key" });
      for (const type of keys) agg.add((name) => (name === "type" ? type : undefined), [0.5], [1]);
      return agg.result().groups.map((g) => g.key[0]);
    };
    expect(order(["\u{10000}", "\ue000", "\ud7ff"])).toEqual(["\ud7ff", "\ue000", "\u{10000}"]);
    expect(order(["\uffffb", "\uffffa", "\uffff"])).toEqual(["\uffff", "\uffffa", "\uffffb"]);
    expect(order(["\u{1F601}", "\u{1F600}z", "\u{1F600}"])).toEqual(["\u{1F600}", "\u{1F600}z", "\u{1F601}"]);
    // Unpaired surrogates (ill-formed text) are code points D800–DFFF: below U+E000, above U+D7FF.
    expect(order(["\ue000", "\udfff", "\ud800x", "\ud7ff"])).toEqual(["\ud7ff", "\ud800x", "\udfff", "\ue000"]);
  });

  it("unknown states are reported, never guessed", () => {
    const t = aggregate([body("x", "Jalsico", "Municipio", 0.1, 0.1)], { by: ["state"] });
    expect(t.groups[0]!.key).toEqual(["Jalsico"]);
    expect(t.groups[0]!.stateCode).toBeUndefined();
    expect(t.issues[0]).toMatchObject({ code: "unknown_state", received: "Jalsico" });
    expect(t.issues[0]!.message).toContain("Jalisco");
  });

  it("empty input gives no groups", () => {
    expect(aggregate([], { by: ["state"] }).groups).toEqual([]);
  });

  it("rejects unknown statistics and weighted medians", () => {
    expect(() => new Aggregator(["a"], { stats: ["mode" as never] })).toThrow(RangeError);
    expect(() => new Aggregator(["a"], { stats: ["median"], weight: "w" })).toThrow(/^Aggregator: /);
  });

  it("a mean that is exactly 0.195 in decimal is published as 0.20", () => {
    const agg = new Aggregator(["x"]);
    for (const v of [0.1, 0.2, 0.285]) agg.add(() => undefined, [v], [1]);
    const mean = agg.result().groups[0]!.nodes[0]!.mean!;
    expect(mean).toBe(0.19499999999999998); // binary floating point cannot hold 0.195
    expect(formatFixed(mean, 2)).toBe("0.20");
    expect(mean.toFixed(2)).toBe("0.19"); // what plain toFixed would publish
  });
});
