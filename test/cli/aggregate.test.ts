import { afterAll, describe, expect, it } from "vitest";
import { cli, parseCsv, records, tempDir, quiet } from "./helpers.js";

const t = tempDir();
afterAll(t.cleanup);
const run = (...args: string[]) => cli(args, t.dir);
const lines = (s: string) => s.split("\n").filter((l) => l.length > 0);

// Sub-index inputs: iga = mean of the four. A .5, B .25, C NA-free 1, D with PC not applicable.
t.file(
  "input.csv",
  [
    "id,state,level,TG,TC,PG,PC",
    "A,Jalisco,Estatal,0.5,0.5,0.5,0.5",
    "B,Jalisco,Municipal,0.25,0.25,0.25,0.25",
    "C,Yucatán,Estatal,1,1,1,1",
    "D,Yucatan,Estatal,0.5,0.5,0.5,NA",
    "E,Yucatán,Estatal,0.5,0.5,,0.5",
  ].join("\n"),
);
const scored = run("score", "input.csv", "--edition", "2017", "--out", "scores.csv");

describe("ogmetric aggregate", () => {
  it("reads a scores file without flags: national (no --by) is one row over all bodies", () => {
    expect(scored.code).toBe(0);
    const r = run("aggregate", "scores.csv");
    expect(quiet(r.stderr)).toBe("");
    expect(r.code).toBe(0);
    const [header, ...rows] = parseCsv(r.stdout);
    expect(header!.slice(0, 5)).toEqual(["bodies", "iga", "iga:n", "iga:na", "iga:missing"]);
    expect(rows).toHaveLength(1);
    // iga: A .5, B .25, C 1, D (.5 + .5 + .5) re-weighted: p = pg = .5 → .5; E missing.
    expect(records(r.stdout)[0]).toMatchObject({ bodies: "5", iga: String((0.5 + 0.25 + 1 + 0.5) / 4), "iga:n": "4", "iga:missing": "1", "pc:na": "1", "pc:n": "4" });
  });

  it("--by state uses canonical names (Yucatan = Yucatán) and adds state_code; --by level; --stats; --round", () => {
    const r = run("aggregate", "scores.csv", "--by", "state", "--stats", "median,sd,min,max", "--round", "3");
    expect(r.code).toBe(0);
    const table = records(r.stdout);
    expect(table.map((g) => [g.state, g.state_code, g.bodies, g.iga, g["iga:median"], g["iga:min"], g["iga:max"], g["iga:sd"]])).toEqual([
      ["Jalisco", "14", "2", "0.375", "0.375", "0.250", "0.500", "0.177"],
      ["Yucatán", "31", "3", "0.750", "0.750", "0.500", "1.000", "0.354"],
    ]);
    const levels = records(run("aggregate", "scores.csv", "--by", "level", "--by", "state").stdout);
    expect(levels.map((g) => [g.level, g.state, g.bodies])).toEqual([
      ["Estatal", "Jalisco", "1"],
      ["Municipal", "Jalisco", "1"],
      ["Estatal", "Yucatán", "3"],
    ]);
  });

  it("--format json gives the table object, rounded with --round", () => {
    const table = JSON.parse(run("aggregate", "scores.csv", "--format", "json", "--round", "2").stdout) as { groups: { bodies: number; nodes: { code: string; mean: number }[] }[] };
    expect(table.groups[0]!.bodies).toBe(5);
    expect(table.groups[0]!.nodes[0]).toMatchObject({ code: "iga", mean: 0.56, n: 4, missing: 1 });
  });

  it("rejects a row whose score is not a number in [0, 1], NA or empty (exit 3)", () => {
    const text = t.read("scores.csv").split("\n");
    t.file("tampered.csv", [text[0], text[1]!.replace(",0.5,", ",1.5,"), text[2]].join("\n"));
    const r = run("aggregate", "tampered.csv", "--rejects", "tampered-rejects.csv");
    expect(r.code).toBe(3);
    expect(lines(r.stderr)).toEqual([
      'tampered.csv:2:7: column "iga": expected a score from 0 to 1, NA or an empty cell, found "1.5"',
      "tampered.csv: 2 data lines: 1 body aggregated, 1 rejected, 0 blank",
      "1 row written to the rejects: tampered-rejects.csv",
    ]);
    expect(records(r.stdout)[0]).toMatchObject({ bodies: "1" });
  });

  it("refuses a file without a rubric column unless --edition says which columns are nodes", () => {
    expect(run("aggregate", "input.csv")).toMatchObject({
      code: 1,
      stderr: 'input.csv:1: no "rubric" column, so the node columns are unknown: aggregate a file written by "ogmetric score", or give --edition or --rubric\n',
    });
    // With --edition, columns named by node code or alias are aggregated as they are.
    t.file("direct.csv", "id,state,TG,TC\nA,Jalisco,0.5,1\nB,Jalisco,0.25,0\n");
    const r = run("aggregate", "direct.csv", "--edition", "2017", "--by", "state");
    expect(r.code).toBe(0);
    expect(parseCsv(r.stdout)[0]).toEqual(["state", "state_code", "bodies", "tg", "tg:n", "tg:na", "tg:missing", "tc", "tc:n", "tc:na", "tc:missing"]);
    expect(records(r.stdout)[0]).toMatchObject({ tg: "0.375", tc: "0.5" });
  });

  it("refuses scores of two rubrics in one file (exit 1)", () => {
    const text = t.read("scores.csv").split("\n");
    t.file("mixed.csv", [text[0], text[1], text[2]!.replace("mga-2017@1.0.0#5ede0e237441", "mga-2019@1.0.0#141e5f3b743f")].join("\n"));
    expect(run("aggregate", "mixed.csv")).toMatchObject({
      code: 1,
      stderr: 'mixed.csv:3:6: rubric "mga-2019@1.0.0#141e5f3b743f" differs from "mga-2017@1.0.0#5ede0e237441" (the first row\'s): aggregate scores of one rubric at a time\n',
    });
  });

  it("refuses to group by a column that does not exist (exit 1)", () => {
    const r = run("aggregate", "scores.csv", "--by", "region");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^scores\.csv: cannot group by "region": no such column; the fields are "id", "state", "level"/);
  });
});
