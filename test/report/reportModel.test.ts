import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { loadEdition } from "../../src/index.js";
import { chartSpecs, SCATTER_POINT_LIMIT } from "../../src/report/chartSpecs.js";
import { readRankBands } from "../../src/report/rankBands.js";
import { renderSvg, renumberIds } from "../../src/report/renderSvg.js";
import { buildReportModel, type ReportModel } from "../../src/report/reportModel.js";
import { ScoresCollector, type ReportKey, type ScoresSummary } from "../../src/report/scoresTable.js";
import { reportHtml } from "../../src/report/reportHtml.js";

const R2017 = loadEdition("2017");
const TAG = `mga-2017@1.0.0#${R2017.hash.slice(0, 12)}`;
const HEADER = ["id", "state", "level", "type", "rubric", "iga", "t", "tg", "tc", "p", "pg", "pc"];
const rubricFor = (tag: string) => (tag === TAG ? R2017 : undefined);
const OPTIONS = { by: "state" as ReportKey, decimals: 2, lang: "en" as const, date: "2026-01-31", version: "9.9.9" };

/** Rows of a scores file: id, state, level, type, then iga, t, tg, tc, p, pg, pc. */
function summary(rows: readonly (readonly string[])[], by: ReportKey = "state", file = "s.csv"): ScoresSummary {
  const opened = ScoresCollector.open(file, HEADER, by, rubricFor);
  if (!opened.success) throw new Error(opened.issues[0]!.message);
  rows.forEach((r, i) => {
    const issue = opened.output.add([...r.slice(0, 4), TAG, ...r.slice(4)], i + 2);
    if (issue) throw new Error(issue.message);
  });
  return opened.output.result();
}

// Hand-computed: CDMX 0.6; Jalisco (0.5 + 0.308)/2 = 0.404; Nuevo León 0.396 (its NA body counts
// out); Guerrero has no index. At 2 decimals Jalisco and Nuevo León both print 0.40 and tie.
const ROWS = [
  ["a", "Jalisco", "Estatal", "Partido", "0.5", "0.6", "0.6", "0.6", "0.4", "0.3", "0.5"],
  ["b", "CDMX", "Estatal", "Partido", "0.6", "0.7", "0.8", "0.6", "0.5", "0.4", "0.6"],
  ["c", "Jal.", "Municipal", "Municipio", "0.308", "0.5", "0.5", "0.5", "", "", "0.2"],
  ["d", "NuevoLeon", "Estatal", "Municipio", "0.396", "NA", "", "", "0.3", "0.3", "0.3"],
  ["e", "Nuevo León", "Estatal", "Partido", "NA", "NA", "", "", "NA", "", ""],
  ["f", "Guerrero", "Municipal", "Municipio", "", "0.2", "0.2", "0.2", "", "", ""],
] as const;

describe("buildReportModel", () => {
  it("ranks group means as published tables do: ties on the printed value share the best rank, groups without a value come last", () => {
    const m = buildReportModel(summary(ROWS), OPTIONS);
    expect(m.units.map((u) => [u.key, u.rank, u.text, u.bodies, u.scored])).toEqual([
      ["Ciudad de México", 1, "0.60", 1, 1],
      ["Jalisco", 2, "0.40", 2, 2],
      ["Nuevo León", 2, "0.40", 2, 1],
      ["Guerrero", null, "", 1, 0],
    ]);
    expect(m.units[1]!.value).toBeCloseTo(0.404, 15);
    // At 3 decimals they no longer tie.
    expect(buildReportModel(summary(ROWS), { ...OPTIONS, decimals: 3 }).units.map((u) => u.rank)).toEqual([1, 2, 3, null]);
    // Pillars t, p and sub-indices tg, tc, pg, pc, by hand.
    expect(m.pillars.map((p) => p.code)).toEqual(["t", "p"]);
    expect(m.subIndices.map((p) => p.code)).toEqual(["tg", "tc", "pg", "pc"]);
    expect(m.units[1]!.pillars[0]).toBeCloseTo(0.55, 15);
    expect(m.units[1]!.subIndices[3]).toBeCloseTo(0.35, 15);
    expect(m.national.text).toBe("0.45"); // (0.5 + 0.6 + 0.308 + 0.396) / 4 = 0.451
  });

  it("plots a body only when both pillars were scored, and counts the others", () => {
    const m = buildReportModel(summary(ROWS), OPTIONS);
    expect(m.points).toEqual([
      { x: 0.6, y: 0.4, level: "Estatal" },
      { x: 0.7, y: 0.5, level: "Estatal" },
    ]);
    expect(m.unplotted).toBe(4);
  });

  it("orders types by mean, highest first", () => {
    const m = buildReportModel(summary(ROWS), OPTIONS);
    expect(m.types.map((t) => [t.key, t.text, t.scored, t.bodies])).toEqual([
      ["Partido", "0.55", 2, 3],
      ["Municipio", "0.35", 2, 3],
    ]);
  });

  it("groups by type or level when asked", () => {
    expect(buildReportModel(summary(ROWS, "level"), { ...OPTIONS, by: "level" }).units.map((u) => [u.key, u.rank])).toEqual([
      ["Estatal", 1],
      ["Municipal", 2],
    ]);
  });

  it("compares ranks with a second file: shift is the old rank minus the new, groups in one file only are listed", () => {
    const other = summary(
      [
        ["x", "Jalisco", "Estatal", "Partido", "0.9", "0.9", "0.9", "0.9", "0.9", "0.9", "0.9"],
        ["y", "Ciudad de México", "Estatal", "Partido", "0.1", "0.1", "0.1", "0.1", "0.1", "0.1", "0.1"],
        ["z", "Colima", "Estatal", "Partido", "0.5", "0.5", "0.5", "0.5", "0.5", "0.5", "0.5"],
      ],
      "state",
      "old.csv",
    );
    const m = buildReportModel(summary(ROWS), OPTIONS, other);
    expect(m.compare!.rows.map((r) => [r.key, r.rankFrom, r.rankTo, r.shift])).toEqual([
      ["Ciudad de México", 3, 1, 2],
      ["Jalisco", 1, 2, -1],
    ]);
    expect(m.compare!.onlyInOther).toEqual(["Colima"]);
    expect(m.compare!.onlyInThis).toEqual(["Nuevo León"]);
  });
});

describe("ScoresCollector", () => {
  it("refuses a file without a rubric column, a cell that is not a score, a second rubric and an unknown one", () => {
    const none = ScoresCollector.open("s.csv", ["id", "state", "type", "iga"], "state", rubricFor);
    expect(none.success).toBe(false);
    const opened = ScoresCollector.open("s.csv", HEADER, "state", rubricFor);
    if (!opened.success) throw new Error("header");
    const c = opened.output;
    expect(c.add(["a", "Jalisco", "Estatal", "Partido", TAG, "1.5", "", "", "", "", "", ""], 2)).toMatchObject({ code: "invalid_score", row: 2, column: "iga" });
    expect(() => c.add(["b", "Jalisco", "Estatal", "Partido", "other@1#000000000000", "", "", "", "", "", "", ""], 3)).toThrow(/differs from the first row's/);
    const fresh = ScoresCollector.open("s.csv", HEADER, "state", rubricFor);
    if (!fresh.success) throw new Error("header");
    expect(() => fresh.output.add(["b", "Jalisco", "Estatal", "Partido", "mine@1.0.0#0123456789ab", "", "", "", "", "", "", ""], 2)).toThrow(/--rubric FILE\.json/);
    expect(() => fresh.output.result()).toThrow(/no bodies/);
  });
});

describe("readRankBands", () => {
  it("reads the bands of the report's key in any state spelling and skips bad rows as issues", () => {
    const header = ["by", "unit", "rank_p05", "rank_p50", "rank_p95"];
    const rows = [
      ["state", "CDMX", "1", "1.5", "3"],
      ["state", "Jal", "2", "3", "4"],
      ["type", "Partido", "1", "1", "1"],
      ["state", "Colima", "0", "1", "2"],
      ["state", "Sonora", "3", "2", "4"],
      ["state", "Ciudad de México", "1", "1", "1"],
    ].map((row, i) => ({ row, rowNo: i + 2 }));
    const b = readRankBands("mc.csv", header, rows, "state");
    expect([...b.bands]).toEqual([
      ["Ciudad de México", { p05: 1, p50: 1.5, p95: 3 }],
      ["Jalisco", { p05: 2, p50: 3, p95: 4 }],
    ]);
    expect(b.issues.map((i) => [i.row, i.code])).toEqual([
      [5, "invalid_rank"],
      [6, "invalid_band"],
      [7, "duplicate_unit"],
    ]);
    expect(() => readRankBands("mc.csv", ["unit", "rank_p50"], [], "state")).toThrow(/rank_p05.*rank_p95/);
    const m = buildReportModel(summary(ROWS), OPTIONS, undefined, b);
    expect(m.units.map((u) => u.band?.p50 ?? null)).toEqual([1.5, 3, null, null]);
  });
});

const model = buildReportModel(summary(ROWS), OPTIONS);

describe("chartSpecs", () => {
  it("draws one spec per chart with data, in page order, with the rank in each group's label", () => {
    const charts = chartSpecs(model);
    expect(charts.map((c) => c.id)).toEqual(["ranking", "scatter", "types", "profile"]);
    const ranking = charts[0]!.spec as { data: { values: { label: string }[] } };
    expect(ranking.data.values.map((v) => v.label)).toEqual(["1. Ciudad de México", "2. Jalisco", "2. Nuevo León"]);
  });

  it(`bins the scatter into a heat map of counts above ${SCATTER_POINT_LIMIT} bodies`, () => {
    const many: ReportModel = { ...model, points: Array.from({ length: SCATTER_POINT_LIMIT + 1 }, (_, i) => ({ x: (i % 97) / 97, y: (i % 89) / 89, level: "Estatal" })) };
    const scatter = (m: ReportModel) => chartSpecs(m).find((c) => c.id === "scatter")!.spec as { mark: { type: string } };
    expect(scatter(model).mark.type).toBe("point");
    expect(scatter(many).mark.type).toBe("rect");
  });
});

describe("renderSvg", () => {
  it("renumbers element ids under a prefix, references included", () => {
    const svg = '<svg><defs><clipPath id="clip7"><rect/></clipPath><linearGradient id="gradient_0"/></defs><g clip-path="url(#clip7)" fill="url(#gradient_0)"><use href="#clip7"/></g></svg>';
    expect(renumberIds(svg, "ranking")).toBe(
      '<svg><defs><clipPath id="ranking-1"><rect/></clipPath><linearGradient id="ranking-2"/></defs><g clip-path="url(#ranking-1)" fill="url(#ranking-2)"><use href="#ranking-1"/></g></svg>',
    );
  });

  it("gives the same SVG for the same spec however many were rendered before (vega's id counters are process-wide)", async () => {
    const spec = chartSpecs(model).find((c) => c.id === "profile")!.spec;
    const first = await renderSvg(spec, "profile");
    const second = await renderSvg(spec, "profile");
    expect(first).toMatch(/id="profile-1"/);
    expect(second).toBe(first);
  });

  it("refuses a spec that vega-lite warns about, instead of printing the warning", async () => {
    await expect(renderSvg({ mark: "bar", data: { values: [] }, encoding: { x: { field: "a", type: "nominal" }, y: { aggregate: "nope", field: "b", type: "quantitative" } } }, "bad")).rejects.toThrow(/renderSvg/);
  });
});

describe("reportHtml", () => {
  it("escapes every text from the data", () => {
    const rows = ROWS.map((r) => (r[0] === "a" ? ([...r.slice(0, 3), "<b>&'\"", ...r.slice(4)] as const) : r));
    const html = reportHtml(buildReportModel(summary(rows, "type"), { ...OPTIONS, by: "type" }), []);
    expect(html).toContain("&lt;b&gt;&amp;&#39;&quot;");
    expect(html).not.toContain("<b>&'\"");
  });
});

describe("src/report in a browser bundle", () => {
  it("bundles for the browser with no Node module (vega and vega-lite left to the page)", async () => {
    const out = await build({
      entryPoints: [new URL("../../src/report/index.ts", import.meta.url).pathname],
      bundle: true,
      platform: "browser",
      format: "esm",
      external: ["vega", "vega-lite"],
      write: false,
      logLevel: "silent",
    });
    const code = out.outputFiles[0]!.text;
    expect(code).not.toMatch(/from ["']node:|import\(["']node:|require\(["']node:/);
    expect(code).toMatch(/import\(["']vega["']\)/);
  });
});
