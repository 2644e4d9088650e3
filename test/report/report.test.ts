import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, parseCsv, quiet, ROOT, tempDir } from "../cli/helpers.js";
import { launchChromium, openLoggedPage } from "../browser/helpers.js";
import { IN_CI } from "../sharedData.js";

// `ogmetric report` end to end: score the bundled samples with the built CLI, write the report,
// open it from a file:// URL in headless Chromium with every request recorded and any leaving
// the page blocked, and check what a reader sees: every chart, labelled, with one mark per unit.

const tmp = tempDir();
const SAMPLE_2019 = ["fixtures/mga2019-sample.csv", "--edition", "2019", "--observations", "fixtures/mga2019-sample-requests.csv", "--observations", "fixtures/mga2019-sample-records.csv"];
const SAMPLE_2017 = ["fixtures/mga2017-sample.csv", "--edition", "2017", "--observations", "fixtures/mga2017-sample-requests.csv"];
/** Set OGMETRIC_UPDATE_SCREENSHOTS=1 to rewrite docs/images/report.png (README and docs/report.md show it). */
const UPDATE_SCREENSHOT = process.env.OGMETRIC_UPDATE_SCREENSHOTS === "1";

const launch = await launchChromium();
afterAll(async () => {
  await launch.browser?.close();
  tmp.cleanup();
});

/** Hand-computed state table from the scores CSV: unweighted mean of the index per state_name. */
function stateMeans(csvText: string, root: string): Map<string, { n: number; mean: number }> {
  const [header, ...rows] = parseCsv(csvText);
  const s = header!.indexOf("state_name");
  const v = header!.indexOf(root, header!.indexOf("rubric"));
  const acc = new Map<string, { n: number; sum: number }>();
  for (const row of rows) {
    const a = acc.get(row[s]!) ?? { n: 0, sum: 0 };
    acc.set(row[s]!, a);
    if (row[v] !== "" && row[v] !== "NA") {
      a.n++;
      a.sum += Number(row[v]);
    }
  }
  return new Map([...acc].map(([k, a]) => [k, { n: a.n, mean: a.sum / a.n }]));
}

/** Competition ranks (1224) of values compared as printed with 2 decimals. */
function printedRanks(values: ReadonlyMap<string, number>): Map<string, number> {
  const printed = [...values].map(([k, x]) => [k, Math.round(x * 100)] as const);
  return new Map(printed.map(([k, x]) => [k, 1 + printed.filter(([, y]) => y > x).length]));
}

describe("ogmetric report", () => {
  let scores2019 = "";
  let html = "";
  let reportFile = "";
  let stderr = "";

  beforeAll(() => {
    const s19 = cli(["score", ...SAMPLE_2019, "--out", tmp.file("scores2019.csv")], ROOT);
    const s17 = cli(["score", ...SAMPLE_2017, "--out", tmp.file("scores2017.csv")], ROOT);
    expect([s19.code, s17.code]).toEqual([0, 0]);
    scores2019 = tmp.read("scores2019.csv");
    // Rank bands as `ogmetric uncertainty` writes them: one row per state (any spelling), plus
    // a body row of another grouping (skipped by `by`) and a unit that is no state of the report.
    const means = stateMeans(scores2019, "iga");
    const ranks = printedRanks(new Map([...means].map(([k, m]) => [k, m.mean])));
    const bandRows = [...ranks].map(([state, rank]) => `state,${state === "Ciudad de México" ? "CDMX" : state},${Math.max(1, rank - 2)},${rank},${rank + 3}`);
    tmp.file("mc.csv", ["by,unit,rank_p05,rank_p50,rank_p95,score_p50", ...bandRows.map((r) => `${r},0.5`), "body,B000001,1,2,3,0.5", "state,Atlantis,1,1,1,0.5"].join("\n") + "\n");
    reportFile = tmp.file("report.html");
    // Relative names, as a user types them: the page shows them (and the screenshot stays the same).
    const r = cli(["report", "scores2019.csv", "--compare", "scores2017.csv", "--uncertainty", "mc.csv", "--lang", "en", "--date", "2026-01-31", "--out", "report.html"], tmp.dir);
    stderr = r.stderr;
    expect(r.code, r.stderr).toBe(0);
    html = readFileSync(reportFile, "utf8");
  });

  it("accounts for every row read and names the unit of the uncertainty file it could not place", () => {
    expect(stderr).toMatch(/scores2019\.csv: 1000 data lines: 1000 bodies read, 0 rejected, 0 blank/);
    expect(stderr).toMatch(/scores2017\.csv: 1000 data lines: 1000 bodies read, 0 rejected, 0 blank/);
    expect(stderr).toMatch(/mc\.csv: 35 data lines: 35 rows read, 0 rejected, 0 blank/);
    expect(quiet(stderr).trim()).toBe("mc.csv: 1 unit not in the report, ignored: Atlantis");
  });

  it("writes one self-contained file: no script, nothing fetched, a policy that forbids fetching", () => {
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/@import|url\((?!#)/);
    // Every src/href is a fragment or a data URL; the only http(s) text is SVG's XML namespaces.
    expect([...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]).filter((u) => !u!.startsWith("#") && !u!.startsWith("data:"))).toEqual([]);
    expect([...new Set(html.match(/https?:\/\/[^"'\s)]+/g))].sort()).toEqual(["http://www.w3.org/1999/xlink", "http://www.w3.org/2000/svg"]);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'`);
    // Rubric, input file and date are stated.
    expect(html).toContain("mga-2019@1.0.0");
    expect(html).toContain("141e5f3b743fc2fe4695b6f7954aabdf41d267aa60a83790cb01147c63582fb8");
    expect(html).toContain("<code>scores2019.csv</code>: 1000 bodies");
    expect(html).toContain("<code>scores2017.csv</code>: 1000 bodies");
    expect(html).toContain("2026-01-31");
  });

  it("gives the same bytes for the same input", () => {
    const again = cli(["report", "scores2019.csv", "--compare", "scores2017.csv", "--uncertainty", "mc.csv", "--lang", "en", "--date", "2026-01-31"], tmp.dir);
    expect(again.code).toBe(0);
    expect(again.stdout === html).toBe(true);
  });

  describe.skipIf(launch.skip !== undefined && !IN_CI /* under CI launchChromium throws instead */)("in headless Chromium", () => {
    it("shows every chart, labelled, with one mark per unit, and the page neither fetches nor logs anything", async () => {
      const { page, context, log } = await openLoggedPage(launch.browser!, { viewport: { width: 1200, height: 1500 } });
      try {
        const url = pathToFileURL(reportFile).href;
        await page.goto(url, { waitUntil: "load" });

        // Six charts, each one SVG under its heading.
        const charts = await page.$$eval("section.chart", (els) => els.map((e) => ({ id: e.id, title: e.querySelector("h2")?.textContent, svgs: e.querySelectorAll("svg").length })));
        expect(charts.map((c) => c.id)).toEqual(["chart-ranking", "chart-bands", "chart-scatter", "chart-types", "chart-profile", "chart-slope"]);
        expect(charts.map((c) => c.svgs)).toEqual([1, 1, 1, 1, 1, 1]);
        expect(charts.map((c) => c.title)).toEqual([
          "Ranking by state: Open Government Index",
          "Rank with its 5–95% band",
          "Bodies: Transparency and Participation",
          "Open Government Index by type of body",
          "Sub-index profile by state",
          "Rank shifts by state: Open Government Index",
        ]);

        const count = (selector: string) => page.locator(selector).count();
        const text = (selector: string) => page.locator(selector).evaluateAll((els) => els.map((e) => e.textContent ?? ""));

        // The expected counts come from the scores file, read here by hand.
        const [header, ...rows] = parseCsv(scores2019);
        const col = (name: string) => header!.indexOf(name, header!.indexOf("rubric"));
        const states = new Set(rows.map((r) => r[header!.indexOf("state_name")]!));
        const types = new Set(rows.map((r) => r[header!.indexOf("type")]!));
        const scoredBoth = rows.filter((r) => !["", "NA"].includes(r[col("t")]!) && !["", "NA"].includes(r[col("p")]!)).length;
        expect(states.size).toBe(33);
        expect(scoredBoth).toBeGreaterThan(900);

        expect(await count("#chart-ranking g.bars_marks > path")).toBe(33);
        expect(await count("#chart-bands g.band_marks > line, #chart-bands g.band_marks > path")).toBe(33);
        expect(await count("#chart-scatter g.points_marks > path")).toBe(scoredBoth);
        expect(await count("#chart-types g.bars_marks > path")).toBe(types.size);
        expect(await count("#chart-profile g.cells_marks > path")).toBe(33 * 4);
        expect(await count("#chart-slope g.lines_marks > path")).toBe(33);

        // Labelled: axis titles, every state on the ranking's axis, the sub-indices, the levels.
        const axes = await page.locator("#chart-ranking [aria-roledescription='axis']").evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
        expect(axes).toEqual(expect.arrayContaining([expect.stringContaining("titled 'Open Government Index'"), expect.stringContaining("titled 'State'")]));
        const scatterAxes = await page.locator("#chart-scatter [aria-roledescription='axis']").evaluateAll((els) => els.map((e) => e.getAttribute("aria-label")));
        expect(scatterAxes).toEqual(expect.arrayContaining([expect.stringContaining("titled 'Transparency'"), expect.stringContaining("titled 'Participation'")]));
        const rankingLabels = (await text("#chart-ranking .role-axis-label text")).map((t) => t.replace(/^\d+\. /, ""));
        expect(new Set(rankingLabels.filter((t) => states.has(t)))).toEqual(states);
        expect(await text("#chart-profile .role-axis-label text")).toEqual(expect.arrayContaining(["TG", "TC", "PG", "PC"]));
        expect((await text("#chart-scatter .role-legend-label text")).sort()).toEqual(["Estatal", "Federal", "Municipal"]);
        expect(await text("#chart-slope .role-axis-label text")).toEqual(["mga-2017@1.0.0", "mga-2019@1.0.0"]);

        // The table's values are the hand-computed state means, and its ranks rank them as printed.
        const table = await page.locator("#ranking-table tbody tr").evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => td.textContent ?? "")));
        expect(table).toHaveLength(33);
        const means = stateMeans(scores2019, "iga");
        const ranks = printedRanks(new Map([...means].map(([k, m]) => [k, m.mean])));
        for (const [rank, state, bodies, scored, iga] of table) {
          const m = means.get(state!)!;
          expect(Math.abs(Number(iga) - m.mean)).toBeLessThanOrEqual(0.005 + 1e-12);
          expect(Number(scored)).toBe(m.n);
          expect(Number(bodies)).toBe(rows.filter((r) => r[header!.indexOf("state_name")] === state).length);
          expect(Number(rank)).toBe(ranks.get(state!));
        }

        // Nothing left the page, and the console stayed clean.
        expect(log.blocked).toEqual([]);
        expect(log.requests).toEqual([url]);
        expect(log.problems).toEqual([]);

        const shot = UPDATE_SCREENSHOT ? join(ROOT, "docs", "images", "report.png") : tmp.file("report.png");
        mkdirSync(join(shot, ".."), { recursive: true });
        const png = await page.screenshot({ path: shot, clip: { x: 0, y: 0, width: 1200, height: 1500 } });
        expect(png.subarray(1, 4).toString()).toBe("PNG");
      } finally {
        await context.close();
      }
    });

    it("the page log catches a report that reaches out (the checks above can fail)", async () => {
      const tampered = tmp.file("tampered.html", html.replace("</main>", '<img src="http://127.0.0.1:9/x.png" alt=""></main>'));
      const { page, context, log } = await openLoggedPage(launch.browser!);
      try {
        await page.goto(pathToFileURL(tampered).href, { waitUntil: "load" });
        expect(log.blocked.length + log.problems.length).toBeGreaterThan(0);
        expect(log.problems.join("\n")).toMatch(/Content Security Policy|127\.0\.0\.1/);
      } finally {
        await context.close();
      }
    });
  });
});
