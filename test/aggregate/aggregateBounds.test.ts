/**
 * The aggregator's bounds (merged from main, found untested by the mutation run): at most
 * `maxGroups` groups (20,000 by default) and `maxKeptValues` values kept for medians and quantiles
 * (16M by default), each refused with a RangeError that names the limit; and the state order where
 * code order and alphabetical order part (Coahuila, 05, before Ciudad de México, 09).
 */
import { describe, expect, it } from "vitest";
import { Aggregator, STATUS_PENDING, STATUS_SCORED } from "../../src/engine/index.js";

const fieldsOf = (fields: Record<string, string | undefined>) => (name: string) => fields[name];

describe("Aggregator bounds", () => {
  it("takes exactly maxGroups groups and refuses one more, naming the limit and the grouping", () => {
    const agg = new Aggregator(["x"], { by: ["g", "h"], maxGroups: 3 });
    for (const g of ["a", "b", "c", "a", "c"]) agg.add(fieldsOf({ g, h: "1" }), [0.5], [1]);
    expect(agg.result().groups.map((x) => x.key.join("/"))).toEqual(["a/1", "b/1", "c/1"]);
    expect(() => agg.add(fieldsOf({ g: "d", h: "1" }), [0.5], [1])).toThrow(
      new RangeError("Aggregator: more than 3 groups by g, h; a table groups bodies by a key they share (state, type, level), and per-body results come without --by"),
    );
  });

  it("by default takes 20,000 groups and refuses the 20,001st", () => {
    const agg = new Aggregator(["x"], { by: ["g"] });
    for (let i = 0; i < 20_000; i++) agg.add(fieldsOf({ g: String(i) }), [0.5], [1]);
    expect(agg.result().groups.length).toBe(20_000);
    expect(() => agg.add(fieldsOf({ g: "one more" }), [0.5], [1])).toThrow(/more than 20000 groups by g;/);
  });

  it("keeps exactly maxKeptValues values for a median and refuses one more; statistics without medians keep none", () => {
    const agg = new Aggregator(["x", "y"], { stats: ["median"], maxKeptValues: 3 });
    agg.add(fieldsOf({}), [0.1, 0.2], [1, 1]);
    agg.add(fieldsOf({}), [0.3, 0], [1, 3]); // a missing value is not kept
    expect(agg.result().groups[0]!.nodes.map((n) => n.median)).toEqual([0.2, 0.2]);
    expect(() => agg.add(fieldsOf({}), [0.5, 0.5], [1, 1])).toThrow(
      new RangeError("Aggregator: medians and quantiles keep every value, and this table needs more than 3; ask for n, mean, sd, min and max only, or group more coarsely"),
    );
    const plain = new Aggregator(["x"], { stats: ["sd", "min", "max"], maxKeptValues: 1 });
    for (let i = 0; i < 5; i++) plain.add(fieldsOf({}), [i / 4], [1]);
    expect(plain.result().groups[0]!.nodes[0]!.n).toBe(5);
  });

  it("by default keeps 16,000,000 values (a million bodies of one node is well inside)", () => {
    const agg = new Aggregator(["x"], { stats: ["median"] });
    for (let i = 0; i < 1_000; i++) agg.add(fieldsOf({}), [i / 1000], [1]);
    expect(agg.result().groups[0]!.nodes[0]!.median).toBe(0.4995);
  });
});

describe("state key order where code and name order part", () => {
  it("Coahuila (05) before Ciudad de México (09), whichever is seen first; Federal after them", () => {
    const agg = new Aggregator(["x"], { by: ["state"], order: "key" });
    for (const state of ["Federal", "CDMX", "Coahuila", "Zacatecas"]) agg.add(fieldsOf({ state }), [0.5], [1]);
    expect(agg.result().groups.map((g) => [g.key[0], g.stateCode])).toEqual([
      ["Coahuila", "05"],
      ["Ciudad de México", "09"],
      ["Zacatecas", "32"],
      ["Federal", "FED"],
    ]);
  });
});

describe("survivors of the merged run in the aggregator", () => {
  const one = (bodies: readonly [number, string, number?][]) => {
    const agg = new Aggregator(["x"], { weight: "w", stats: ["n", "mean", "sd", "min", "max"] });
    for (const [v, w, s] of bodies) agg.add(fieldsOf({ w }), [v], [s ?? STATUS_SCORED]);
    return agg.result().groups[0]!.nodes[0]!;
  };

  it("a body of weight 0 changes no weighted statistic, first or last (it still counts, and min and max see it)", () => {
    const plain = one([[0.4, "1"], [0.8, "3"]]);
    expect(one([[0.2, "0"], [0.4, "1"], [0.8, "3"]])).toEqual({ ...plain, n: 3, min: 0.2 });
    expect(one([[0.4, "1"], [0.8, "3"], [0.2, "0"]])).toEqual({ ...plain, n: 3, min: 0.2 });
    expect(plain.sd).toBeGreaterThan(0);
  });

  it("a pending status counts as missing", () => {
    const agg = new Aggregator(["x"], {});
    agg.add(fieldsOf({}), [0], [STATUS_PENDING]);
    agg.add(fieldsOf({}), [0.5], [STATUS_SCORED]);
    expect(agg.result().groups[0]!.nodes[0]).toMatchObject({ n: 1, missing: 1, mean: 0.5 });
  });

  it("an issue without a source file has no file key at all", () => {
    const agg = new Aggregator(["x"], { weight: "w" });
    agg.add(fieldsOf({ w: "-1" }), [0.5], [STATUS_SCORED], 7);
    const [issue] = agg.result().issues;
    expect(Object.keys(issue!).sort()).toEqual(["code", "expected", "message", "path", "received", "row"]);
    expect(issue).toMatchObject({ path: "row 7", row: 7 });
  });
});
