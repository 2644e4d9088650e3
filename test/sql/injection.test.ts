/**
 * Hostile names cannot inject SQL: every table, column, field, view name and ordinal level name
 * goes through the dialect's one quoting function. The classic payloads are used as real names in
 * DuckDB and PostgreSQL (the query must score correctly and a canary table must survive), and the
 * ansi dialect refuses them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEdition, parseRubric, scoreBody } from "../../src/index.js";
import { compileToSql, quoteSql, type CompileSqlOptions } from "../../src/sql/index.js";
import { leaf, node, rubricDoc } from "../helpers.js";
import { Duck, expectSameScores, type TextTable } from "./helpers.js";
import { startPostgres, type Postgres } from "./postgres.js";

const PAYLOADS = [
  `x"; DROP TABLE canary; --`,
  `'; DROP TABLE canary; --`,
  `a"b`,
  `it's`,
  `back\\slash\\`,
  `\\'; DROP TABLE canary; --`,
  `$$; DROP TABLE canary; $$`,
  `E'\\x27`,
  "line\nbreak\r-- comment",
  "tab\there",
  `*/ DROP TABLE canary; /*`,
  "tabla_é_ñ_😀",
  "\u202e\u0301mark",
  `"`,
  `''`,
  "`; DROP TABLE canary; --",
];

describe("quoteSql: one quoting function per dialect", () => {
  it("doubles the delimiters, and PostgreSQL strings are escape strings with doubled backslashes", () => {
    expect(quoteSql("duckdb", `a"b`)).toBe(`"a""b"`);
    expect(quoteSql("postgres", `a"b`)).toBe(`"a""b"`);
    expect(quoteSql("duckdb", `it's`, "string")).toBe(`'it''s'`);
    expect(quoteSql("postgres", `it's \\`, "string")).toBe(`E'it''s \\\\'`);
    expect(quoteSql("ansi", "plain_name1")).toBe("plain_name1");
    expect(quoteSql("ansi", "no aplica", "string")).toBe("'no aplica'");
  });

  it("refuses NUL and lone surrogates everywhere, PostgreSQL names over 63 bytes, and anything ansi cannot write bare", () => {
    for (const d of ["duckdb", "postgres", "ansi"] as const) {
      expect(() => quoteSql(d, "a\u0000b")).toThrow(RangeError);
      expect(() => quoteSql(d, "a\u0000b", "string")).toThrow(RangeError);
      expect(() => quoteSql(d, "a\ud800b")).toThrow(/surrogate/);
    }
    expect(() => quoteSql("postgres", "x".repeat(64))).toThrow(/63 bytes/);
    expect(quoteSql("duckdb", "x".repeat(64))).toBe(`"${"x".repeat(64)}"`);
    for (const p of PAYLOADS) {
      expect(() => quoteSql("ansi", p)).toThrow(RangeError);
      if (/['\\\n\r\t]/.test(p)) expect(() => quoteSql("ansi", p, "string")).toThrow(RangeError);
    }
    for (const word of ["select", "Order", "TABLE", "from", "union"]) expect(() => quoteSql("ansi", word)).toThrow(/reserved/);
    expect(() => quoteSql("ansi", "9lives")).toThrow(RangeError);
    expect(() => quoteSql("duckdb", "x", "other" as "string")).not.toThrow();
  });

  it("compileToSql refuses a hostile name in the ansi dialect instead of writing it", () => {
    const rubric = loadEdition("2017");
    for (const p of PAYLOADS) {
      expect(() => compileToSql(rubric, { dialect: "ansi", table: p })).toThrow(RangeError);
      expect(() => compileToSql(rubric, { dialect: "ansi", table: "t", id: p })).toThrow(RangeError);
      expect(() => compileToSql(rubric, { dialect: "ansi", table: "t", by: [p] })).toThrow(RangeError);
    }
    expect(() => compileToSql(rubric, { dialect: "duckdb", table: "t\u0000" })).toThrow(RangeError);
  });
});

/** A rubric whose ordinal levels are payloads, and a table whose every name is one. */
function hostileCase(dialect: "duckdb" | "postgres", payloads: readonly string[]) {
  const levels = payloads.filter((p) => p.trim() === p && p.length > 0).map((value, i) => ({ value, score: (i % 4) / 4 }));
  const rubric = parseRubric(
    rubricDoc([node("root", [["a", 0.5], ["b", 0.5]]), leaf("a", { type: "ordinal", levels }), leaf("b", { type: "score", observations: { set: "obs" } })], {
      observationSets: [{ id: "obs", label: { es: "o", en: "o" }, noObservations: "missing", provenance: { status: "verified", source: "test" } }],
    }),
  );
  const [tableName, idCol, aCol, keyCol, obsTable, bCol, viewName] = [0, 1, 2, 3, 4, 5, 6].map((i) => payloads[i % payloads.length]! + (i === 0 ? "" : String(i)));
  const body: TextTable = {
    header: [idCol!, aCol!, keyCol!],
    rows: levels.map((l, i) => [`body${i}`, l.value, payloads[i % payloads.length]!]),
  };
  const obs: TextTable = { header: [idCol!, bCol!], rows: levels.flatMap((_, i) => [[`body${i}`, "0.5"], [`body${i}`, String(i % 2)]]) };
  const options: CompileSqlOptions = {
    dialect,
    table: tableName!,
    id: idCol!,
    columns: { a: aCol!, b: bCol! },
    observations: { obs: obsTable! },
    carry: [keyCol!],
  };
  const scores = body.rows.map((row, i) => scoreBody(rubric, { id: row[0]!, values: { a: row[1]! }, observations: { obs: [{ b: "0.5" }, { b: String(i % 2) }] } }));
  return { rubric, body, obs, options, scores, tableName: tableName!, obsTable: obsTable!, viewName: viewName!, keyCol: keyCol! };
}

describe("hostile names in DuckDB", () => {
  let db: Duck;
  beforeAll(async () => {
    db = await Duck.open();
    await db.connection.run("CREATE TABLE canary (x INTEGER)");
  });
  afterAll(() => db.close());

  it("scores correctly with every payload as table, column, field, view and level name; the canary survives", async () => {
    for (let shift = 0; shift < PAYLOADS.length; shift++) {
      const payloads = [...PAYLOADS.slice(shift), ...PAYLOADS.slice(0, shift)].map((p) => `${p}${shift}`);
      const c = hostileCase("duckdb", payloads);
      await db.table(c.tableName, c.body);
      await db.table(c.obsTable, c.obs);
      const rows = await db.query(compileToSql(c.rubric, c.options));
      expectSameScores(c.rubric, c.options, rows, c.scores);
      expect(rows.map((r) => String(r[c.keyCol])).sort()).toEqual(c.body.rows.map((r) => r[2]!).sort());
      await db.connection.run(compileToSql(c.rubric, { ...c.options, view: c.viewName }));
      expect(await db.query(`SELECT count(*) AS n FROM "${c.viewName.replaceAll('"', '""')}"`)).toEqual([{ n: BigInt(c.body.rows.length) }]);
      const byKey = await db.query(compileToSql(c.rubric, { ...c.options, by: [c.keyCol] }));
      expect(byKey.map((r) => r[c.keyCol])).toContain(payloads[0]!.trim());
    }
    expect(await db.query("SELECT count(*) AS n FROM canary")).toEqual([{ n: 0n }]);
  });
});

const started = await startPostgres();
if (started.error !== undefined) {
  if (process.env.CI) throw new Error(`PostgreSQL is required under CI: ${started.error}`);
  console.warn(`skipping the PostgreSQL injection tests: ${started.error}`);
}

describe.skipIf(started.error !== undefined)("hostile names in PostgreSQL", () => {
  const pg = started.pg as Postgres;
  beforeAll(() => pg.exec("CREATE TABLE canary (x integer)"));
  afterAll(() => pg.stop());

  it("scores correctly with every payload as table, column, field, view and level name; the canary survives", () => {
    for (let shift = 0; shift < PAYLOADS.length; shift++) {
      const payloads = [...PAYLOADS.slice(shift), ...PAYLOADS.slice(0, shift)].map((p) => `${p}${shift}`);
      const c = hostileCase("postgres", payloads);
      pg.table(c.tableName, c.body);
      pg.table(c.obsTable, c.obs);
      const rows = pg.query(compileToSql(c.rubric, c.options));
      expectSameScores(c.rubric, c.options, rows, c.scores);
      pg.exec(compileToSql(c.rubric, { ...c.options, view: c.viewName }));
      const [n] = pg.query(`SELECT count(*) AS n FROM "${c.viewName.replaceAll('"', '""')}"`);
      expect(Number(n!.n)).toBe(c.body.rows.length);
    }
    // Also with standard_conforming_strings off, where '...\' would end a plain string early.
    const c = hostileCase("postgres", PAYLOADS.map((p) => `${p}x`));
    pg.table(c.tableName, c.body);
    pg.table(c.obsTable, c.obs);
    const out = pg.query(`SET standard_conforming_strings = off;\n${compileToSql(c.rubric, c.options)}`);
    expectSameScores(c.rubric, c.options, out, c.scores);
    expect(pg.query("SELECT count(*) AS n FROM canary")).toEqual([{ n: "0" }]);
  });
});
