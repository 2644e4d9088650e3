/**
 * The aggregator's edges, with their messages checked whole: refused options and scores, issue
 * locations, state grouping and its order (INEGI code, Federal after the 32 states, unknown names
 * last), keys read raw then trimmed, nested keys that cannot collide, an empty input's table, and
 * the rounding functions' refusals.
 */
import { describe, expect, it } from "vitest";
import { Aggregator } from "../../src/engine/index.js";
import { aggregate, formatFixed, parseRubric, roundHalfUp, scoreBody, STAT_NAMES, type BodyScore } from "../../src/index.js";
import { leaf, node, rubricDoc } from "../helpers.js";

const fieldsOf = (fields: Record<string, string | undefined>) => (name: string) => fields[name];

describe("Aggregator options", () => {
  it("refuses unknown statistics, quantiles outside [0, 1] and weighted medians or quantiles, by name", () => {
    expect(STAT_NAMES).toEqual(["n", "mean", "median", "sd", "min", "max"]);
    expect(() => new Aggregator(["x"], { stats: ["mode" as never] })).toThrow(new RangeError('Aggregator: unknown statistic "mode"'));
    expect(() => new Aggregator(["x"], { quantiles: [1.5] })).toThrow(new RangeError("Aggregator: quantile 1.5 is outside [0, 1]"));
    expect(() => new Aggregator(["x"], { quantiles: [-0.1] })).toThrow(RangeError);
    expect(() => new Aggregator(["x"], { quantiles: [Number.NaN] })).toThrow(new RangeError("Aggregator: quantile NaN is outside [0, 1]"));
    for (const bad of [{ stats: ["median"] as const }, { quantiles: [0.5] }]) {
      expect(() => new Aggregator(["x"], { ...bad, weight: "w" })).toThrow(new RangeError("Aggregator: median and quantiles are unweighted; drop the weight field or those statistics"));
    }
    // Quantiles 0 and 1 are fine, and so are sd, min and max with weights.
    expect(() => new Aggregator(["x"], { quantiles: [0, 1] })).not.toThrow();
    expect(() => new Aggregator(["x"], { stats: ["sd", "min", "max"], weight: "w" })).not.toThrow();
  });

  it("a table echoes its options: by, nodes, stats, quantiles; defaults n and mean, national", () => {
    const agg = new Aggregator(["x", "y"]);
    agg.add(() => undefined, [0.5, 0.25], [1, 1]);
    const t = agg.result();
    expect([t.by, t.nodes, t.stats, t.quantiles, t.issues]).toEqual([[], ["x", "y"], ["n", "mean"], [], []]);
    // Strictly: no key is present with an undefined value (no stateCode without a state grouping).
    expect(t.groups).toStrictEqual([{ key: [], bodies: 1, weight: 1, nodes: [{ code: "x", n: 1, notApplicable: 0, missing: 0, mean: 0.5 }, { code: "y", n: 1, notApplicable: 0, missing: 0, mean: 0.25 }] }]);
    // The aggregator keeps taking bodies after a result, and the earlier table is not changed.
    agg.add(() => undefined, [1, 1], [1, 3]);
    expect(agg.result().groups[0]!.nodes.map((n) => [n.n, n.missing, n.mean])).toEqual([[2, 0, 0.75], [1, 1, 0.25]]);
    expect(t.groups[0]!.bodies).toBe(1);
  });

  it("a group whose scored bodies all weigh 0 has no mean and no sd (never NaN)", () => {
    const agg = new Aggregator(["x"], { weight: "w", stats: ["n", "mean", "sd", "min", "max"] });
    agg.add(fieldsOf({ w: "0" }), [0.2], [1]);
    agg.add(fieldsOf({ w: "0" }), [0.6], [1]);
    expect(agg.result().groups[0]).toStrictEqual({ key: [], bodies: 2, weight: 0, nodes: [{ code: "x", n: 2, notApplicable: 0, missing: 0, mean: null, sd: null, min: 0.2, max: 0.6 }] });
  });

  it("a status not yet evaluated (0, pending) counts as missing; other codes are not counted", () => {
    const agg = new Aggregator(["x"]);
    agg.add(() => undefined, [0.9], [0]);
    agg.add(() => undefined, [0.9], [9]);
    expect(agg.result().groups[0]!.nodes[0]).toEqual({ code: "x", n: 0, notApplicable: 0, missing: 1, mean: null });
  });
});

describe("Aggregator issues", () => {
  it("an invalid weight leaves the body out, located by file and row, or by the label given", () => {
    const withSource = new Aggregator(["x"], { weight: "w", source: "in.csv" });
    expect(withSource.add(fieldsOf({ w: "abc" }), [0.5], [1], 7)).toBe(false);
    expect(withSource.add(fieldsOf({}), [0.5], [1], "body B")).toBe(false);
    expect(withSource.add(fieldsOf({ w: " " }), [0.5], [1], 9)).toBe(false);
    expect(withSource.add(fieldsOf({ w: "-0.5" }), [0.5], [1], 10)).toBe(false);
    expect(withSource.add(fieldsOf({ w: "2" }), [0.5], [1], 11)).toBe(true);
    const message = 'weight "w" must be a finite number ≥ 0; the body is left out of the table';
    expect(withSource.result().issues).toEqual([
      { path: "in.csv:7", row: 7, file: "in.csv", code: "invalid_weight", message, expected: "a finite number >= 0", received: "abc" },
      { path: "body B", code: "invalid_weight", message, expected: "a finite number >= 0", received: "nothing" },
      { path: "in.csv:9", row: 9, file: "in.csv", code: "invalid_weight", message, expected: "a finite number >= 0", received: " " },
      { path: "in.csv:10", row: 10, file: "in.csv", code: "invalid_weight", message, expected: "a finite number >= 0", received: "-0.5" },
    ]);
    expect(withSource.result().groups.map((g) => [g.bodies, g.weight])).toEqual([[1, 2]]);
    const bare = new Aggregator(["x"], { weight: "w" });
    bare.add(fieldsOf({ w: "Infinity" }), [0.5], [1], 3);
    expect(bare.result().issues[0]).toEqual({ path: "row 3", row: 3, code: "invalid_weight", message, expected: "a finite number >= 0", received: "Infinity" });
    // A body added with no location leaves the path empty.
    const quiet = new Aggregator(["x"], { weight: "w", source: "in.csv" });
    quiet.add(fieldsOf({ w: "x" }), [0.5], [1]);
    expect(quiet.result().issues[0]).toEqual({ path: "", code: "invalid_weight", message, expected: "a finite number >= 0", received: "x" });
    // Without a weight field no weight is read, and nothing is refused.
    const unweighted = new Aggregator(["x"]);
    expect(unweighted.add(fieldsOf({ w: "abc" }), [0.5], [1])).toBe(true);
  });

  it("an unknown state is grouped under its own trimmed name and reported once per spelling", () => {
    const agg = new Aggregator(["x"], { by: ["state"], source: "s.csv" });
    for (const [state, row] of [["Jalsico", 2], [" Jalsico", 3], ["Jalsico", 4], ["Atlantis", 5], ["Jalisco", 6]] as const) agg.add(fieldsOf({ state }), [0.5], [1], row);
    const t = agg.result();
    expect(t.groups.map((g) => [g.key, g.stateCode, g.bodies])).toEqual([[["Jalsico"], undefined, 3], [["Atlantis"], undefined, 1], [["Jalisco"], "14", 1]]);
    expect(t.issues).toEqual([
      { path: "s.csv:2", row: 2, file: "s.csv", code: "unknown_state", message: 'resolveState: unknown state "Jalsico" (did you mean "Jalisco"?); grouped under its own name', received: "Jalsico" },
      { path: "s.csv:5", row: 5, file: "s.csv", code: "unknown_state", message: 'resolveState: unknown state "Atlantis"; grouped under its own name', received: "Atlantis" },
    ]);
  });

  it("key order by state: INEGI code, Federal after the 32 states, unknown names last and by name; other keys after", () => {
    const agg = new Aggregator(["x"], { by: ["state", "type"], order: "key" });
    const rows: [string, string][] = [["Zacatecas", "b"], ["Zeta", "a"], ["Federal", "a"], ["Alfa", "a"], ["Aguascalientes", "b"], ["NuevoLeon", "a"], ["Aguascalientes", "a"], ["CDMX", "a"]];
    for (const [state, type] of rows) agg.add(fieldsOf({ state, type }), [0.5], [1]);
    expect(agg.result().groups.map((g) => [...g.key, g.stateCode ?? "-"])).toEqual([
      ["Aguascalientes", "a", "01"],
      ["Aguascalientes", "b", "01"],
      ["Ciudad de México", "a", "09"],
      ["Nuevo León", "a", "19"],
      ["Zacatecas", "b", "32"],
      ["Federal", "a", "FED"],
      ["Alfa", "a", "-"],
      ["Zeta", "a", "-"],
    ]);
    // Keyed by type first, the state is a second key in code order.
    const byType = new Aggregator(["x"], { by: ["type", "state"], order: "key" });
    for (const [state, type] of rows) byType.add(fieldsOf({ state, type }), [0.5], [1]);
    expect(byType.result().groups.map((g) => g.key.join("/"))).toEqual([
      "a/Aguascalientes", "a/Ciudad de México", "a/Nuevo León", "a/Federal", "a/Alfa", "a/Zeta", "b/Aguascalientes", "b/Zacatecas",
    ]);
  });

  it("keys are trimmed, absent fields are empty, and nested keys cannot collide", () => {
    const agg = new Aggregator(["x"], { by: ["a", "b"] });
    for (const [a, b] of [["1:", "a"], ["1", ":a"], [" 1", ":a "], [undefined, undefined], ["", ""], ["x", "y"]] as const) agg.add(fieldsOf({ a, b }), [0.5], [1]);
    expect(agg.result().groups.map((g) => [g.key, g.bodies])).toEqual([[["1:", "a"], 1], [["1", ":a"], 2], [["", ""], 2], [["x", "y"], 1]]);
    const one = new Aggregator(["x"], { by: ["a"] });
    for (const a of ["p", " p", "p ", undefined]) one.add(fieldsOf({ a }), [0.5], [1]);
    expect(one.result().groups.map((g) => [g.key, g.bodies])).toEqual([[["p"], 3], [[""], 1]]);
  });
});

describe("aggregate over body scores", () => {
  const r = parseRubric(rubricDoc([node("root", [["a", 0.5], ["b", 0.5]]), leaf("a", { type: "score" }), leaf("b", { type: "score" })]));
  const one = (values: Record<string, number | string>) => scoreBody(r, { id: "B1", values });

  it("refuses scores it cannot read, naming the score and the node", () => {
    const a = one({ a: 0.5, b: 0.5 });
    expect(() => aggregate([a, { ...a, nodes: a.nodes.slice(1) }])).toThrow(new RangeError("aggregate: score 1 has 2 nodes, the first 3, under the same rubric"));
    expect(() => aggregate([a, { ...a, nodes: [a.nodes[0]!, a.nodes[2]!, a.nodes[1]!] }])).toThrow(new RangeError('aggregate: score 1 has node "b" where the first has "a", under the same rubric'));
    const weird = { ...a, nodes: [{ ...a.nodes[0]!, status: "done" }, ...a.nodes.slice(1)] } as unknown as BodyScore;
    expect(() => aggregate([weird])).toThrow(new RangeError('aggregate: score 0, node "root": unknown status "done"'));
    const nullScored = { ...a, nodes: [{ ...a.nodes[0]!, value: null }, ...a.nodes.slice(1)] };
    expect(() => aggregate([nullScored])).toThrow(new RangeError('aggregate: score 0, node "root" is scored but its value is null'));
    const infinite = { ...a, nodes: [{ ...a.nodes[0]!, value: Number.POSITIVE_INFINITY }, ...a.nodes.slice(1)] };
    expect(() => aggregate([infinite])).toThrow(/is scored but its value is Infinity/);
    const noRubric = { ...a, id: undefined, rubric: undefined } as unknown as BodyScore;
    expect(() => aggregate([a, noRubric])).toThrow(new RangeError(`aggregate: score 1 comes from no rubric, the first from test@1.0.0 (hash ${r.hash.slice(0, 12)}); aggregate each rubric's scores separately`));
  });

  it("reads fields as own properties only, and labels issues with the body's id", () => {
    const inherited = Object.create({ state: "Jalisco" }) as Record<string, string>;
    const s = { ...one({ a: 0.5, b: 0.5 }), fields: inherited };
    expect(aggregate([s], { by: ["state"] }).groups[0]!.key).toEqual([""]);
    const t = aggregate([{ ...one({ a: 0.5, b: 0.5 }), fields: { w: "x" } }], { weight: "w" });
    expect(t.issues[0]).toMatchObject({ path: "B1", code: "invalid_weight" });
    const anonymous = scoreBody(r, { values: { a: 1, b: 1 }, fields: { w: "x" } });
    expect(aggregate([anonymous], { weight: "w" }).issues[0]!.path).toBe("");
  });

  it("not applicable and missing values reach the counts, never the means", () => {
    const t = aggregate([one({ a: 0.5, b: "NA" }), one({ a: 1 }), one({ a: 0, b: 1 })]);
    expect(t.groups[0]!.nodes.map((n) => [n.code, n.n, n.notApplicable, n.missing, n.mean])).toEqual([
      ["root", 2, 0, 1, 0.5],
      ["a", 3, 0, 0, 0.5],
      ["b", 1, 1, 1, 1],
    ]);
  });

  it("an empty input gives a table of the options with no groups", () => {
    expect(aggregate([], { by: ["state"], stats: ["n", "mean", "sd"], quantiles: [0.5] })).toEqual({ by: ["state"], nodes: [], stats: ["n", "mean", "sd"], quantiles: [0.5], groups: [], issues: [] });
    expect(aggregate([])).toEqual({ by: [], nodes: [], stats: ["n", "mean"], quantiles: [], groups: [], issues: [] });
  });
});

describe("rounding refuses what it cannot round, by name", () => {
  it("a value that is not a number is a TypeError; bad decimals a RangeError", () => {
    expect(() => roundHalfUp("0.5" as unknown as number, 2)).toThrow(new TypeError("roundHalfUp: expected a number, received string"));
    expect(() => formatFixed(null as unknown as number, 2)).toThrow(new TypeError("formatFixed: expected a number, received object"));
    expect(() => formatFixed(0.5, 16)).toThrow(new RangeError("formatFixed: decimals must be an integer from 0 to 15, received 16"));
    expect(() => roundHalfUp(0.5, -1)).toThrow(new RangeError("roundHalfUp: decimals must be an integer from 0 to 15, received -1"));
    expect(() => formatFixed(Number.NEGATIVE_INFINITY, 2)).toThrow(new RangeError("formatFixed: expected a finite number, received -Infinity"));
    expect(formatFixed(0.5, 15)).toBe("0.500000000000000");
    expect(formatFixed(12.5, 0)).toBe("13");
  });
});
