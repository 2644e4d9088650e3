import { afterAll, expect, it } from "vitest";
import { dataSuite } from "../sharedData.js";
import { BSO, BSO_MAPS, ROOT, cli, records, tempDir, quiet } from "./helpers.js";

dataSuite("ogmetric score on the published 2017 per-body data (../shared/data/mga2017-bso.csv)", BSO, () => {
  const t = tempDir();
  afterAll(t.cleanup);
  const scores = t.file("scores.csv");

  it("score --edition 2017 with the --map flags scores all 908 bodies, exit 0, no warning", () => {
    const r = cli(["score", BSO, "--edition", "2017", ...BSO_MAPS, "--out", scores], ROOT);
    expect(r.stderr).toBe(`${BSO}: 908 data lines: 908 bodies scored, 0 rejected, 0 blank\n`);
    expect(r.code).toBe(0);
    const rows = records(t.read("scores.csv"));
    expect(rows).toHaveLength(908);
    expect(rows[0]).toMatchObject({ id: "ASF", state: "Federal", level: "Federal", type: "Legislativo", rubric: "mga-2017@1.0.0#5ede0e237441", iga: "0.5054", tg: "0.5556", "tg.ai": "" });
    // Latin-1 names come out as UTF-8; a missing leaf is an empty cell, never a number.
    expect(rows.some((row) => row.id!.includes("é") || row.id!.includes("ñ"))).toBe(true);
    expect(rows.every((row) => row.iga !== "" && row["pg.mec"] === "")).toBe(true);
  });

  it("aggregate without --by gives the published national figures", () => {
    const r = cli(["aggregate", scores, "--round", "2"], ROOT);
    expect(r.code).toBe(0);
    const [national] = records(r.stdout);
    expect(national).toMatchObject({ bodies: "908", iga: "0.39", t: "0.50", p: "0.28", tg: "0.46", tc: "0.54", pg: "0.23", pc: "0.32", "iga:n": "908", "iga:na": "0", "iga:missing": "0" });
  });

  it("score --by state --round 2 gives the published state table in one pass", () => {
    const r = cli(["score", BSO, "--edition", "2017", ...BSO_MAPS, "--by", "state", "--round", "2"], ROOT);
    expect(quiet(r.stderr)).toBe("");
    expect(r.code).toBe(0);
    const table = records(r.stdout);
    expect(table).toHaveLength(33);
    expect(table.reduce((n, g) => n + Number(g.bodies), 0)).toBe(908);
    const byIga = [...table].sort((a, b) => Number(b.iga) - Number(a.iga));
    expect(byIga[0]).toMatchObject({ state: "Ciudad de México", state_code: "09", iga: "0.51" });
    expect(byIga[32]).toMatchObject({ state: "Querétaro", state_code: "22", iga: "0.27" });
    expect(table.find((g) => g.state === "Guanajuato")).toMatchObject({ state_code: "11", iga: "0.48" });
    expect(table.find((g) => g.state === "Federal")).toMatchObject({ state_code: "FED", bodies: "46" });
  });

  it("aggregate --by state on the scores file gives the same table", () => {
    const once = cli(["score", BSO, "--edition", "2017", ...BSO_MAPS, "--by", "state", "--round", "2"], ROOT).stdout;
    expect(cli(["aggregate", scores, "--by", "state", "--round", "2"], ROOT).stdout).toBe(once);
  });

  it("explain shows one body's tree, its sub-indices given directly", () => {
    const r = cli(["explain", BSO, "--edition", "2017", ...BSO_MAPS, "--id", "ASF"], ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("iga  Índice de Gobierno Abierto = 0.5054 (given; subtree gives 0.5054)");
    expect(r.stdout).toContain("tg  Transparencia desde el gobierno = 0.5556");
  });

  it("without --encoding latin1 the file is refused with the row and column of the first bad byte", () => {
    const r = cli(["score", BSO, "--edition", "2017", "--map", "id=SO"], ROOT);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^.*mga2017-bso\.csv:\d+:1: invalid UTF-8 \(byte 0x[0-9a-f]{2} at byte offset \d+\): the file is not UTF-8; if it is latin-1, rerun with --encoding latin1 \(or --encoding windows-1252 for a file saved by Excel on Windows\)\n$/);
  });
});
