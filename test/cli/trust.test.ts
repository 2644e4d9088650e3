/**
 * Issue 9, end to end through the built command line: no silent empty results, and the
 * conveniences an analyst reaches for. Each test failed on the command line before the issue.
 */
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, cli, parseCsv, quiet, records, tempDir } from "./helpers.js";

const t = tempDir();
afterAll(t.cleanup);
const run = (...args: string[]) => cli(args, t.dir);
const FIX = (f: string) => join(ROOT, "fixtures", f);
const lines = (s: string) => s.split("\n").filter((l) => l.length > 0);

describe("a forgotten input stops the run before scoring (exit 2)", () => {
  it("the 2017 sample without its requests file: names the set and how to give it", () => {
    const r = run("score", FIX("mga2017-sample.csv"), "--edition", "2017", "--by", "level", "--round", "2");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(lines(r.stderr)).toEqual([
      `${FIX("mga2017-sample.csv")}: the rubric needs 1 observation set (citizen_requests) that this run does not supply, so iga would be missing for every body; supply them, or rerun with --allow-missing to score anyway`,
      "  observation set \"citizen_requests\" (Simulated citizen's information requests): no file; give one with --observations FILE (columns id, tc.disp, tc.clar, tc.comp, tc.cel)",
    ]);
  });

  it("the 2019 sample without both observation files names both sets", () => {
    const r = run("score", FIX("mga2019-sample.csv"), "--edition", "2019");
    expect(r.code).toBe(2);
    expect(lines(r.stderr)[0]).toContain("2 observation sets (citizen_requests, request_records)");
  });

  it("a leaf with no column in the main input is named, with the --map that would supply it", () => {
    t.file("noleaf.csv", "id,TG,TC,PG,pc.met,pc.recep,pc.act\nA,0.5,0.5,0.5,1,1,0\n");
    const r = run("score", "noleaf.csv", "--edition", "2017");
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([
      "noleaf.csv: the rubric needs 1 leaf column (pc.cel) that this run does not supply, so iga would be missing for every body; supply them, or rerun with --allow-missing to score anyway",
      '  leaf pc.cel (Speed of response): no column "pc.cel" in noleaf.csv; name a column so, or use --map pc.cel=COLUMN',
    ]);
  });

  it("--allow-missing scores anyway, with one warning per absent input, and the index missing", () => {
    const r = run("score", FIX("mga2017-sample.csv"), "--edition", "2017", "--by", "level", "--allow-missing");
    expect(r.code).toBe(0);
    expect(lines(r.stderr)[0]).toBe(
      "warning (--allow-missing): observation set \"citizen_requests\" (Simulated citizen's information requests): no file; give one with --observations FILE (columns id, tc.disp, tc.clar, tc.comp, tc.cel)",
    );
    expect(records(r.stdout).every((g) => g.iga === "" && g["iga:missing"] === g.bodies)).toBe(true);
  });
});

describe("near-miss headers are never carried along silently", () => {
  it("a header that matches a node once trimmed or case-folded is read as that node, with a warning", () => {
    t.file("near.csv", "id,tg ,Tc,PG,PC\nA,0.5,0.5,0.5,0.5\n");
    const r = run("score", "near.csv", "--edition", "2017");
    expect(r.code).toBe(0);
    expect(lines(r.stderr).slice(0, 2)).toEqual([
      'near.csv:1:2: warning: column "tg " is read as node "tg" (it matches only once trimmed and case-folded); rename it to silence this',
      'near.csv:1:3: warning: column "Tc" is read as node "tc" (it matches only once trimmed and case-folded); rename it to silence this',
    ]);
    expect(records(r.stdout)[0]).toMatchObject({ tg: "0.5", tc: "0.5", iga: "0.5" });
  });

  it("two headers that fold to the same node are an error", () => {
    t.file("twofold.csv", "id,tg ,Tg,TC,PG,PC\nA,0.5,0.5,0.5,0.5,0.5\n");
    const r = run("score", "twofold.csv", "--edition", "2017");
    expect(r.code).toBe(1);
    expect(lines(r.stderr).at(-1)).toBe('twofold.csv:1:3: columns "tg " and "Tg" both give node "tg"; keep one');
  });
});

describe("observation files", () => {
  const bodies = "id,tg.ai,tg.tr,tg.tp,tg.da,pg.mec,pg.act,pg.fun,pg.form,pg.seg,pc.met,pc.recep,pc.act,pc.cel\nA,1,1,1,1,1,3,1,3,1,3,1,1,1\nB,1,1,1,1,1,3,1,3,1,3,1,1,x\n";
  const requests = "id,tc.disp,tc.clar,tc.comp,tc.cel\nA,1,1,1,1\nB,1,0,1,0\nB,1,1,1,1\n";

  it("the same file given twice, by name or through a link, is refused: every observation would count twice", () => {
    t.file("b.csv", bodies);
    t.file("req.csv", requests);
    symlinkSync(join(t.dir, "req.csv"), join(t.dir, "req-link.csv"));
    for (const twin of ["req.csv", "./req.csv", "req-link.csv"]) {
      const r = run("score", "b.csv", "--edition", "2017", "--observations", "req.csv", "--observations", twin);
      expect(r.code, twin).toBe(1);
      expect(r.stderr).toBe(`--observations ${twin}: the same file as --observations req.csv; giving it twice would count every observation twice\n`);
    }
  });

  it("observations of a body whose row was rejected say so, with that row's number", () => {
    const r = run("score", "b.csv", "--edition", "2017", "--observations", "req.csv", "--rejects", "rej.csv");
    expect(r.code).toBe(3);
    expect(records(r.stdout).map((b) => b.id)).toEqual(["A"]);
    expect(lines(r.stderr)).toContain("2 observation rows of 1 body whose row was rejected; rejected");
    const rej = records(t.read("rej.csv"));
    expect(rej.filter((x) => x.file === "req.csv").map((x) => [x.row, x.code, x.reason])).toEqual([
      ["3", "body_rejected", 'the body "B" was not scored: its row 3 of b.csv was rejected'],
      ["4", "body_rejected", 'the body "B" was not scored: its row 3 of b.csv was rejected'],
    ]);
    expect(lines(r.stderr)).toContain("req.csv: 3 data lines: 1 observation used, 2 rejected, 0 blank");
  });
});

describe("choosing what to write", () => {
  const args = [FIX("mga2019-sample.csv"), "--edition", "2019", "--observations", FIX("mga2019-sample-requests.csv"), "--observations", FIX("mga2019-sample-records.csv")];

  it("--nodes and --columns value write one column per chosen node, in the order asked", () => {
    const r = run("score", ...args, "--by", "type", "--nodes", "iga,T", "--nodes", "p", "--columns", "value", "--order", "key");
    expect(r.code).toBe(0);
    expect(parseCsv(r.stdout)[0]).toEqual(["type", "bodies", "iga", "t", "p"]);
    const full = run("score", ...args, "--by", "type", "--nodes", "iga", "--stats", "sd,p05,p50,p95");
    expect(parseCsv(full.stdout)[0]).toEqual(["type", "bodies", "iga", "iga:n", "iga:na", "iga:missing", "iga:sd", "iga:p05", "iga:p50", "iga:p95"]);
    expect(run("score", ...args, "--by", "type", "--nodes", "nope")).toMatchObject({ code: 2 });
  });

  it("a table of some nodes aggregates just those, and equals those columns of the full table", () => {
    const cut = (table: string[][], codes: string[]) => {
      const keep = table[0]!.flatMap((name, i) => (["type", "bodies"].includes(name) || codes.includes(name.split(":")[0]!) ? [i] : []));
      return table.map((row) => keep.map((i) => row[i]));
    };
    const stats = ["--by", "type", "--order", "key", "--stats", "median,sd,min,max,p10"];
    const full = parseCsv(run("score", ...args, ...stats).stdout);
    const some = run("score", ...args, ...stats, "--nodes", "pc,iga,tg.ai");
    expect(some.code).toBe(0);
    const table = parseCsv(some.stdout);
    expect(table[0]!.filter((c) => !c.includes(":")).slice(2)).toEqual(["pc", "iga", "tg.ai"]);
    const reordered = cut(full, ["pc", "iga", "tg.ai"]).map((row) => {
      const header = cut(full, ["pc", "iga", "tg.ai"])[0]!;
      return table[0]!.map((name) => row[header.indexOf(name)]);
    });
    expect(table).toEqual(reordered);
  });

  it("--order value ranks groups as published tables do: ties share the best rank, the next one skips", () => {
    const r = run("score", ...args, "--by", "state", "--order", "value", "--round", "2", "--nodes", "iga", "--columns", "value");
    expect(r.code).toBe(0);
    const table = records(r.stdout);
    expect(parseCsv(r.stdout)[0]).toEqual(["rank", "state", "state_code", "bodies", "iga"]);
    expect(table).toHaveLength(33);
    // An independent ranking from the printed values.
    const values = table.map((g) => Number(g.iga));
    for (let i = 0; i < table.length; i++) {
      expect(Number(table[i]!.rank)).toBe(1 + values.filter((v) => v > values[i]!).length);
      if (i > 0) expect(values[i]!).toBeLessThanOrEqual(values[i - 1]!);
    }
    const low = records(run("score", ...args, "--by", "state", "--order", "-value", "--round", "2", "--nodes", "iga").stdout);
    expect(low[0]!.iga).toBe(table.at(-1)!.iga);
    expect(low[0]!.rank).toBe(table.at(-1)!.rank);
    expect(low.map((g) => g.state).sort()).toEqual(table.map((g) => g.state).sort());
  });

  it("--order value on per-body rows: every body ranked, highest first; --rank keeps the input order", () => {
    const r = run("score", ...args, "--order", "value", "--nodes", "iga,t,p");
    expect(r.code).toBe(0);
    const rows = records(r.stdout);
    expect(parseCsv(r.stdout)[0]!.slice(0, 2)).toEqual(["rank", "id"]);
    expect(rows).toHaveLength(1000);
    const scored = rows.filter((b) => b.iga !== "");
    for (let i = 1; i < scored.length; i++) expect(Number(scored[i]!.iga)).toBeLessThanOrEqual(Number(scored[i - 1]!.iga));
    expect(Number(scored[0]!.rank)).toBe(1);
    const inOrder = records(run("score", ...args, "--rank", "--nodes", "iga").stdout);
    expect(inOrder.map((b) => b.id)).toEqual(records(run("score", ...args, "--nodes", "iga").stdout).map((b) => b.id));
    const byId = new Map(rows.map((b) => [b.id, b.rank]));
    expect(inOrder.every((b) => byId.get(b.id) === b.rank)).toBe(true);
    const nd = lines(run("score", ...args, "--order", "value", "--format", "ndjson", "--nodes", "iga").stdout).map((l) => JSON.parse(l) as { rank: number; id: string });
    expect(nd[0]!.rank).toBe(1);
    expect(nd.map((b) => b.id)).toEqual(rows.map((b) => b.id));
  });

  it("--weight COLUMN weights group means by a column of the input", () => {
    t.file("w.csv", "id,state,w,TG,TC,PG,PC\nA,Jalisco,3,1,1,1,1\nB,Jalisco,1,0,0,0,0\n");
    const r = run("score", "w.csv", "--edition", "2017", "--by", "state", "--weight", "w", "--nodes", "iga", "--columns", "value");
    expect(quiet(r.stderr)).toBe("");
    expect(records(r.stdout)[0]).toMatchObject({ iga: "0.75" });
    expect(run("score", "w.csv", "--edition", "2017", "--weight", "w")).toMatchObject({ code: 2 });
  });

  it("one source column may fill several fields (--map id=SO --map name=SO)", () => {
    t.file("so.csv", "SO,edo,TG,TC,PG,PC\nASF,Federal,0.5556,0.8,0.466,0.2\n");
    const r = run("score", "so.csv", "--edition", "2017", "--map", "id=SO", "--map", "name=SO", "--map", "state=edo");
    expect(r.code).toBe(0);
    expect(records(r.stdout)[0]).toMatchObject({ id: "ASF", name: "ASF", state: "Federal", state_name: "Federal", state_code: "FED" });
  });

  it("per-body rows carry the canonical state and its INEGI code beside the raw spelling", () => {
    t.file("st.csv", "id,state,TG,TC,PG,PC\nA,NuevoLeon,0.5,0.5,0.5,0.5\nB,Atlantis,0.5,0.5,0.5,0.5\n");
    const r = run("score", "st.csv", "--edition", "2017");
    expect(records(r.stdout).map((b) => [b.state, b.state_name, b.state_code])).toEqual([
      ["NuevoLeon", "Nuevo León", "19"],
      ["Atlantis", "", ""],
    ]);
    expect(r.stderr).toContain('st.csv: warning: 1 state spelling not recognised ("Atlantis"); state_name and state_code are empty for them');
  });
});

describe("reading values", () => {
  it("--decimal-comma reads 0,5 as 0.5 (a semicolon-delimited file as Excel writes it)", () => {
    t.file("comma.csv", "id;TG;TC;PG;PC\nA;0,5;0,25;1;0\n");
    expect(run("score", "comma.csv", "--edition", "2017", "--delimiter", ";")).toMatchObject({ code: 3 });
    const r = run("score", "comma.csv", "--edition", "2017", "--delimiter", ";", "--decimal-comma");
    expect(r.code).toBe(0);
    expect(records(r.stdout)[0]).toMatchObject({ tg: "0.5", tc: "0.25", iga: "0.4375" });
  });

  it("ordinal levels match without case, accents or surrounding spaces", () => {
    t.file("ord.json", JSON.stringify({
      schemaVersion: 1, id: "ord", version: "1.0.0", label: { es: "o", en: "o" }, sources: [{ id: "s", citation: "c" }], root: "r",
      nodes: [
        { code: "r", label: { es: "r", en: "r" }, children: [{ code: "x", weight: 1 }], provenance: { status: "verified", source: "s" } },
        { code: "x", label: { es: "x", en: "x" }, input: { type: "ordinal", levels: [{ value: "Sí", score: 1 }, { value: "No", score: 0 }] }, provenance: { status: "verified", source: "s" } },
      ],
    }));
    t.file("ord.csv", "id,x\nA,sí\nB, SI \nC,no\nD,quizá\n");
    const r = run("score", "ord.csv", "--rubric", "ord.json");
    expect(r.code).toBe(3);
    expect(records(r.stdout).map((b) => [b.id, b.x])).toEqual([["A", "1"], ["B", "1"], ["C", "0"]]);
    expect(lines(r.stderr)[0]).toBe('ord.csv:5:2: column "x": expected one of "Sí", "No", found "quizá"');
  });
});
