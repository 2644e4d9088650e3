import { afterAll, describe, expect, it } from "vitest";
import { dataSuite } from "../sharedData.js";
import { BSO, BSO_MAPS, ROOT, cli, parseCsv, records, tempDir } from "./helpers.js";

const SAMPLE = ["fixtures/mga2019-sample.csv", "--edition", "2019", "--observations", "fixtures/mga2019-sample-requests.csv", "--observations", "fixtures/mga2019-sample-records.csv"];

describe("ogmetric uncertainty", () => {
  const t = tempDir();
  afterAll(t.cleanup);

  it("writes one row per body with nominal, median and 5-95% band of score and rank, and top/bottom-10 shares; the same seed the same bytes", () => {
    const r = cli(["uncertainty", ...SAMPLE, "--runs", "200", "--seed", "3"], ROOT);
    expect(r.code).toBe(0);
    const [header, ...rows] = parseCsv(r.stdout);
    expect(header).toEqual(["id", "name", "state", "level", "type", "nominal_score", "score_p50", "score_p05", "score_p95", "nominal_rank", "rank_p50", "rank_p05", "rank_p95", "p_top10", "p_bottom10", "runs_scored"]);
    expect(rows).toHaveLength(1000);
    expect(r.stderr).toMatch(/fixtures\/mga2019-sample\.csv: 1000 data lines: 1000 bodies read, 0 rejected, 0 blank\n/);
    expect(r.stderr).toMatch(/ogmetric uncertainty: 200 runs over 1,000 bodies in [\d.]+ s \(seed 3; 26 weights varied\)\n/);
    const body = records(r.stdout)[0]!;
    expect(Number(body.score_p05)).toBeLessThanOrEqual(Number(body.score_p50));
    expect(Number(body.score_p50)).toBeLessThanOrEqual(Number(body.score_p95));
    expect(cli(["uncertainty", ...SAMPLE, "--runs", "200", "--seed", "3"], ROOT).stdout).toBe(r.stdout);
    expect(cli(["uncertainty", ...SAMPLE, "--runs", "200", "--seed", "4"], ROOT).stdout).not.toBe(r.stdout);
  });

  it("nominal scores are the scores ogmetric score writes (to 1e-12)", () => {
    const scores = records(cli(["score", ...SAMPLE, "--nodes", "iga"], ROOT).stdout);
    const rows = records(cli(["uncertainty", ...SAMPLE, "--runs", "2"], ROOT).stdout);
    rows.forEach((row, b) => {
      expect(row.id).toBe(scores[b]!.id);
      if (scores[b]!.iga === "") expect(row.nominal_score).toBe("");
      else expect(Math.abs(Number(row.nominal_score) - Number(scores[b]!.iga))).toBeLessThanOrEqual(1e-12);
    });
  });

  it("with a zero-width specification every band is the nominal value; --by state gives one row per state with its INEGI code, --order rank sorts by nominal rank", () => {
    const spec = t.file("zero.json", JSON.stringify({ weights: { verified: 0, inferred: 0, assumed: 0 } }));
    const r = cli(["uncertainty", ...SAMPLE, "--spec", spec, "--runs", "20", "--by", "state", "--order", "rank"], ROOT);
    expect(r.code).toBe(0);
    const rows = records(r.stdout);
    expect(rows).toHaveLength(33);
    expect(Object.keys(rows[0]!)).toEqual(["by", "unit", "state_code", "bodies", "nominal_mean", "mean_p50", "mean_p05", "mean_p95", "nominal_rank", "rank_p50", "rank_p05", "rank_p95", "p_top3", "p_bottom3", "runs_scored"]);
    expect(rows.map((x) => Number(x.nominal_rank))).toEqual([...rows.map((x) => Number(x.nominal_rank))].sort((a, b) => a - b));
    expect(rows.reduce((n, x) => n + Number(x.bodies), 0)).toBe(1000);
    for (const x of rows) {
      expect([x.mean_p50, x.mean_p05, x.mean_p95]).toEqual([x.nominal_mean, x.nominal_mean, x.nominal_mean]);
      expect([x.rank_p50, x.rank_p05, x.rank_p95]).toEqual([x.nominal_rank, x.nominal_rank, x.nominal_rank]);
      expect(x.p_top3).toBe(Number(x.nominal_rank) <= 3 ? "1" : "0");
    }
    expect(rows.find((x) => x.unit === "Ciudad de México")?.state_code).toBe("09");
  });

  it("--format json writes the whole result (specification with defaults, factors, national), ndjson the rows", () => {
    const json = cli(["uncertainty", ...SAMPLE, "--runs", "10", "--format", "json", "--by", "level"], ROOT);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result.spec).toMatchObject({ runs: 10, seed: 1, top: 10, groupTop: 3, band: [0.05, 0.95] });
    expect(result.factors.weights).toHaveLength(26);
    expect(result.bodies).toHaveLength(1000);
    expect(result.groups[0].by).toBe("level");
    expect(result.national.nominal).toBeGreaterThan(0);
    const nd = cli(["uncertainty", ...SAMPLE, "--runs", "10", "--format", "ndjson", "--by", "level"], ROOT);
    const lines = nd.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.by, l.unit])).toEqual(result.groups[0].units.map((u: { key: string }) => ["level", u.key]));
    expect(lines[0].nominal_mean).toBe(result.groups[0].units[0].nominal.score);
  });

  it("an invalid specification file is a fatal input error (exit 1) listing every issue with its path", () => {
    const spec = t.file("bad.json", JSON.stringify({ runs: 0, weights: { assumed: 3 }, rules: [{ node: "nope", options: ["geometric"] }] }));
    const r = cli(["uncertainty", ...SAMPLE, "--spec", spec], ROOT);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${spec}: invalid specification (2 issues)`);
    expect(r.stderr).toContain(`${spec}: $.runs: `);
    expect(r.stderr).toContain(`${spec}: $.weights.assumed: expected a relative half-width from 0 to 1`);
  });

  it("usage errors exit 2; rejected rows exit 3 with the other bodies analysed; --progress draws a bar of runs", () => {
    expect(cli(["uncertainty", ...SAMPLE, "--runs", "0"], ROOT).code).toBe(2);
    expect(cli(["uncertainty", ...SAMPLE, "--round", "2", "--format", "json"], ROOT).code).toBe(2);
    const input = t.file("in.csv", "id,TG,TC,PG,PC\nA,0.5,0.4,0.3,0.2\nB,abc,0.4,0.3,0.2\nC,0.1,0.9,0.3,0.5\n");
    const r = cli(["uncertainty", input, "--edition", "2017", "--runs", "50", "--progress"], ROOT);
    expect(r.code).toBe(3);
    expect(records(r.stdout).map((x) => x.id)).toEqual(["A", "C"]);
    expect(r.stderr).toContain(`${input}:3:2: column "TG" (tg): expected a number from 0 to 1, found "abc"`);
    expect(r.stderr).toMatch(/\r\S+ \[[#.]+\] +\d+%  \d+\/50 runs  [\d,]+ runs\/s\x1b\[K/);
  });
});

describe("score → uncertainty → report", () => {
  const t = tempDir();
  afterAll(t.cleanup);

  it("the group table of ogmetric uncertainty --by state is what ogmetric report --uncertainty reads (by, unit, rank_p05, rank_p50, rank_p95): one band per state on the page", () => {
    const scores = t.file("scores.csv");
    const mc = t.file("mc.csv");
    const page = t.file("report.html");
    expect(cli(["score", ...SAMPLE, "--out", scores], ROOT).code).toBe(0);
    expect(cli(["uncertainty", ...SAMPLE, "--by", "state", "--runs", "50", "--out", mc], ROOT).code).toBe(0);
    expect(parseCsv(t.read("mc.csv"))[0]!.slice(0, 2)).toEqual(["by", "unit"]);
    const r = cli(["report", scores, "--uncertainty", mc, "--lang", "en", "--date", "2026-01-31", "--out", page], ROOT);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("mc.csv: 33 data lines: 33 rows read, 0 rejected, 0 blank");
    expect(r.stderr).not.toMatch(/warning|not in the report/i);
    expect(t.read("report.html")).toContain('id="chart-bands"');
  });
});

describe("ogmetric sensitivity", () => {
  it("--by level: Sobol' indices of each level's mean per factor, the national mean, then the level means together", () => {
    const r = cli(["sensitivity", ...SAMPLE, "--by", "level", "--n", "64", "--round", "3"], ROOT);
    expect(r.code).toBe(0);
    const rows = records(r.stdout);
    expect(Object.keys(rows[0]!)).toEqual([
      "kind", "key", "measure", "mean", "variance",
      "weights:verified:first", "weights:verified:total", "weights:assumed:first", "weights:assumed:total", "weights:inferred:first", "weights:inferred:total",
    ]);
    expect(rows.map((x) => [x.kind, x.key])).toEqual([["group", "Estatal"], ["group", "Municipal"], ["group", "Federal"], ["national", "national"], ["mean", "level"]]);
    expect(r.stderr).toMatch(/ogmetric sensitivity: n = 64, 320 scorings of 1,000 bodies/);
    // The 2019 component weights are assumed: they drive the level means.
    const all = rows.find((x) => x.kind === "mean")!;
    expect(Number(all["weights:assumed:total"])).toBeGreaterThan(Number(all["weights:verified:total"]));
  });

  it("without --by, one row per body's rank; --id keeps the bodies asked for; --bootstrap adds intervals", () => {
    const r = cli(["sensitivity", ...SAMPLE, "--n", "32", "--id", "B000001", "--id", "B000002", "--bootstrap", "20", "--factors", "node"], ROOT);
    expect(r.code).toBe(0);
    const rows = records(r.stdout);
    expect(rows.map((x) => [x.kind, x.key, x.measure])).toEqual([["body", "B000001", "rank"], ["body", "B000002", "rank"], ["national", "national", "mean"], ["mean", "bodies", "rank"]]);
    expect(Object.keys(rows[0]!)).toContain("weights:tg:first_low");
  });
});

describe("ogmetric audit", () => {
  const t = tempDir();
  afterAll(t.cleanup);

  it("--published flags the 2019 press figures' P (0.41 against (0.19 + 0.58)/2 = 0.385, a gap of 0.015) and exits 0", () => {
    const table = t.file("press-2019.csv", "IGA,T,TG,TC,P,PG,PC\n0.52,0.64,0.72,0.56,0.41,0.19,0.58\n");
    const r = cli(["audit", "--published", table, "--edition", "2019"], ROOT);
    expect(r.code).toBe(0);
    const rows = records(r.stdout);
    expect(rows.filter((x) => x.status === "contradiction").map((x) => [x.node, x.against, x.published, x.implied, x.gap])).toEqual([["p", "pg pc", "0.41", "0.385", "0.015"]]);
    expect(rows.filter((x) => x.status === "ok").map((x) => x.node)).toEqual(["iga", "iga", "t"]);
    expect(r.stderr).toContain(`${table}: contradiction: p (national) is published as 0.41`);
    expect(r.stderr).toContain("ogmetric audit: 7 figures, 4 checks: 1 contradiction\n");
  });

  it("the 2017 published national table passes, and so do the 2017 rubric's recorded figures", () => {
    const table = t.file("national-2017.csv", "IGA,T,P,TG,TC,PG,PC\n0.39,0.50,0.28,0.46,0.54,0.23,0.32\n");
    const r = cli(["audit", "--published", table, "--edition", "2017"], ROOT);
    expect(r.code).toBe(0);
    expect(records(r.stdout).every((x) => x.status === "ok")).toBe(true);
    expect(r.stderr).toBe("ogmetric audit: 7 figures, 4 checks: consistent\n");
    const refs = cli(["audit", "--references", "--edition", "2017", "--format", "json"], ROOT);
    expect(JSON.parse(refs.stdout)).toMatchObject({ source: "mga-2017 references", consistent: true, contradictions: [] });
  });

  it("a published figure that cannot be read is rejected (exit 3); the others are audited", () => {
    const table = t.file("bad.csv", "IGA,T,P,XX\n0.52,0.64,0.41,0.3\n");
    const r = cli(["audit", "--published", table, "--edition", "2019"], ROOT);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/unknown_column|XX/);
  });

  it("on a survey file writes the statistical audit's table asked for; flags go to stderr", () => {
    const r = cli(["audit", ...SAMPLE, "--table", "alpha", "--round", "3"], ROOT);
    expect(r.code).toBe(0);
    const rows = records(r.stdout);
    expect(rows.map((x) => x.code)).toContain("tg");
    expect(Object.keys(rows[0]!)).toEqual(["code", "children", "n", "alpha"]);
    expect(r.stderr).toMatch(/ogmetric audit: 1000 bodies, \d+ nodes, \d+ correlation pairs, \d+ flags?\n/);
    expect(cli(["audit", "--edition", "2019"], ROOT).code).toBe(2); // no input, no --published, no --references
    expect(cli(["audit", "--references", "--edition", "2019", "--table", "alpha"], ROOT).code).toBe(2);
  });
});

dataSuite("the analysis commands on the published 2017 per-body data (../shared/data/mga2017-bso.csv)", BSO, () => {
  it("uncertainty --by state: Ciudad de México stays first in every run; its band and ranks are printed", () => {
    const r = cli(["uncertainty", BSO, "--edition", "2017", ...BSO_MAPS, "--by", "state", "--runs", "300", "--order", "rank", "--round", "3"], ROOT);
    expect(r.code).toBe(0);
    const rows = records(r.stdout);
    expect(rows).toHaveLength(33);
    expect(rows[0]).toMatchObject({ by: "state", unit: "Ciudad de México", state_code: "09", bodies: "26", nominal_rank: "1", rank_p05: "1", rank_p95: "1", p_top3: "1.000" });
    expect(r.stderr).toContain("2724 values given directly for internal nodes were recomputed from their children");
  });

  it("audit on the file: the sub-indices' alpha as in docs/analysis.md", () => {
    const r = cli(["audit", BSO, "--edition", "2017", ...BSO_MAPS, "--table", "alpha", "--round", "3"], ROOT);
    expect(r.code).toBe(0);
    const computed = records(r.stdout).filter((x) => x.alpha !== ""); // the components are not in the file
    expect(computed.map((x) => [x.code, x.alpha])).toEqual([["iga", "0.617"], ["t", "0.822"], ["p", "0.263"], ["gobierno", "0.563"], ["ciudadano", "0.316"]]);
  });
});
