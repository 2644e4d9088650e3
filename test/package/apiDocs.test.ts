/**
 * The API reference builds. TypeDoc (typedoc.json: every entry point, warnings as errors, so
 * a broken {@link} or an exported type that leaks an unexported one fails) writes the HTML to a
 * temporary folder; `npm run docs` writes the same to docs/api/, which is not committed: it is
 * 3 MB of generated pages that every TSDoc edit would rewrite (and every branch that edits a
 * comment would conflict on), so it is built here, where a stale or broken reference cannot hide.
 * TypeDoc skips its own type check (skipErrorChecking): `npm test` runs tsc first.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "ogmetric-api-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("the API reference (TypeDoc)", () => {
  it("builds from the TSDoc comments with no warning, one page per entry point, examples included", () => {
    const bin = join(ROOT, "node_modules", "typedoc", "bin", "typedoc");
    const r = spawnSync(process.execPath, [bin, "--out", out, "--logLevel", "Warn"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe("");
    expect(r.status).toBe(0);
    for (const page of ["ogmetric", "ogmetric_engine", "ogmetric_analysis", "ogmetric_sql", "ogmetric_node"]) expect(existsSync(join(out, "modules", `${page}.html`)), page).toBe(true);
    const loadEdition = readFileSync(join(out, "functions", "ogmetric.loadEdition.html"), "utf8");
    expect(loadEdition).toMatch(/Example/);
    expect(loadEdition).toContain("loadEdition");
  }, 300_000);
});
