import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, parseCsv, records, tempDir } from "./helpers.js";

const t = tempDir();
afterAll(t.cleanup);
const run = (...args: string[]) => cli(args, t.dir);

// A 2017 body given at leaf level, with TC given directly (no requests file needed).
const LEAVES = ["tg.ai", "tg.tr", "tg.tp", "tg.da", "pg.mec", "pg.act", "pg.fun", "pg.form", "pg.seg", "pc.met", "pc.recep", "pc.act", "pc.cel", "TC"];
const HEADER = ["id", "name", "state", ...LEAVES].join(",");
const A = "A,Alpha,Jalisco,0.5,0.5,0.5,0.5,1,3,1,3,1,3,1,1,0.5,0.6";
const B = "B,Beta,Jalisco,1,1,1,1,0,0,0,0,0,0,0,0,0,0.2";
const C = "C,Gamma,Ciudad de México,0,0,0,0,1,1,1,1,1,1,1,1,1,1";
// Hand calculation for A: tg = .5; tc = .6; t = .55; pg = .2·1 + .1·1 + .3·1 + .1·1 + .3·1 = 1;
// pc = .2·1 + .3·1 + .3·1 + .2·.5 = .9; p = .95; iga = (.55 + .95) / 2 = .75.
// B: tg = 1, tc = .2, t = .6; pg.mec = 0 gates pg to 0; pc = 0; p = 0; iga = .3.

/** Lines of stderr, for exact assertions. */
const lines = (s: string) => s.split("\n").filter((l) => l.length > 0);
const noTempFiles = () => readdirSync(t.dir).filter((f) => f.endsWith(".tmp"));

describe("ogmetric score: output", () => {
  it("writes identity fields, carried columns, the rubric tag and every node in tree order, full precision", () => {
    t.file("basic.csv", `${HEADER},note\n${A},first\n${B},second\n`);
    const r = run("score", "basic.csv", "--edition", "2017");
    // Every data line is accounted for, always: scored, rejected or blank.
    expect(lines(r.stderr)).toEqual(["basic.csv: 2 data lines: 2 bodies scored, 0 rejected, 0 blank"]);
    expect(r.code).toBe(0);
    const [header, ...rows] = parseCsv(r.stdout);
    expect(header!.slice(0, 7)).toEqual(["id", "name", "state", "state_name", "state_code", "note", "rubric"]);
    expect(header!.slice(7, 11)).toEqual(["iga", "t", "tg", "tg.ai"]);
    expect(header!.at(-1)).toBe("ciudadano");
    const a = records(r.stdout)[0]!;
    expect(a).toMatchObject({ id: "A", state: "Jalisco", state_name: "Jalisco", state_code: "14", note: "first", rubric: "mga-2017@1.0.0#5ede0e237441", iga: "0.75", t: "0.55", tc: "0.6", "tc.disp": "", pg: "1", pc: "0.9", "pg.act": "1" });
    expect(rows).toHaveLength(2);
  });

  it("writes missing as an empty cell and not applicable as NA", () => {
    t.file("na.csv", `${HEADER}\n${A.replace(",0.5,0.5,0.5,0.5,", ",NA,,0.5,0.5,")}\n`);
    const r = run("score", "na.csv", "--edition", "2017");
    expect(r.code).toBe(0);
    expect(records(r.stdout)[0]).toMatchObject({ "tg.ai": "NA", "tg.tr": "", tg: "", t: "", iga: "" });
  });

  it("--round N rounds every node half up on the exact decimal", () => {
    t.file("round.csv", `id,TG,TC,PG,PC\nx,0.125,0.5,0.5,0.5\n`);
    expect(records(run("score", "round.csv", "--edition", "2017", "--round", "2").stdout)[0]).toMatchObject({ tg: "0.13", t: "0.31", iga: "0.41" });
  });

  it("--format ndjson and json write the full explained result of each body", () => {
    t.file("j.csv", `${HEADER}\n${A}\n${B}\n`);
    const nd = run("score", "j.csv", "--edition", "2017", "--format", "ndjson");
    const bodies = lines(nd.stdout).map((l) => JSON.parse(l) as { id: string; value: number; fields: Record<string, string> });
    expect(bodies.map((b) => [b.id, b.value])).toEqual([
      ["A", 0.75],
      ["B", expect.closeTo(0.3, 12)],
    ]);
    expect(bodies[0]!.fields).toEqual({ name: "Alpha", state: "Jalisco", state_name: "Jalisco", state_code: "14" });
    const json = JSON.parse(run("score", "j.csv", "--edition", "2017", "--format", "json").stdout) as unknown[];
    expect(json).toHaveLength(2);
  });

  it("--by state writes the aggregate table: keys, state_code, bodies, then mean, n, na, missing per node", () => {
    t.file("by.csv", `${HEADER}\n${A}\n${B}\n${C}\n`);
    const r = run("score", "by.csv", "--edition", "2017", "--by", "state", "--stats", "min,max");
    expect(r.code).toBe(0);
    const [header] = parseCsv(r.stdout);
    expect(header!.slice(0, 10)).toEqual(["state", "state_code", "bodies", "iga", "iga:n", "iga:na", "iga:missing", "iga:min", "iga:max", "t"]);
    const table = records(r.stdout);
    expect(table.map((g) => [g.state, g.state_code, g.bodies])).toEqual([
      ["Jalisco", "14", "2"],
      ["Ciudad de México", "09", "1"],
    ]);
    expect(table[0]).toMatchObject({ "iga:n": "2", "iga:min": "0.3", "iga:max": "0.75", "tc.disp:missing": "2" });
  });

  it("reports an unknown state as a warning and groups it under its own name", () => {
    t.file("badstate.csv", `${HEADER}\n${A.replace("Jalisco", "Jalsico")}\n`);
    const r = run("score", "badstate.csv", "--edition", "2017", "--by", "state");
    expect(r.code).toBe(0);
    expect(lines(r.stderr)).toEqual(['badstate.csv:2: warning: unknown state "Jalsico" (did you mean "Jalisco"?); grouped under its own name', "badstate.csv: 1 data line: 1 body scored, 0 rejected, 0 blank"]);
    expect(records(r.stdout)[0]).toMatchObject({ state: "Jalsico", state_code: "" });
  });

  it("neutralises formulas in text cells, leaves numbers alone, and --raw writes them as given", () => {
    t.file("formula.csv", `id,name,note,TG,TC,PG,PC\n=1+2,+Más Ciudadanos,-0.5,0.5,0.5,0.5,0.5\n@x,"\tTab","a ""quoted"", text",0.5,0.5,0.5,0.5\n`);
    const safe = records(run("score", "formula.csv", "--edition", "2017").stdout);
    expect(safe.map((r) => [r.id, r.name, r.note])).toEqual([
      ["'=1+2", "'+Más Ciudadanos", "-0.5"],
      ["'@x", "'\tTab", 'a "quoted", text'],
    ]);
    const raw = records(run("score", "formula.csv", "--edition", "2017", "--raw").stdout);
    expect(raw.map((r) => [r.id, r.name])).toEqual([
      ["=1+2", "+Más Ciudadanos"],
      ["@x", "\tTab"],
    ]);
  });
});

describe("ogmetric score: input forms", () => {
  const expected = records(run("score", t.file("plain.csv", `${HEADER}\n${A}\n${B}\n`), "--edition", "2017").stdout);

  it("reads a byte-order mark, CRLF line ends and no final newline", () => {
    t.file("crlf.csv", `\uFEFF${HEADER}\r\n${A}\r\n${B}`);
    const r = run("score", "crlf.csv", "--edition", "2017");
    expect(r.code).toBe(0);
    expect(records(r.stdout)).toEqual(expected);
  });

  it("reads quoted fields with embedded line breaks, counting each record as one row", () => {
    t.file("multi.csv", `${HEADER},note\n${A},"line one\r\nline two"\n${B.replace("Beta", '"Be, ta"')},x\n${C.replace("0,0,0,0,1", "0,0,0,zero,1")},y\n`);
    const r = run("score", "multi.csv", "--edition", "2017");
    expect(r.code).toBe(3);
    expect(records(r.stdout).map((b) => [b.id, b.name, b.note])).toEqual([
      ["A", "Alpha", "line one\r\nline two"],
      ["B", "Be, ta", "x"],
    ]);
    // Row 4 is the third record, though the file has five lines before it.
    expect(lines(r.stderr)[0]).toBe('multi.csv:4:7: column "tg.da": expected a number from 0 to 1, found "zero"');
  });

  it("reads a custom delimiter", () => {
    t.file("semi.csv", `${HEADER.replaceAll(",", ";")}\n${A.replaceAll(",", ";")}\n${B.replaceAll(",", ";")}\n`);
    expect(records(run("score", "semi.csv", "--edition", "2017", "--delimiter", ";").stdout)).toEqual(expected);
  });

  it("reads latin-1 with --encoding latin1 and writes UTF-8", () => {
    t.file("latin1.csv", Buffer.from(`${HEADER}\n${A.replace("Alpha", "Querétaro Año")}\n`, "latin1"));
    const r = run("score", "latin1.csv", "--edition", "2017", "--encoding", "latin1");
    expect(r.code).toBe(0);
    expect(records(r.stdout)[0]!.name).toBe("Querétaro Año");
  });

  it("reads Windows-1252 (Excel's CSV) with --encoding windows-1252: curly quotes, dashes and the euro sign", () => {
    const name = "Comité “Río” – 5 €";
    const nameBytes = [0x43, 0x6f, 0x6d, 0x69, 0x74, 0xe9, 0x20, 0x93, 0x52, 0xed, 0x6f, 0x94, 0x20, 0x96, 0x20, 0x35, 0x20, 0x80];
    const bytes = Buffer.concat([Buffer.from(`${HEADER}\nA,`, "latin1"), Buffer.from(nameBytes), Buffer.from(`${A.slice("A,Alpha".length)}\n`, "latin1")]);
    t.file("cp1252.csv", bytes);
    for (const spelling of ["windows-1252", "cp1252"]) {
      const r = run("score", "cp1252.csv", "--edition", "2017", "--encoding", spelling);
      expect(r.code).toBe(0);
      expect(records(r.stdout)[0]!.name).toBe(name);
    }
    // Read as latin-1 the same bytes give C1 control characters, not the punctuation.
    expect(records(run("score", "cp1252.csv", "--edition", "2017", "--encoding", "latin1").stdout)[0]!.name).not.toBe(name);
  });

  it("refuses latin-1 without the flag: a clear error with row and column, suggesting --encoding latin1", () => {
    t.file("latin1b.csv", Buffer.from(`${HEADER}\n${A}\n${B.replace("Beta", "Querétaro")}\n`, "latin1"));
    const r = run("score", "latin1b.csv", "--edition", "2017", "--out", "never.csv");
    expect(r.code).toBe(1);
    const offset = `${HEADER}\n${A}\nB,Quer`.length;
    expect(lines(r.stderr)).toEqual([`latin1b.csv:3:2: invalid UTF-8 (byte 0xe9 at byte offset ${offset}): the file is not UTF-8; if it is latin-1, rerun with --encoding latin1 (or --encoding windows-1252 for a file saved by Excel on Windows)`]);
    expect(existsSync(join(t.dir, "never.csv"))).toBe(false);
    expect(noTempFiles()).toEqual([]);
  });

  it("matches value columns by alias and by --map, and carries unknown columns through", () => {
    t.file("alias.csv", `SO,GA,T,P,Transp_gob,TC,PG,PC,extra\nA,0.5,0.5,0.5,0.5,0.5,0.5,0.5,keep me\n`);
    const r = run("score", "alias.csv", "--edition", "2017", "--map", "id=SO", "--map", "tg=Transp_gob");
    expect(r.code).toBe(0);
    expect(records(r.stdout)[0]).toMatchObject({ id: "A", extra: "keep me", iga: "0.5", tg: "0.5" });
    expect(parseCsv(r.stdout)[0]!.slice(0, 3)).toEqual(["id", "extra", "rubric"]);
  });
});

describe("ogmetric score: bad inputs", () => {
  it("an empty file is a fatal error (exit 1)", () => {
    t.file("empty.csv", "");
    const r = run("score", "empty.csv", "--edition", "2017");
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual(["empty.csv:1: the file is empty: expected a header row"]);
  });

  it("a header-only file scores no body: exit 0, the output header alone", () => {
    t.file("header.csv", `${HEADER}\n`);
    const r = run("score", "header.csv", "--edition", "2017", "--out", "header-out.csv");
    expect(r.code).toBe(0);
    expect(lines(r.stderr)).toEqual(["header.csv: 0 data lines: 0 bodies scored, 0 rejected, 0 blank"]);
    expect(parseCsv(t.read("header-out.csv"))).toHaveLength(1);
  });

  it("a missing id column is a fatal error naming the columns (exit 1)", () => {
    t.file("noid.csv", `SO,TG\nA,0.5\n`);
    const r = run("score", "noid.csv", "--edition", "2017");
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual(['noid.csv:1: no "id" column (each body\'s unique identifier): name a column id, or use --map id=COLUMN; the columns are "SO", "TG"']);
  });

  it("a duplicate id is a fatal error with both rows, and nothing is written (exit 1)", () => {
    t.file("dup.csv", `${HEADER}\n${A}\n${B}\n${A}\n${C}\n`);
    const r = run("score", "dup.csv", "--edition", "2017", "--out", "dup-out.csv");
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual(["dup.csv: 1 row repeats an earlier id; ids must be unique (nothing was written)", 'dup.csv:4:1: id "A" is used again (first in row 2)']);
    expect(existsSync(join(t.dir, "dup-out.csv"))).toBe(false);
    expect(noTempFiles()).toEqual([]);
  });

  it("a non-numeric value and 1.5 on a 0-1 leaf reject their rows (exit 3); the other rows are written; the rejects file keeps them", () => {
    t.file("bad.csv", `${HEADER}\n${A}\n${B.replace("Beta,Jalisco,1,", "Beta,Jalisco,abc,")}\n${C.replace("Jalisco,0,", "x")}\n${C.replace("0,0,0,0,1", "0,1.5,0,0,1")}\n${C.replace("C,", "D,")}\n`);
    const r = run("score", "bad.csv", "--edition", "2017", "--out", "bad-out.csv", "--rejects", "bad-rejects.csv");
    expect(r.code).toBe(3);
    expect(lines(r.stderr)).toEqual([
      'bad.csv:3:4: column "tg.ai": expected a number from 0 to 1, found "abc"',
      'bad.csv:5:5: column "tg.tr": expected a number from 0 to 1, found "1.5"',
      "bad.csv: 5 data lines: 3 bodies scored, 2 rejected, 0 blank",
      "2 rows written to the rejects: bad-rejects.csv",
    ]);
    expect(records(t.read("bad-out.csv")).map((b) => b.id)).toEqual(["A", "C", "D"]);
    expect(records(t.read("bad-rejects.csv"))).toEqual([
      { file: "bad.csv", row: "3", column: "tg.ai", code: "not_a_number", reason: 'column "tg.ai": expected a number from 0 to 1, found "abc"', record: B.replace("Beta,Jalisco,1,", "Beta,Jalisco,abc,") },
      { file: "bad.csv", row: "5", column: "tg.tr", code: "out_of_range", reason: 'column "tg.tr": expected a number from 0 to 1, found "1.5"', record: C.replace("0,0,0,0,1", "0,1.5,0,0,1") },
    ]);
  });

  it("a row with the wrong number of columns is rejected; a blank line is skipped", () => {
    t.file("ragged.csv", `${HEADER}\n${A}\n\nB,Beta\n${C}\n`);
    const r = run("score", "ragged.csv", "--edition", "2017", "--rejects", "ragged-rejects.csv");
    expect(r.code).toBe(3);
    expect(lines(r.stderr)).toEqual(["ragged.csv:4: expected 17 columns, found 2", "ragged.csv: 4 data lines: 2 bodies scored, 1 rejected, 1 blank", "1 row written to the rejects: ragged-rejects.csv"]);
    expect(records(r.stdout).map((b) => b.id)).toEqual(["A", "C"]);
    expect(records(t.read("ragged-rejects.csv"))[0]).toMatchObject({ row: "4", code: "column_count", record: "B,Beta" });
  });

  it("a 10,000-column header is read, its unknown columns carried through", () => {
    const extra = Array.from({ length: 10_000 - 17 }, (_, i) => `x${i}`);
    t.file("wide.csv", `${HEADER},${extra.join(",")}\n${A},${extra.map((_, i) => i).join(",")}\n`);
    const r = run("score", "wide.csv", "--edition", "2017");
    expect(r.code).toBe(0);
    const [header, row] = parseCsv(r.stdout);
    expect(header).toHaveLength(5 + extra.length + 1 + 26);
    expect(row![5 + extra.length - 1]).toBe(String(extra.length - 1));
  });

  it("a header wider than 16,384 columns is refused (exit 1)", () => {
    t.file("wider.csv", `${HEADER},${Array.from({ length: 16_384 }, (_, i) => `x${i}`).join(",")}\n`);
    const r = run("score", "wider.csv", "--edition", "2017");
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual(["wider.csv:1:16385: the header has 16401 columns; at most 16384 are read"]);
  });

  it("a 50 MB field rejects its row without being held in memory, and the rows around it are scored", () => {
    const path = t.file("huge.csv");
    writeFileSync(path, `${HEADER},note\n${A},short\n${B},"`);
    const chunk = Buffer.alloc(1 << 20, "y");
    for (let i = 0; i < 50; i++) writeFileSync(path, chunk, { flag: "a" });
    writeFileSync(path, `"\n${C},short\n`, { flag: "a" });
    // A 48 MB heap cannot hold the field (or the row) even once.
    const r = cli(["score", "huge.csv", "--edition", "2017", "--rejects", "huge-rejects.csv"], t.dir, ["--max-old-space-size=48"]);
    expect(r.code).toBe(3);
    expect(lines(r.stderr)).toEqual([
      // The row's text: B, the delimiter, the quoted field and the line break.
      `huge.csv:3:18: field 18 is longer than the limit of 1048576 characters (the row holds ${B.length + 1 + 2 + 50 * 2 ** 20 + 1}); the row was skipped`,
      "huge.csv: 3 data lines: 2 bodies scored, 1 rejected, 0 blank",
      "1 row written to the rejects: huge-rejects.csv",
    ]);
    expect(records(r.stdout).map((b) => b.id)).toEqual(["A", "C"]);
    const [rejected] = records(t.read("huge-rejects.csv"));
    expect(rejected).toMatchObject({ row: "3", column: "note", code: "field_too_large" });
    expect(rejected!.record!.startsWith(`${B},"yyy`)).toBe(true);
    expect(rejected!.record!.length).toBeLessThan(300);
  });

  it("an empty id rejects the row", () => {
    t.file("emptyid.csv", `${HEADER}\n${A}\n${B.replace("B,", " ,")}\n`);
    const r = run("score", "emptyid.csv", "--edition", "2017");
    expect(r.code).toBe(3);
    expect(lines(r.stderr)[0]).toBe("emptyid.csv:3:1: the id is empty");
  });

  it("a node given directly that disagrees with its subtree is scored, with a warning (not rejected)", () => {
    t.file("incons.csv", `id,GA,T,P\nA,0.9,0.5,0.5\nB,0.5,0.5,0.5\n`);
    const r = run("score", "incons.csv", "--edition", "2017");
    expect(r.code).toBe(0);
    expect(lines(r.stderr)).toEqual([
      "incons.csv: warning: view perspectiva (gobierno, ciudadano) lacks inputs (citizen_requests, tg.ai, tg.tr, tg.tp, tg.da, pg.mec, ...), so its nodes will be missing; the index itself is complete",
      'incons.csv:2:2: warning: column "GA" gives iga = 0.9 but its children give 0.5 (beyond the inputs\' precision ±0.050)',
      "incons.csv: 2 data lines: 2 bodies scored, 0 rejected, 0 blank",
      "1 body has a node given directly that disagrees with its subtree beyond the inputs' precision; the given values were used",
    ]);
    expect(records(r.stdout).map((b) => b.iga)).toEqual(["0.9", "0.5"]);
  });

  it("columns giving the same node twice, or two columns of the same name, are fatal (exit 1)", () => {
    t.file("twice.csv", `id,tg,TG\nA,0.5,0.5\n`);
    expect(lines(run("score", "twice.csv", "--edition", "2017").stderr)).toEqual(['twice.csv:1:3: columns "tg" and "TG" both give node "tg"; keep one']);
    t.file("samename.csv", `id,x,x\nA,1,2\n`);
    expect(run("score", "samename.csv", "--edition", "2017")).toMatchObject({ code: 1, stderr: 'samename.csv:1:3: column "x" appears twice (columns 2 and 3); column names must be unique\n' });
  });
});

describe("ogmetric score: outputs are atomic and never overwrite an input", () => {
  it("refuses --out or --rejects naming an input file (exit 1), leaving it untouched", () => {
    const input = `${HEADER}\n${A}\n`;
    t.file("keep.csv", input);
    t.file("obs.csv", "id,tc.disp\nA,1\n");
    for (const args of [["--out", "keep.csv"], ["--out", "./sub/../keep.csv"], ["--rejects", "keep.csv"], ["--observations", "obs.csv", "--out", "obs.csv"]]) {
      const r = run("score", "keep.csv", "--edition", "2017", ...args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stderr).toMatch(/is the input file .*; refusing to write over an input\n$/);
    }
    expect(t.read("keep.csv")).toBe(input);
  });

  it("a failed run leaves an existing output as it was, and no temporary file", () => {
    t.file("prev.csv", "previous content\n");
    t.file("dup2.csv", `${HEADER}\n${A}\n${A}\n`);
    expect(run("score", "dup2.csv", "--edition", "2017", "--out", "prev.csv").code).toBe(1);
    expect(t.read("prev.csv")).toBe("previous content\n");
    expect(noTempFiles()).toEqual([]);
  });
});

describe("ogmetric score: usage errors (exit 2)", () => {
  it.each([
    [["score", "x.csv"], "ogmetric score: --edition: give either --edition 2017|2019 or --rubric FILE.json (see ogmetric score --help)"],
    [["score", "x.csv", "--edition", "2018"], 'ogmetric score: --edition: expected one of 2017, 2019, found "2018" (see ogmetric score --help)'],
    [["score", "x.csv", "--edition", "2017", "--round", "two"], 'ogmetric score: --round: expected a whole number from 0 to 15, found "two" (see ogmetric score --help)'],
    [["score", "x.csv", "--edition", "2017", "--frobnicate"], "ogmetric score: unknown option --frobnicate (see ogmetric score --help)"],
    [["score", "--edition", "2017"], "ogmetric score: INPUT.csv: expected one input file (INPUT.csv) (see ogmetric score --help)"],
    [["score", "x.csv", "--edition", "2017", "--map", "SO"], 'ogmetric score: --map: expected FIELD=COLUMN, e.g. id=SO, found "SO" (see ogmetric score --help)'],
    [["score", "x.csv", "--edition", "2017", "--encoding", "ebcdic"], 'ogmetric score: --encoding: expected utf8, latin1 or windows-1252, found "ebcdic" (see ogmetric score --help)'],
    [["score", "x.csv", "--edition", "2017", "--stats", "sd"], "ogmetric score: --stats: --stats goes with --by (per-body output has no statistics) (see ogmetric score --help)"],
    [["frobnicate"], 'ogmetric: unknown command "frobnicate"; the commands are score, aggregate, validate, editions, explain, report, compare, uncertainty, sensitivity, audit, sql (see ogmetric --help)'],
  ])("%j", (args, message) => {
    const r = run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${message}\n`);
  });
});
