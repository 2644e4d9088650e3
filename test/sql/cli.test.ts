/**
 * `ogmetric sql`: the printed query is compileToSql's, its usage errors exit 2, and DuckDB running it
 * over the fixture CSV files (read in place: DuckDB types the columns itself, numbers as DOUBLE and
 * BIGINT) gives what `ogmetric score` writes for the same files, node by node.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEdition } from "../../src/index.js";
import { compileToSql } from "../../src/sql/index.js";
import { parseTableName } from "../../src/cli/commands/sql.js";
import { cli, records, ROOT } from "../cli/helpers.js";
import { Duck } from "./helpers.js";

describe("ogmetric sql", () => {
  let db: Duck;
  beforeAll(async () => {
    db = await Duck.open();
  });
  afterAll(() => db.close());

  it("prints compileToSql's query, with a semicolon", () => {
    const r = cli(["sql", "--edition", "2019", "--dialect", "postgres", "--table", "analytics.survey", "--observations", "citizen_requests=requests", "--map", "id=SO", "--by", "state", "--stats", "median,sd"], ROOT);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const expected = compileToSql(loadEdition("2019"), {
      dialect: "postgres",
      table: ["analytics", "survey"],
      observations: { citizen_requests: ["requests"] },
      columns: { id: "SO" },
      by: ["state"],
      stats: ["median", "sd"],
    });
    expect(r.stdout).toBe(`${expected};\n`);
  });

  it("usage errors exit 2 and name the option", () => {
    const cases: [string[], RegExp][] = [
      [["sql", "--edition", "2017"], /--dialect: expected duckdb, postgres, ansi/],
      [["sql", "--dialect", "duckdb"], /give either --edition 2017\|2019 or --rubric FILE.json/],
      [["sql", "--edition", "2017", "--dialect", "duckdb", "--nodes", "zz"], /"zz" is not a node code or alias of mga-2017/],
      [["sql", "--edition", "2017", "--dialect", "duckdb", "--observations", "nope=t"], /"nope" is not an observation set/],
      [["sql", "--edition", "2017", "--dialect", "duckdb", "--stats", "median"], /--stats goes with --by or --aggregate/],
      [["sql", "--edition", "2017", "--dialect", "duckdb", "--table", 'a."b'], /--table: expected a table name/],
      [["sql", "--edition", "2017", "--dialect", "ansi"], /cannot name column "tg.ai" \(node "tg.ai"\) without delimiters: map it/],
      [["sql", "--edition", "2017", "--dialect", "duckdb", "survey.csv"], /takes no file/],
    ];
    for (const [args, message] of cases) {
      const r = cli(args, ROOT);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe("");
    }
  });

  it("--help describes the command; ogmetric --help lists it", () => {
    expect(cli(["sql", "--help"], ROOT).stdout).toContain("Usage: ogmetric sql");
    expect(cli(["--help"], ROOT).stdout).toMatch(/^ {2}sql {2,}print SQL/m);
  });

  it("parseTableName reads dotted, quoted parts and refuses broken ones", () => {
    expect(parseTableName("a.b")).toEqual(["a", "b"]);
    expect(parseTableName('"survey.parquet"')).toEqual(["survey.parquet"]);
    expect(parseTableName('s."my ""odd"" name"')).toEqual(["s", 'my "odd" name']);
    for (const bad of ["", ".", "a.", ".a", 'a"b', '"open', '"a"b', "a..b"]) expect(parseTableName(bad), bad).toBeUndefined();
  });

  for (const [edition, observations] of [
    ["2017", ["citizen_requests=mga2017-sample-requests.csv"]],
    ["2019", ["citizen_requests=mga2019-sample-requests.csv", "request_records=mga2019-sample-records.csv"]],
  ] as const) {
    it(`DuckDB running the printed SQL over the ${edition} CSV files equals ogmetric score on them`, async () => {
      const file = (f: string) => `"fixtures/${f}"`;
      const sql = cli(["sql", "--edition", edition, "--dialect", "duckdb", "--table", file(`mga${edition}-sample.csv`), ...observations.flatMap((o) => ["--observations", `${o.split("=")[0]}=${file(o.split("=")[1]!)}`]), "--carry", "state"], ROOT);
      expect(sql.code).toBe(0);
      const score = cli(["score", `fixtures/mga${edition}-sample.csv`, "--edition", edition, ...observations.flatMap((o) => ["--observations", `fixtures/${o.split("=")[1]}`])], ROOT);
      expect(score.code).toBe(0);
      await db.connection.run(`SET file_search_path = '${ROOT.replaceAll("'", "''")}'`);
      const rows = await db.query(sql.stdout.replace(/;\n$/, ""));
      const expected = records(score.stdout);
      expect(rows).toHaveLength(expected.length);
      const byId = new Map(rows.map((r) => [r.id, r]));
      const codes = loadEdition(edition).nodes.map((n) => n.code);
      const bad: string[] = [];
      for (const want of expected) {
        const got = byId.get(want.id)!;
        if (got.state !== want.state) bad.push(`${want.id} state`);
        for (const code of codes) {
          const cell = want[code]!;
          const v = got[code] as number | null;
          const status = got[`${code}:status`];
          const ok = cell === "" ? v === null && status === "missing" : cell === "NA" ? v === null && status === "not_applicable" : status === "scored" && Math.abs(v! - Number(cell)) <= 1e-12;
          if (!ok) bad.push(`${want.id} ${code}: score ${JSON.stringify(cell)}, SQL ${status} ${v}`);
        }
      }
      expect(bad.slice(0, 10)).toEqual([]);
    });
  }
});
