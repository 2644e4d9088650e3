/**
 * examples/compare-editions.ipynb runs headless: executed with Jupyter's nbconvert on the tslab
 * kernel, no cell may error and every expected output must be there.
 *
 * The kernel comes from `.ci/setup-jupyter.sh`. Under CI (`CI` set) the test runs that script when
 * the kernel is not ready and fails if it still is not, so a CI run cannot pass by skipping the
 * notebook; elsewhere it is skipped with a message saying how to set it up.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { BSO_PATH } from "./sharedData.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const SETUP = join(ROOT, ".ci", "setup-jupyter.sh");
const NOTEBOOK = join(ROOT, "examples", "compare-editions.ipynb");
const JUPYTER_PATH = join(ROOT, ".ci", "jupyter", "prefix", "share", "jupyter");

function ready(): boolean {
  return spawnSync(SETUP, ["--check"], { stdio: "ignore" }).status === 0;
}

let available = ready();
if (!available && process.env.CI) {
  // CI installs what it lacks (Debian packages, the pinned tslab) or fails below.
  const setup = spawnSync(SETUP, [], { encoding: "utf8" });
  available = setup.status === 0 && ready();
  if (!available) console.error(setup.stderr);
}
if (!available && !process.env.CI) console.warn(`skipping the notebook test: Jupyter or the tslab kernel is not set up (run ${SETUP})`);

interface Output {
  readonly output_type: string;
  readonly text?: string | string[];
  readonly data?: Record<string, unknown>;
  readonly ename?: string;
  readonly evalue?: string;
}
interface Cell {
  readonly cell_type: string;
  readonly outputs?: Output[];
}

const text = (x: string | string[] | unknown): string => (Array.isArray(x) ? x.join("") : String(x));

describe.skipIf(!available && !process.env.CI)("examples/compare-editions.ipynb", () => {
  const dir = mkdtempSync(join(tmpdir(), "ogmetric-nb-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("executes headless with nbconvert on the tslab kernel, with every expected output", () => {
    expect(available, `${SETUP} could not set up Jupyter and the tslab kernel, and CI is set`).toBe(true);
    expect(existsSync(join(ROOT, "dist", "node.cjs")), "dist/node.cjs is missing: build first (npm test does)").toBe(true);
    const out = join(dir, "out.ipynb");
    const run = spawnSync(
      "jupyter",
      ["nbconvert", "--execute", "--to", "notebook", "--output", out, "--ExecutePreprocessor.timeout=300", "--ExecutePreprocessor.kernel_name=tslab", NOTEBOOK],
      // The kernel (tslab, a Node script) needs this Node first on PATH.
      { encoding: "utf8", cwd: ROOT, env: { ...process.env, JUPYTER_PATH, PATH: `${dirname(process.execPath)}:/usr/bin:${process.env.PATH ?? ""}` } },
    );
    expect(run.status, run.stderr).toBe(0);
    const cells = (JSON.parse(readFileSync(out, "utf8")) as { cells: Cell[] }).cells.filter((c) => c.cell_type === "code");
    const outputs = cells.flatMap((c) => c.outputs ?? []);
    expect(outputs.filter((o) => o.output_type === "error").map((o) => `${o.ename}: ${o.evalue}`)).toEqual([]);
    // tslab reports a type error as a stderr stream, not as an error output.
    expect(outputs.filter((o) => o.output_type === "stream" && (o as { name?: string }).name === "stderr").map((o) => text(o.text))).toEqual([]);
    for (const [i, c] of cells.entries()) if (i > 0) expect(c.outputs?.length ?? 0, `code cell ${i + 1} shows nothing`).toBeGreaterThan(0);

    const streams = outputs.filter((o) => o.output_type === "stream").map((o) => text(o.text)).join("");
    const markdown = outputs.map((o) => o.data?.["text/markdown"]).filter((m) => m !== undefined).map(text);
    const charts = outputs.map((o) => o.data?.["application/vnd.vegalite.v5+json"]).filter((c) => c !== undefined) as { title?: string }[];
    expect(streams).toContain("mga-2017: 1000 bodies scored");
    expect(streams).toContain("mga-2019: 1000 bodies scored");
    expect(streams).toContain("977 bodies joined by id (960 with both indices), 46 in one sample only");
    expect(streams).toContain("assumed mappings the rows rely on: tg.ai, tg.tr → tg.ta");
    expect(streams).toMatch(/mean IGA over the 960 bodies with both indices: 0\.\d{4} \(2017\) → 0\.\d{4} \(2019\)/);
    expect(markdown).toContain("**Climbers**");
    expect(markdown).toContain("**Fallers**");
    const tables = markdown.filter((m) => m.startsWith("|"));
    expect(tables.filter((m) => m.startsWith("| id | name | state | IGA 2017")).map((m) => m.trim().split("\n").length)).toEqual([12, 12]);
    expect(tables.some((m) => m.startsWith("| state | bodies | IGA 2017 | IGA 2019") && m.includes("| Ciudad de México |") && m.trim().split("\n").length === 35)).toBe(true);
    expect(tables.some((m) => m.startsWith("| component | weight effect | value effect | total |") && m.includes("| tg.tr → tg.ta |"))).toBe(true);
    expect(charts.map((c) => c.title)).toEqual(["State ranks, 2017 → 2019 (1 = highest mean index)", "Mean change of the index by component, 2017 → 2019", "IGA by body: 2017 vs 2019"]);
    // 5. Monte Carlo uncertainty of the 2019 state ranking (ogmetric/analysis), seeded.
    expect(streams).toContain("2019 sample: 2000 runs over 1000 bodies, 26 weights varied");
    expect(tables.filter((m) => m.startsWith("| state | bodies | nominal rank | median rank | 5–95% rank band | P(top 3) |")).map((m) => m.trim().split("\n").length)).toEqual([12]);
    if (existsSync(BSO_PATH)) {
      expect(streams).toContain("published 2017: 908 bodies scored");
      // Published: Ciudad de México 0.51, first of 33.
      expect(tables.some((m) => m.startsWith("| state | published 2017") && /\| Ciudad de México \| \d+ \| 0\.51 \| 1 \|/.test(m))).toBe(true);
    } else expect(streams).toContain("is absent: the published 2017 table is not shown");
  }, 300_000);
});
