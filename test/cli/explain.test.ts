import { afterAll, describe, expect, it } from "vitest";
import { dataSuite } from "../sharedData.js";
import { BSO, BSO_MAPS, ROOT, cli, tempDir } from "./helpers.js";

const t = tempDir();
afterAll(t.cleanup);
const run = (...args: string[]) => cli(args, t.dir);
const lines = (s: string) => s.split("\n").filter((l) => l.length > 0);

/** Every decimal figure of a text, except the rubric's weights (`w 0.5`), which are shown as the rubric writes them. */
const figures = (text: string) => [...text.replaceAll(/\[w [0-9.]+,/g, "[w,").matchAll(/\d+\.\d+/g)].map((m) => m[0]);

describe("ogmetric explain --decimals rounds every figure it prints", () => {
  // iga is given (0.9) and disagrees with its children: T 0.51111 and P 0.5 give 0.505555.
  t.file("incons.csv", "id,GA,T,P\nA,0.9,0.51111,0.5\n");

  it("the subtree value and the consistency warning's figures are rounded like the tree", () => {
    const r = run("explain", "incons.csv", "--edition", "2017", "--id", "A", "--decimals", "2", "--lang", "en");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("iga  Open Government Index = 0.90 (given; subtree gives 0.51)");
    // Hand calculation: difference 0.9 − 0.505555 = 0.394445 → 0.39; the precision the message names is
    // the given value's, half a unit of its one decimal: ±0.05 (as the core's own message says it).
    expect(lines(r.stdout).at(-1)).toBe('warning: "iga" is given as 0.90 but its children give 0.51 (difference 0.39, beyond the inputs\' precision ±0.05)');
    const all = figures(r.stdout);
    expect(all.length).toBeGreaterThan(10);
    expect(all.filter((f) => !/^\d+\.\d{2}$/.test(f))).toEqual([]);
  });

  it("--decimals 4 (the default) shows four everywhere; --format json keeps full precision", () => {
    const r = run("explain", "incons.csv", "--edition", "2017", "--id", "A", "--lang", "en");
    expect(r.stdout).toContain("(given; subtree gives 0.5056)");
    expect(lines(r.stdout).at(-1)).toBe('warning: "iga" is given as 0.9000 but its children give 0.5056 (difference 0.3944, beyond the inputs\' precision ±0.0500)');
    expect(figures(r.stdout).filter((f) => !/^\d+\.\d{4}$/.test(f))).toEqual([]);
    const json = JSON.parse(run("explain", "incons.csv", "--edition", "2017", "--id", "A", "--format", "json").stdout) as { warnings: { message: string }[]; nodes: { computed?: number }[] };
    expect(json.nodes[0]!.computed).toBeCloseTo(0.505555, 12);
    expect(json.warnings[0]!.message).toMatch(/children give 0\.50555\d* \(difference 0\.394,/);
  });
});

describe("ogmetric explain: an unknown --id names the nearest ids", () => {
  // Written as latin-1: row 5's id has the byte 0x81 where "Á" was meant (as in the 2017 file).
  t.file(
    "ids.csv",
    Buffer.concat([
      Buffer.from("id,TG,TC,PG,PC\nASF,0.5,0.5,0.5,0.5\nASG,0.5,0.5,0.5,0.5\n", "latin1"),
      Buffer.from("\u00c1lvaro Obreg\u00f3n,0.4,0.4,0.4,0.4\nColima-Villa de a", "latin1"),
      Buffer.from([0x81]),
      Buffer.from("lvarez,0.25,0.5,0.75,1\nZacatecas,1,1,1,1\n", "latin1"),
    ]),
  );
  const explain = (...args: string[]) => run("explain", "ids.csv", "--edition", "2017", "--encoding", "latin1", ...args);

  it.each([
    ["alvaro obregon", 'did you mean "Álvaro Obregón" (row 4)? --row 4 explains the body on that row, however its id is spelled'],
    ["Colima-Villa de Alvarez", 'did you mean "Colima-Villa de a\\u0081lvarez" (row 5)? --row 5 explains the body on that row, however its id is spelled'],
    ["asf", 'did you mean "ASF" (row 2), "ASG" (row 3)? --row 2 explains the body on that row, however its id is spelled'],
    ["ASX", 'did you mean "ASF" (row 2), "ASG" (row 3)? --row 2 explains the body on that row, however its id is spelled'],
  ])("--id %j (exit 1)", (id, suggestion) => {
    const r = explain("--id", id);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([`ids.csv: no body with id ${JSON.stringify(id)}`, suggestion]);
  });

  it("suggests nothing when no id is near (a one-letter id has only its case variants as neighbours)", () => {
    expect(explain("--id", "Q")).toMatchObject({ code: 1, stderr: 'ids.csv: no body with id "Q"\n' });
    expect(explain("--id", "Durango")).toMatchObject({ code: 1, stderr: 'ids.csv: no body with id "Durango"\n' });
  });

  it("keeps at most 3 suggestions, nearest first", () => {
    t.file("many-ids.csv", `id,TG,TC,PG,PC\n${["B000011", "B000012", "B000013", "B000010", "B000001"].map((id) => `${id},0.5,0.5,0.5,0.5`).join("\n")}\n`);
    const r = run("explain", "many-ids.csv", "--edition", "2017", "--id", "B00001");
    expect(lines(r.stderr)[1]).toBe('did you mean "B000011" (row 2), "B000012" (row 3), "B000013" (row 4)? --row 2 explains the body on that row, however its id is spelled');
  });
});

describe("ogmetric explain --row N", () => {
  t.file("obs.csv", Buffer.concat([Buffer.from("id,tc.disp,tc.clar,tc.comp,tc.cel\nColima-Villa de a", "latin1"), Buffer.from([0x81]), Buffer.from("lvarez,1,0,1,0\nASF,0,0,0,0\n", "latin1")]));

  it("explains the body on row N, an id that cannot be typed included (its observations too)", () => {
    const r = run("explain", "ids.csv", "--edition", "2017", "--encoding", "latin1", "--row", "5", "--decimals", "2", "--lang", "en");
    expect(r.code).toBe(0);
    expect(lines(r.stdout)[0]).toBe('ids.csv:5: "Colima-Villa de a\\u0081lvarez"');
    expect(r.stdout).toContain("iga  Open Government Index = 0.63 (from children)");
    const withObs = run("explain", "ids.csv", "--edition", "2017", "--encoding", "latin1", "--row", "5", "--observations", "obs.csv", "--lang", "en");
    expect(withObs.stdout).toContain("tc.disp  Availability = 1.0000  [w 0.25, share 0.2500 → 0.2500] (mean of 1 observation)");
    expect(withObs.stdout).toContain("tc  Transparency, citizen perspective = 0.5000");
  });

  it("gives the same tree as --id for a typable id", () => {
    const byRow = run("explain", "ids.csv", "--edition", "2017", "--encoding", "latin1", "--row", "2");
    expect(byRow.code).toBe(0);
    expect(byRow.stdout).toBe(run("explain", "ids.csv", "--edition", "2017", "--encoding", "latin1", "--id", "ASF").stdout);
    expect(lines(byRow.stdout)[0]).toBe("ids.csv:2: ASF");
  });

  it("refuses a row past the end, a blank row, a row with the wrong number of fields, or an empty id (exit 1)", () => {
    t.file("rows.csv", "id,TG,TC,PG,PC\nA,0.5,0.5,0.5,0.5\n\nB\n,0.5,0.5,0.5,0.5\n");
    const row = (n: string) => run("explain", "rows.csv", "--edition", "2017", "--row", n);
    expect(row("9")).toMatchObject({ code: 1, stderr: "rows.csv: no row 9; the last row is 5\n" });
    expect(row("3")).toMatchObject({ code: 1, stderr: "rows.csv:3: the row is blank\n" });
    expect(row("4")).toMatchObject({ code: 1, stderr: "rows.csv:4: the row cannot be read: expected 5 columns, found 1\n" });
    expect(row("5")).toMatchObject({ code: 1, stderr: "rows.csv:5:1: the id is empty: not a body's row (score rejects it)\n" });
    expect(row("2").code).toBe(0);
  });

  it.each([
    [["--row", "1"], 'ogmetric explain: --row: expected a row number of 2 or more (row 1 is the header), found "1" (see ogmetric explain --help)'],
    [["--row", "x"], 'ogmetric explain: --row: expected a row number of 2 or more (row 1 is the header), found "x" (see ogmetric explain --help)'],
    [["--row", "2", "--id", "ASF"], "ogmetric explain: --id: give either --id ID or --row N (the body on row N, the header being row 1) (see ogmetric explain --help)"],
    [[], "ogmetric explain: --id: give either --id ID or --row N (the body on row N, the header being row 1) (see ogmetric explain --help)"],
  ])("%j is a usage error (exit 2)", (args, message) => {
    const r = run("explain", "ids.csv", "--edition", "2017", ...args);
    expect(r).toMatchObject({ code: 2, stderr: `${message}\n` });
  });
});

dataSuite("ogmetric explain on the published 2017 file (../shared/data/mga2017-bso.csv)", BSO, () => {
  it("--decimals 2 rounds the given value and what the subtree gives (ASF: 0.5054 → 0.51)", () => {
    const r = cli(["explain", BSO, "--edition", "2017", ...BSO_MAPS, "--id", "ASF", "--decimals", "2"], ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("iga  Índice de Gobierno Abierto = 0.51 (given; subtree gives 0.51)");
    expect(figures(r.stdout).filter((f) => !/^\d+\.\d{2}$/.test(f))).toEqual([]);
  });

  it("the Colima-Villa de Álvarez row, whose id was saved with a broken byte, is suggested and explained by --row", () => {
    const miss = cli(["explain", BSO, "--edition", "2017", ...BSO_MAPS, "--id", "Colima-Villa de Álvarez"], ROOT);
    expect(miss.code).toBe(1);
    expect(lines(miss.stderr)[1]).toMatch(/^did you mean "Colima-Villa de a\\u0081lvarez" \(row 245\)/);
    const r = cli(["explain", BSO, "--edition", "2017", ...BSO_MAPS, "--row", "245"], ROOT);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)[0]).toMatch(/mga2017-bso\.csv:245: "Colima-Villa de a\\u0081lvarez"$/);
  });
});
