import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadEdition } from "../../src/index.js";
import { cli, ROOT, tempDir } from "../cli/helpers.js";

// The command's contract on bad input (exit codes and messages of docs/cli.md), and that only
// `report` loads vega: other commands start as before.

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const TAG = `mga-2017@1.0.0#${loadEdition("2017").hash.slice(0, 12)}`;
const HEADER = "id,state,state_name,state_code,level,type,rubric,iga,t,tg,tc,p,pg,pc";
const row = (id: string, state: string, iga: string) => `${id},${state},${state},,Estatal,Partido,${TAG},${iga},0.5,0.5,0.5,0.5,0.5,0.5`;

describe("ogmetric report: bad input", () => {
  it("rejects a row with a bad score (exit 3), writes the report without it and says so in the page", () => {
    tmp.file("bad.csv", [HEADER, row("a", "Jalisco", "0.5"), row("b", "Colima", "abc"), "", row("c", "Sonora", "0.4")].join("\n") + "\n");
    const r = cli(["report", "bad.csv", "--out", "bad.html", "--date", "2026-01-31", "--lang", "en", "--rejects", "rejects.csv"], tmp.dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('bad.csv:3:8: column "iga": expected a score from 0 to 1, NA or an empty cell, found "abc"');
    expect(r.stderr).toContain("bad.csv: 4 data lines: 2 bodies read, 1 rejected, 1 blank");
    expect(tmp.read("rejects.csv").split("\n")[1]).toMatch(/^bad\.csv,3,iga,invalid_score,/);
    const html = tmp.read("bad.html");
    expect(html).toContain("2 bodies, 1 row rejected (not in the report)");
    expect(html).not.toContain("Colima");
  });

  it("refuses a file that is not per-body scores, and a rubric it cannot name, writing nothing (exit 1)", () => {
    tmp.file("table.csv", "state,n,iga\nJalisco,2,0.5\n");
    const a = cli(["report", "table.csv", "--out", "t.html"], tmp.dir);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/^table\.csv:1: no "rubric" column/);
    tmp.file("mine.csv", [HEADER, row("a", "Jalisco", "0.5").replace(TAG, "mine@1.0.0#0123456789ab")].join("\n") + "\n");
    const b = cli(["report", "mine.csv", "--out", "m.html"], tmp.dir);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain('rubric "mine@1.0.0#0123456789ab" is not a built-in edition: give its rubric file with --rubric FILE.json');
    expect(existsSync(join(tmp.dir, "t.html")) || existsSync(join(tmp.dir, "m.html"))).toBe(false);
  });

  it("checks its options (exit 2)", () => {
    tmp.file("ok.csv", [HEADER, row("a", "Jalisco", "0.5")].join("\n") + "\n");
    const date = cli(["report", "ok.csv", "--date", "2026-02-30"], tmp.dir);
    expect(date.code).toBe(2);
    expect(date.stderr).toBe('ogmetric report: --date: expected a date YYYY-MM-DD, found "2026-02-30" (see ogmetric report --help)\n');
    expect(cli(["report", "ok.csv", "--by", "name"], tmp.dir).stderr).toMatch(/--by: expected state, type or level/);
    expect(cli(["report", "ok.csv", "--out", "ok.csv"], tmp.dir).code).toBe(1);
  });
});

describe("ogmetric report: loading", () => {
  it("is listed in the help, and only its own chunk of the built CLI imports vega", () => {
    expect(cli(["--help"], ROOT).stdout).toContain("report SCORES.csv");
    expect(cli(["report", "--help"], ROOT).stdout).toMatch(/^Usage: ogmetric report SCORES\.csv/);
    const dist = join(ROOT, "dist");
    const importers = readdirSync(dist).filter((f) => f.endsWith(".js") && /\bimport\(["']vega(-lite)?["']\)|from ["']vega(-lite)?["']/.test(readFileSync(join(dist, f), "utf8")));
    expect(importers).toHaveLength(1);
    expect(importers[0]).toMatch(/^report-/);
    // The entry point reaches that chunk only through run.ts's dynamic import.
    expect(readFileSync(join(dist, "cli.js"), "utf8")).not.toMatch(/from ["']\.\/report-/);
  });
});
