import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT, cli, records, ROOT, tempDir } from "./helpers.js";

const F = (name: string) => join(ROOT, "fixtures", name);
const OBS17 = ["--observations", F("mga2017-sample-requests.csv")];
const OBS19 = ["--observations", F("mga2019-sample-requests.csv"), "--observations", F("mga2019-sample-records.csv")];
const t = tempDir();
afterAll(() => t.cleanup());

/**
 * The first `n` bodies of a sample and their observation rows, for the runs that need no more
 * (each run of the whole sample costs seconds on a loaded machine).
 */
function subset(edition: "2017" | "2019", n: number): string[] {
  const take = (name: string, keep: (id: string) => boolean) => {
    const [header, ...lines] = readFileSync(F(name), "utf8").trimEnd().split("\n");
    return t.file(`head-${name}`, `${[header, ...lines.filter((l) => keep(l.slice(0, l.indexOf(","))))].join("\n")}\n`);
  };
  const ids = new Set(readFileSync(F(`mga${edition}-sample.csv`), "utf8").split("\n").slice(1, n + 1).map((l) => l.slice(0, l.indexOf(","))));
  const files = edition === "2017" ? ["mga2017-sample-requests.csv"] : ["mga2019-sample-requests.csv", "mga2019-sample-records.csv"];
  return [take(`mga${edition}-sample.csv`, (id) => ids.has(id)), ...files.flatMap((f) => ["--observations", take(f, (id) => ids.has(id))])];
}

/** Scores files of both samples, written once by `ogmetric score`. */
beforeAll(() => {
  expect(cli(["score", F("mga2017-sample.csv"), "--edition", "2017", ...OBS17, "--out", t.file("s17.csv")], t.dir).code).toBe(0);
  expect(cli(["score", F("mga2019-sample.csv"), "--edition", "2019", ...OBS19, "--out", t.file("s19.csv")], t.dir).code).toBe(0);
});

describe("ogmetric compare INPUT.csv --edition --to", () => {
  it("writes one row per body with the issue's columns; the shipped editions agree on the same data", () => {
    const r = cli(["compare", F("mga2017-sample.csv"), "--edition", "2017", "--to", "2019", ...OBS17, "--out", t.file("e.csv")], t.dir);
    expect(r.code).toBe(0);
    const rows = records(t.read("e.csv"));
    expect(rows.length).toBe(1000);
    const columns = Object.keys(rows[0]!);
    for (const c of ["id", "iga_from", "iga_to", "diff", "rank_from", "rank_to", "rank_shift", "attr:tg.ai", "attr:tg.ta", "attr:pc.cel", "attr:only_from", "attr:only_to", "assumed"]) expect(columns).toContain(c);
    expect(columns).not.toContain("attr:tg.tr");
    expect(rows.filter((x) => x.diff !== "" && Number(x.diff) !== 0)).toEqual([]);
    expect(rows.filter((x) => x.diff === "").length).toBe(11);
    // A body whose tg.tr cell is empty relies on no tg.tr → tg.ta mapping (and has no index).
    expect(new Set(rows.map((x) => x.assumed))).toEqual(new Set(["tg.ai; tg.tr → tg.ta", "tg.ai"]));
    for (const x of rows.filter((y) => y.assumed === "tg.ai")) expect([x["tg.ta_from"], x["tg.ta_to"], x.diff]).toEqual(["", "", ""]);
    expect(r.stderr).toContain("1000 bodies compared, 2017 -> 2019: attribution two-factor over 17 components; 11 without a difference");
    expect(r.stderr).toContain("rows rely on assumed mappings: tg.ai, tg.tr → tg.ta");
    expect(r.stderr.split("\n").filter((l) => ACCOUNT.test(l))).toEqual([
      `${F("mga2017-sample.csv")}: 1000 data lines: 1000 bodies read, 0 rejected, 0 blank`,
      `${F("mga2017-sample-requests.csv")}: 3998 data lines: 3998 observations used, 0 rejected, 0 blank`,
    ]);
  });

  it("runs 2019 → 2017 through the reversed crosswalk, bridging 2017's tg.ai from the request records", () => {
    const head = subset("2019", 200);
    const r = cli(["compare", ...head, "--edition", "2019", "--to", "2017", "--format", "ndjson"], t.dir);
    expect(r.code).toBe(0);
    const bodies = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(bodies.length).toBe(200);
    expect(bodies.every((b) => b.diff === null || b.diff === 0)).toBe(true);
    expect(bodies.filter((b) => b.bridged.includes("tg.ai")).length).toBe(200);
    expect(bodies.some((b) => b.nodes.find((n: { to: string }) => n.to === "tg.ai").statusTo === "not_applicable")).toBe(true);
    expect(bodies[0].assumed).toEqual(["tg.ai", "tg.ta → tg.tr"]);
    const off = cli(["compare", ...head, "--edition", "2019", "--to", "2017", "--no-bridge", "--format", "ndjson"], t.dir);
    expect(off.stdout.trim().split("\n").map((l) => JSON.parse(l)).every((b) => b.to === null)).toBe(true);
  });

  it("with --by, one row per group over the bodies scored under both; --tidy gives unit × node × edition records", () => {
    const r = cli(["compare", F("mga2017-sample.csv"), "--edition", "2017", "--to", "2019", ...OBS17, "--by", "state", "--order", "key", "--round", "2"], t.dir);
    expect(r.code).toBe(0);
    const groups = records(r.stdout);
    expect(groups.length).toBe(33);
    expect(groups[0]).toMatchObject({ state: "Aguascalientes", state_code: "01", diff: "0.00", rank_shift: "0", assumed: "tg.ai; tg.tr → tg.ta" });
    expect(groups[32]!.state).toBe("Federal");
    const tidy = cli(["compare", ...subset("2017", 100), "--edition", "2017", "--to", "2019", "--tidy"], t.dir);
    const rows = records(tidy.stdout);
    expect(Object.keys(rows[0]!)).toEqual(["unit", "kind", "node", "code", "edition", "side", "value", "rank", "status", "assumed"]);
    expect(rows.length).toBe(100 * 26 * 2); // 26 crosswalked nodes: 24 of the tree, 2 of the perspective view
    expect(rows.find((x) => x.unit === "B000001" && x.node === "tg.ta" && x.edition === "2017")).toMatchObject({ code: "tg.tr", value: "0.4684", status: "scored", assumed: "tg.tr → tg.ta" });
  });

  it("writes every detail as JSON", () => {
    const r = cli(["compare", ...subset("2017", 50), "--edition", "2017", "--to", "2019", "--format", "json"], t.dir);
    const c = JSON.parse(r.stdout);
    expect(c.method).toBe("two_factor");
    expect(c.components.length).toBe(17);
    expect(c.bodies[0].attribution.components[0]).toEqual({ code: "tg.ai", weight: 0, value: 0, total: 0 });
  });

  it("rejects rows as score does (exit 3, --rejects FILE) and refuses bad options (exit 2)", () => {
    const input = t.file("bad.csv", "id,TG,TC,PG,PC\nA,0.5,0.5,0.2,0.2\nB,9,0.5,0.2,0.2\n");
    const r = cli(["compare", input, "--edition", "2017", "--to", "2019", "--rejects", t.file("rej.csv")], t.dir);
    expect(r.code).toBe(3);
    expect(records(t.read("rej.csv"))).toEqual([{ file: input, row: "3", column: "TG", code: "out_of_range", reason: 'column "TG" (tg): expected a number from 0 to 1, found "9"', record: "B,9,0.5,0.2,0.2" }]);
    expect(records(r.stdout).map((x) => [x.id, x.diff])).toEqual([["A", "0"]]);
    const noTo = cli(["compare", input, "--edition", "2017"], t.dir);
    expect(noTo.code).toBe(2);
    expect(noTo.stderr).toContain("ogmetric compare: --to: give the rubric to compare with: --to 2017|2019 or --to-rubric FILE.json");
    expect(cli(["compare", input, "--edition", "2017", "--to", "2019", "--method", "median"], t.dir).code).toBe(2);
    const cw = t.file("cw.json", '{"schemaVersion": 1}');
    const bad = cli(["compare", input, "--edition", "2017", "--to", "2019", "--crosswalk", cw], t.dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("cw.json: invalid crosswalk");
  });
});

describe("ogmetric compare --scores FROM.csv TO.csv", () => {
  it("joins by id, attributes each difference, and lists the bodies of one file only with the reason", () => {
    const r = cli(["compare", "--scores", "s17.csv", "s19.csv", "--out", "c.csv"], t.dir);
    expect(r.code).toBe(0);
    const rows = records(t.read("c.csv"));
    expect(rows.length).toBe(1000 + 23);
    const only = rows.filter((x) => x.note!.startsWith("only under"));
    expect(only.length).toBe(46);
    expect(only[0]!.note).toMatch(/^only under 2017: no body with id "B\d+" under 2019$/);
    expect(r.stderr).toContain("977 bodies joined by id; 23 only in s17.csv, 23 only in s19.csv");
    const b = rows.find((x) => x.id === "B000032")!;
    expect(Number(b["weight:tg.ai"])).toBeCloseTo(-0.114875, 12);
    expect(Number(b.diff)).toBeCloseTo(-0.0653883333, 9);
  });

  it("suggests bodies whose names match under another id, without joining them", () => {
    const text = t.read("s19.csv").replace(/^B000001,/m, "X000001,");
    t.file("s19-renamed.csv", text);
    const r = cli(["compare", "--scores", "s17.csv", "s19-renamed.csv"], t.dir);
    const rows = records(r.stdout);
    expect(rows.find((x) => x.id === "B000001")).toMatchObject({ iga_to: "", suggested: "X000001 (Instituto de Pensiones de San Luis Potosí)" });
    expect(rows.find((x) => x.id === "X000001")).toMatchObject({ iga_from: "", suggested: "B000001 (Instituto de Pensiones de San Luis Potosí)" });
    expect(r.stderr).toContain("2 of them have a body of the same name under another id (see suggested; not joined)");
  });

  it("with --by, compares each file's own group means", () => {
    const r = cli(["compare", "--scores", "s17.csv", "s19.csv", "--by", "state", "--round", "2"], t.dir);
    expect(r.code).toBe(0);
    const rows = records(r.stdout);
    expect(rows.length).toBe(33);
    expect(Object.keys(rows[0]!)).toEqual(["state", "state_code", "n_from", "n_to", "iga_from", "iga_to", "diff", "rank_from", "rank_to", "rank_shift", "assumed"]);
    const agg = records(cli(["aggregate", "s17.csv", "--by", "state", "--round", "2"], t.dir).stdout);
    expect(rows.map((x) => [x.state, x.iga_from])).toEqual(agg.map((x) => [x.state, x.iga]));
  });

  it("needs two files, and a rubric it knows", () => {
    expect(cli(["compare", "--scores", "s17.csv"], t.dir).code).toBe(2);
    t.file("odd.csv", "id,rubric,iga\nA,other@1.0.0#abc,0.5\n");
    const r = cli(["compare", "--scores", "odd.csv", "s19.csv"], t.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('odd.csv:2:2: rubric "other@1.0.0#abc" is not a built-in edition');
  });
});
