import { afterAll, describe, expect, it } from "vitest";
import { cli, records, tempDir, quiet } from "./helpers.js";

const t = tempDir();
afterAll(t.cleanup);
const run = (...args: string[]) => cli(args, t.dir);
const lines = (s: string) => s.split("\n").filter((l) => l.length > 0);

// Bodies with every leaf but the per-request ones, so that tc comes from the requests file.
const HEADER = "id,state,tg.ai,tg.tr,tg.tp,tg.da,pg.mec,pg.act,pg.fun,pg.form,pg.seg,pc.met,pc.recep,pc.act,pc.cel";
const ROW = ",Jalisco,1,1,1,1,1,3,1,3,1,3,1,1,1";
t.file("bodies.csv", `${HEADER}\nA${ROW}\nB${ROW}\nC${ROW}\n`);

describe("ogmetric score --observations", () => {
  it("means each leaf over the body's requests; a body with no requests gets the set's policy (2017 tc: missing)", () => {
    // A: 4 requests, disp 3/4, clar 1/4, comp 2/4, cel 0 → tc = (.75 + .25 + .5 + 0) / 4 = .375.
    t.file("requests.csv", "id,request,tc.disp,tc.clar,tc.comp,tc.cel\nA,1,1,1,1,0\nA,2,1,0,1,0\nA,3,1,0,0,0\nA,4,0,0,0,0\nB,1,1,1,1,1\n");
    const r = run("score", "bodies.csv", "--edition", "2017", "--observations", "requests.csv");
    expect(quiet(r.stderr)).toBe("");
    expect(r.code).toBe(0);
    const [a, b, c] = records(r.stdout);
    expect(a).toMatchObject({ "tc.disp": "0.75", "tc.clar": "0.25", "tc.comp": "0.5", "tc.cel": "0", tc: "0.375", tg: "1" });
    expect(b).toMatchObject({ tc: "1", iga: "1" });
    expect(c).toMatchObject({ "tc.disp": "", tc: "", t: "", iga: "", p: "1" });
  });

  it("an empty cell is a missing observation: under the missing policy the leaf is missing", () => {
    t.file("gaps.csv", "id,request,tc.disp,tc.clar,tc.comp,tc.cel\nA,1,1,1,1,1\nA,2,,1,1,1\n");
    const [a] = records(run("score", "bodies.csv", "--edition", "2017", "--observations", "gaps.csv").stdout);
    expect(a).toMatchObject({ "tc.disp": "", "tc.clar": "1", tc: "" });
  });

  it("rows for unknown bodies are counted on stderr and written to the rejects (exit 3); a bad value is rejected and counted missing", () => {
    t.file("strays.csv", "id,request,tc.disp,tc.clar,tc.comp,tc.cel\nA,1,1,1,1,1\nZ,1,1,1,1,1\nZ,2,0,0,0,0\nB,1,2,1,1,1\n");
    const r = run("score", "bodies.csv", "--edition", "2017", "--observations", "strays.csv", "--rejects", "strays-rejects.csv", "--out", "strays-out.csv");
    expect(r.code).toBe(3);
    expect(lines(r.stderr)).toEqual([
      'strays.csv:5:3: column "tc.disp": expected 0 or 1, found "2" (counted as a missing observation of the body)',
      "2 observation rows of 1 body not in bodies.csv; rejected",
      'strays.csv:3:1: no body with id "Z" in bodies.csv',
      'strays.csv:4:1: no body with id "Z" in bodies.csv',
      "bodies.csv: 3 data lines: 3 bodies scored, 0 rejected, 0 blank",
      "strays.csv: 4 data lines: 2 observations used (1 with a value counted as missing), 2 rejected, 0 blank",
      "3 rows written to the rejects: strays-rejects.csv",
    ]);
    expect(records(t.read("strays-rejects.csv")).map((x) => [x.file, x.row, x.code, x.record])).toEqual([
      ["strays.csv", "5", "invalid_value", "B,1,2,1,1,1"],
      ["strays.csv", "3", "unknown_body", "Z,1,1,1,1,1"],
      ["strays.csv", "4", "unknown_body", "Z,2,0,0,0,0"],
    ]);
    expect(records(t.read("strays-out.csv")).map((x) => [x.id, x.tc, x["tc.disp"]])).toEqual([
      ["A", "1", "1"],
      ["B", "", ""],
      ["C", "", ""],
    ]);
  });

  it("2019: request records feed tg.ai; a body with none has tg.ai not applicable and tg re-weighted", () => {
    t.file("b19.csv", "id,tg.ta,tg.tp,tg.da,TC,PG,PC\nA,1,1,1,0.5,0.5,0.5\nB,0.5,0.5,0.5,0.5,0.5,0.5\n");
    t.file("records.csv", "id,request,tg.ai.respuesta,tg.ai.plazo,tg.ai.prorroga\nA,1,1,1,0\nA,2,1,0,0\n");
    const r = run("score", "b19.csv", "--edition", "2019", "--observations", "records.csv");
    expect(r.code).toBe(0);
    const [a, b] = records(r.stdout);
    // A: respuesta 1, plazo .5, prorroga 0 → tg.ai = .5; tg = .5·.5 + .2 + .2 + .1 = .75.
    expect(a).toMatchObject({ "tg.ai.respuesta": "1", "tg.ai.plazo": "0.5", "tg.ai.prorroga": "0", "tg.ai": "0.5" });
    expect(Number(a!.tg)).toBeCloseTo(0.75, 12);
    expect(b).toMatchObject({ "tg.ai.respuesta": "NA", "tg.ai": "NA", tg: "0.5" });
  });

  it("refuses an observations file mixing two sets, or naming a node that observations do not feed (exit 1)", () => {
    t.file("mixed.csv", "id,tc.disp,tg.ai.plazo\nA,1,1\n");
    t.file("b19b.csv", "id,tg.ta\nA,1\n");
    expect(lines(run("score", "b19b.csv", "--edition", "2019", "--observations", "mixed.csv").stderr)).toEqual([
      'mixed.csv:1:3: column "tg.ai.plazo" belongs to observation set "request_records", but earlier columns to "citizen_requests"; give each set its own file',
    ]);
    t.file("notleaf.csv", "id,tc\nA,1\n");
    const r = run("score", "bodies.csv", "--edition", "2017", "--observations", "notleaf.csv");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('notleaf.csv:1:2: column "tc" is a node that observations do not feed');
  });

  it("warns when a file lacks some of its set's leaves: they count as missing", () => {
    t.file("partial.csv", "id,tc.disp,tc.clar\nA,1,1\n");
    const r = run("score", "bodies.csv", "--edition", "2017", "--observations", "partial.csv");
    expect(r.code).toBe(0);
    expect(lines(quiet(r.stderr))).toEqual(["partial.csv: warning: no column for tc.comp, tc.cel; every observation in this file counts as missing for them"]);
    expect(records(r.stdout)[0]).toMatchObject({ "tc.disp": "1", "tc.comp": "", tc: "" });
  });
});
