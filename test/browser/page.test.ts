/**
 * The browser page (examples/browser/), built with esbuild, served from 127.0.0.1 and driven in
 * headless Chromium: the 2019 sample uploaded with its two observation files gives, in the page,
 * the numbers `scoreFile` and `aggregate` give in Node; nothing is requested from anywhere else;
 * the console stays clean. A screenshot goes to docs/images/browser.png with
 * UPDATE_SCREENSHOTS=1, else to a temporary folder (so `npm test` leaves the tree clean).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aggregate, formatExplanation, loadEdition, parseRubric, scoreCsv } from "../../src/index.js";
import { scoreFile } from "../../src/node.js";
import { launchChromium, openLoggedPage, type ChromiumLaunch } from "./helpers.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const F = (name: string) => join(ROOT, "fixtures", name);
const SURVEY = F("mga2019-sample.csv");
const OBSERVATIONS = [F("mga2019-sample-requests.csv"), F("mga2019-sample-records.csv")];

type Sizes = Record<string, { bytes: number; gzip: number }>;
const { buildPage } = (await import(pathToFileURL(join(ROOT, "examples/browser/build.mjs")).href)) as { buildPage(o: { outdir: string }): Promise<{ outdir: string; sizes: Sizes }> };
const { serve } = (await import(pathToFileURL(join(ROOT, "examples/browser/serve.mjs")).href)) as { serve(dir: string): Promise<{ url: string; close(): Promise<void> }> };

const dir = mkdtempSync(join(tmpdir(), "ogmetric-page-"));
let launch: ChromiumLaunch;
let server: { url: string; close(): Promise<void> } | undefined;
let sizes: Sizes;

beforeAll(async () => {
  const built = await buildPage({ outdir: join(dir, "site") });
  sizes = built.sizes;
  server = await serve(built.outdir);
  launch = await launchChromium();
}, 120_000);

afterAll(async () => {
  await launch?.browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the browser page (examples/browser)", () => {
  it("builds to one small script with no Node built-in in it", () => {
    const app = readFileSync(join(dir, "site", "app.js"), "utf8");
    expect(app).not.toMatch(/(from\s*|require\(|import\()["']node:/);
    console.log(`page sizes (minified, gzipped): ${Object.entries(sizes).map(([f, s]) => `${f} ${(s.bytes / 1024).toFixed(1)} KB / ${(s.gzip / 1024).toFixed(1)} KB`).join("; ")}`);
    expect(sizes["app.js"]!.gzip).toBeLessThanOrEqual(80 * 1024);
  });

  it("scores the 2019 sample as Node does: line account, rejects, state table, chart, explanation, download", async (ctx) => {
    if (!launch.browser) return ctx.skip();
    const browser: Browser = launch.browser;
    const url = server!.url;
    const { page, context, log } = await openLoggedPage(browser, { allow: [url], viewport: { width: 1200, height: 900 } });
    try {
      await page.goto(url);
      await page.setInputFiles("#survey", SURVEY);
      await page.setInputFiles("#observations", OBSERVATIONS);
      await page.selectOption("#edition", "2019");
      await page.click("#score");
      await page.waitForFunction(() => /bodies scored/.test(document.getElementById("status")!.textContent ?? ""), undefined, { timeout: 60_000 });

      const node = await scoreFile(SURVEY, { edition: "2019", observations: OBSERVATIONS });
      const base = (p: string) => p.slice(p.lastIndexOf("/") + 1);
      // The line account: every data line of each file used, rejected or blank.
      const accounts = await page.$$eval("#accounts tbody tr", (rows) => rows.map((r) => Array.from(r.children, (c) => c.textContent)));
      expect(accounts).toEqual(node.accounts.map((a) => [base(a.file), String(a.dataLines), String(a.used), String(a.rejected), String(a.blank)]));
      expect(await page.textContent("#reject-count")).toBe(`(${node.rejects.length})`);
      expect(await page.textContent("#status")).toMatch(new RegExp(`^${node.scores.length} bodies scored, ${node.rejects.filter((r) => !r.used).length} rows rejected`));

      // The state table: bodies, n and every mean, unrounded, as aggregate gives them in Node.
      const table = aggregate(node.scores, { by: ["state"] });
      const rubric = loadEdition("2019");
      const codes = [rubric.nodes[rubric.root]!.code, ...rubric.nodes[rubric.root]!.children.map((c) => c.code)];
      const want = table.groups
        .map((g) => ({
          state: g.key[0]!,
          bodies: String(g.bodies),
          n: String(g.nodes[table.nodes.indexOf(codes[0]!)]!.n),
          means: codes.map((c) => String(g.nodes[table.nodes.indexOf(c)]!.mean)),
        }))
        .sort((a, b) => a.state.localeCompare(b.state));
      const got = await page.$$eval("#states tbody tr", (rows) =>
        rows.map((r) => {
          const cells = Array.from(r.querySelectorAll("td"));
          return { state: (r as HTMLElement).dataset.state!, bodies: cells[2]!.textContent!, n: (r as HTMLElement).dataset.n!, means: cells.slice(3).map((c) => c.dataset.value!) };
        }),
      );
      expect(got.length).toBe(table.groups.length);
      expect([...got].sort((a, b) => a.state.localeCompare(b.state))).toEqual(want);
      // Ranked best first, and the chart has one bar per state with the same values, in the same order.
      const means = got.map((g) => Number(g.means[0]));
      expect(means).toEqual([...means].sort((a, b) => b - a));
      const bars = await page.$$eval("#chart rect", (rects) => rects.map((r) => [r.getAttribute("data-state"), r.getAttribute("data-value")]));
      expect(bars).toEqual(got.map((g) => [g.state, g.means[0]]));

      // Any body explained as formatExplanation explains it in Node.
      const body = node.scores[417]!;
      await page.fill("#body-id", body.id!);
      await page.click("#explain");
      expect(await page.textContent("#explanation")).toBe(formatExplanation(node.rubric, body, { lang: "en" }));

      // The download is what `ogmetric score` writes for the same files.
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
      const saved = join(dir, "scores.csv");
      await download.saveAs(saved);
      const cli = spawnSync(process.execPath, [join(ROOT, "bin/ogmetric.js"), "score", SURVEY, "--edition", "2019", ...OBSERVATIONS.flatMap((o) => ["--observations", o])], { encoding: "utf8", maxBuffer: 64 << 20 });
      expect(cli.status).toBe(0);
      expect(readFileSync(saved, "utf8")).toBe(cli.stdout);

      await page.fill("#body-id", node.scores[0]!.id!);
      await page.click("#explain");
      const screenshot = process.env.UPDATE_SCREENSHOTS === "1" ? join(ROOT, "docs/images/browser.png") : join(dir, "browser.png");
      await page.screenshot({ path: screenshot, fullPage: true });

      // Nothing but the page's own server was asked for anything; nothing went wrong in the console.
      expect(log.blocked).toEqual([]);
      expect(log.requests.filter((r) => !r.startsWith(url) && !r.startsWith("blob:"))).toEqual([]);
      expect(log.requests.some((r) => r.endsWith("/favicon.svg"))).toBe(true);
      expect(log.problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it("reads a rubric of one's own and shows each rejected row as scoreCsv gives it", async (ctx) => {
    if (!launch.browser) return ctx.skip();
    const url = server!.url;
    const { page, context, log } = await openLoggedPage(launch.browser, { allow: [url] });
    try {
      const survey = "id,state,TG,TC,PG,PC\nA,Jalisco,0.46,0.54,0.23,0.32\nB,Jalisco,1.5,0.5,0.5,0.5\n\n,CDMX,0.5,0.5,0.5,0.5\nC,CDMX,0.5,0.5\nD,cdmx,0.4,0.5,0.6,0.7\n";
      await page.goto(url);
      await page.setInputFiles("#rubric", join(ROOT, "rubrics/mga-2017.json"));
      await page.waitForFunction(() => (document.getElementById("edition") as HTMLSelectElement).value === "custom");
      await page.setInputFiles("#survey", { name: "own.csv", mimeType: "text/csv", buffer: Buffer.from(survey) });
      await page.click("#score");
      await page.waitForFunction(() => /bodies scored/.test(document.getElementById("status")!.textContent ?? ""), undefined, { timeout: 60_000 });
      const node = await scoreCsv(survey, { rubric: parseRubric(JSON.parse(readFileSync(join(ROOT, "rubrics/mga-2017.json"), "utf8"))), name: "own.csv" });
      expect(node.rejects.length).toBe(3);
      const rejects = await page.$$eval("#rejects tbody tr", (rows) => rows.map((r) => Array.from(r.children, (c) => c.textContent)));
      expect(rejects).toEqual(node.rejects.map((r) => [r.file, String(r.row), r.columnName, r.code, r.reason]));
      const accounts = await page.$$eval("#accounts tbody tr", (rows) => rows.map((r) => Array.from(r.children, (c) => c.textContent)));
      expect(accounts).toEqual([["own.csv", "6", "2", "3", "1"]]);
      expect(await page.$$eval("#states tbody tr", (rows) => rows.map((r) => (r as HTMLElement).dataset.state))).toEqual(["Ciudad de México", "Jalisco"]);
      expect(log.problems).toEqual([]);
      expect(log.blocked).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
