/**
 * Known values, worked out by hand on the small rubric of docs/rubric-format.md (idx = 0.6 portal
 * + 0.4 answers; portal = mean of exists and items/4; exists gates items; answers is the share of
 * requests answered in time, not applicable without requests): what the SQL gives in DuckDB for
 * gates, NA tokens, nodes given directly, invalid cells and empty tables.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRubric } from "../../src/index.js";
import { compileToSql, sqlColumns, type CompileSqlOptions } from "../../src/sql/index.js";
import { leaf, node, rubricDoc } from "../helpers.js";
import { Duck, type TextTable } from "./helpers.js";

const rubric = parseRubric(
  rubricDoc(
    [
      node("idx", [["portal", 0.6], ["answers", 0.4]]),
      node("portal", [["portal.exists", 0.5], ["portal.items", 0.5]]),
      leaf("portal.exists", { type: "binary" }, { gates: ["portal.items"] }),
      leaf("portal.items", { type: "count", max: 4 }),
      leaf("answers", { type: "binary", observations: { set: "requests" } }),
    ],
    { observationSets: [{ id: "requests", label: { es: "s", en: "r" }, noObservations: "not_applicable", provenance: { status: "assumed", source: "test" } }] },
  ),
);

/** body id, portal.exists, portal.items, portal (given directly, usually empty); then requests. */
const BODIES: [string, string, string, string][] = [
  ["plain", "1", "3", ""],
  ["gated", "0", "4", ""],
  ["no_requests", "1", "3", ""],
  ["items_na", "1", " n/a ", ""],
  ["items_out_of_range", "1", "5", ""],
  ["exists_unreadable", "abc", "2", ""],
  ["portal_given", "", "", "0.5"],
  ["tiny_zero", "1e-400", "3", ""],
  ["request_unreadable", "1", "4", ""],
  ["exists_missing", "", "2", ""],
];
const REQUESTS: [string, string][] = [
  ["plain", "1"], ["plain", "1"], ["plain", "0"],
  ["gated", "1"], ["gated", "1"], ["gated", "0"],
  ["items_na", "1"], ["items_na", "1"], ["items_na", "0"],
  ["items_out_of_range", "1"],
  ["exists_unreadable", "1"],
  ["portal_given", "0"], ["portal_given", "1"],
  ["tiny_zero", "1"],
  ["request_unreadable", "1"], ["request_unreadable", "2"],
  ["exists_missing", "1"],
];

type Got = Record<string, [string, number | null]>;

describe("compileToSql: hand-computed values (DuckDB)", () => {
  let db: Duck;
  const options: CompileSqlOptions = { dialect: "duckdb", table: "mini", observations: { requests: "mini_requests" }, nodes: ["portal.exists", "portal.items", "portal"] };
  const got = new Map<string, Got>();
  beforeAll(async () => {
    db = await Duck.open();
    const body: TextTable = { header: ["id", "portal.exists", "portal.items", "portal"], rows: BODIES };
    await db.table("mini", body);
    await db.table("mini_requests", { header: ["id", "answers"], rows: REQUESTS });
    const cols = sqlColumns(rubric, options);
    for (const row of await db.query(compileToSql(rubric, options))) {
      const nodes: Got = {};
      for (const n of cols.nodes) nodes[n.code] = [row[n.columns.status!] as string, row[n.columns.value!] as number | null];
      got.set(row.id as string, nodes);
    }
  });
  afterAll(() => db.close());

  const close = (v: number | null, want: number) => expect(v).toBeCloseTo(want, 12);

  it("idx = 0.6 × (0.5 × 1 + 0.5 × 3/4) + 0.4 × 2/3 = 0.791667", () => {
    const g = got.get("plain")!;
    close(g.idx![1], 0.6 * (0.5 + 0.5 * 0.75) + 0.4 * (2 / 3));
    expect(g["portal.items"]).toEqual(["scored", 0.75]);
    close(g.answers![1], 2 / 3);
  });

  it("exists = 0 gates items to 0 whatever was recorded (4 of 4 here)", () => {
    const g = got.get("gated")!;
    expect(g["portal.items"]).toEqual(["scored", 0]);
    expect(g.portal).toEqual(["scored", 0]);
    close(g.idx![1], 0.4 * (2 / 3));
  });

  it("no request at all: answers is not applicable and idx is portal alone", () => {
    const g = got.get("no_requests")!;
    expect(g.answers).toEqual(["not_applicable", null]);
    close(g.idx![1], 0.875);
  });

  it('" n/a " is not applicable: portal re-weights to exists alone', () => {
    const g = got.get("items_na")!;
    expect(g["portal.items"]).toEqual(["not_applicable", null]);
    expect(g.portal).toEqual(["scored", 1]);
    close(g.idx![1], 0.6 + 0.4 * (2 / 3));
  });

  it("a count over its max and an unreadable gate are invalid, and so is everything they reach", () => {
    const g = got.get("items_out_of_range")!;
    expect([g["portal.items"], g.portal, g.idx]).toEqual([["invalid", null], ["invalid", null], ["invalid", null]]);
    expect(g.answers).toEqual(["scored", 1]);
    const u = got.get("exists_unreadable")!;
    // Unknown whether the gate fires: items is unknown too, though its own cell reads.
    expect([u["portal.exists"], u["portal.items"], u.portal, u.idx]).toEqual([["invalid", null], ["invalid", null], ["invalid", null], ["invalid", null]]);
  });

  it("a node given directly overrides its (empty) subtree", () => {
    const g = got.get("portal_given")!;
    expect(g["portal.exists"]).toEqual(["missing", null]);
    expect(g.portal).toEqual(["scored", 0.5]);
    close(g.idx![1], 0.6 * 0.5 + 0.4 * 0.5);
  });

  it("1e-400 reads as 0 (as JavaScript reads it), so the gate fires", () => {
    const g = got.get("tiny_zero")!;
    expect(g["portal.exists"]).toEqual(["scored", 0]);
    expect(g["portal.items"]).toEqual(["scored", 0]);
  });

  it("an unreadable observation makes its leaf invalid (the CLI counts it missing and rejects the row)", () => {
    const g = got.get("request_unreadable")!;
    expect(g.answers).toEqual(["invalid", null]);
    expect(g.portal).toEqual(["scored", 1]);
    expect(g.idx).toEqual(["invalid", null]);
  });

  it("a missing gate leaves its parent missing, never 0", () => {
    const g = got.get("exists_missing")!;
    expect(g["portal.exists"]).toEqual(["missing", null]);
    expect(g["portal.items"]).toEqual(["scored", 0.5]);
    expect(g.portal).toEqual(["missing", null]);
    expect(g.idx).toEqual(["missing", null]);
  });

  it("the aggregate counts invalid bodies apart; an empty table gives no rows, national included", async () => {
    const [national] = await db.query(compileToSql(rubric, { ...options, by: [] }));
    expect(national).toMatchObject({ bodies: 10n, "idx:n": 6n, "idx:missing": 1n, "idx:invalid": 3n, "idx:na": 0n, "answers:na": 1n });
    await db.connection.run("CREATE TABLE empty AS SELECT * FROM mini WHERE false");
    expect(await db.query(compileToSql(rubric, { ...options, table: "empty" }))).toEqual([]);
    expect(await db.query(compileToSql(rubric, { ...options, table: "empty", by: [] }))).toEqual([]);
    expect(await db.query(compileToSql(rubric, { ...options, table: "empty", by: ["id"] }))).toEqual([]);
  });
});

describe("compileToSql: caller mistakes", () => {
  it("throws RangeError for unknown nodes, sets, statistics, dialects and cells", () => {
    const base: CompileSqlOptions = { dialect: "duckdb", table: "t" };
    expect(() => compileToSql(rubric, { ...base, nodes: ["zz"] })).toThrow(/compileToSql: nodes: "zz" is not a node code or alias of test/);
    expect(() => compileToSql(rubric, { ...base, nodes: ["idx", "idx"] })).toThrow(/twice/);
    expect(() => compileToSql(rubric, { ...base, observations: { other: "o" } })).toThrow(/"other" is not an observation set/);
    expect(() => compileToSql(rubric, { ...base, by: [], stats: ["mode" as "median"] })).toThrow(/unknown statistic "mode"/);
    expect(() => compileToSql(rubric, { ...base, stats: ["median"] })).toThrow(/stats go with by/);
    expect(() => compileToSql(rubric, { ...base, dialect: "mysql" as "duckdb" })).toThrow(/unknown dialect "mysql"/);
    expect(() => compileToSql(rubric, { ...base, dialect: "ansi", cells: "text" })).toThrow(/ansi dialect reads value columns as numbers/);
    expect(() => compileToSql(rubric, { ...base, table: [] })).toThrow(/table must be a non-empty name/);
    expect(() => compileToSql(rubric, { ...base, carry: ["idx"] })).toThrow(/two output columns would be named "idx"/);
    expect(() => compileToSql(null as never, base)).toThrow(TypeError);
  });

  it("names the output columns: code and code:status per body; code, code:n ... per group; ansi with underscores", () => {
    expect(sqlColumns(rubric, { dialect: "duckdb", table: "t" }).nodes[3]).toEqual({ code: "portal.items", columns: { value: "portal.items", status: "portal.items:status" } });
    expect(sqlColumns(rubric, { dialect: "ansi", table: "t", columns: { "portal.exists": "e", "portal.items": "i" }, by: ["k"], stats: ["sd"] }).nodes[3]).toEqual({
      code: "portal.items",
      columns: { mean: "portal_items", n: "portal_items__n", na: "portal_items__na", missing: "portal_items__missing", invalid: "portal_items__invalid", sd: "portal_items__sd" },
    });
  });

  it("does not mutate its options", () => {
    const options = Object.freeze({ dialect: "duckdb", table: Object.freeze(["a", "b"]), nodes: Object.freeze(["idx"]), by: Object.freeze(["k"]), columns: Object.freeze({ idx: "I" }) }) as CompileSqlOptions;
    expect(() => compileToSql(rubric, options)).not.toThrow();
  });
});
