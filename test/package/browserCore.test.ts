import { readFileSync } from "node:fs";
import { createContext, runInContext } from "node:vm";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

// `npm test` builds dist/ with tsup before vitest runs.
const dist = (f: string) => new URL(`../../dist/${f}`, import.meta.url);

describe("the pure core", () => {
  it("dist/index and the chunks it loads have no node: import", () => {
    for (const f of ["index.js", "index.cjs"]) {
      const text = readFileSync(dist(f), "utf8");
      const chunks = [...text.matchAll(/["']\.\/(chunk-[\w-]+\.c?js)["']/g)].map((m) => m[1]!);
      expect(chunks.length).toBeGreaterThan(0);
      for (const file of [f, ...chunks]) expect(readFileSync(dist(file), "utf8")).not.toMatch(/(from\s+|require\()["']node:/);
    }
  });

  it("ogmetric/node shares the core with ogmetric (one class, one edition cache)", async () => {
    const core = await import(dist("index.js").href);
    const node = await import(dist("node.js").href);
    expect(node.RubricError).toBe(core.RubricError);
    expect(node.loadEdition("2017")).toBe(core.loadEdition("2017"));
  });

  it("bundles for the browser and runs where code generation from strings is forbidden (a strict CSP), with no Node globals", async () => {
    const code = await bundle(`export * from ${JSON.stringify(dist("index.js").pathname)};`, "iife");
    // `codeGeneration: { strings: false }` makes eval and new Function throw, as
    // Content-Security-Policy without 'unsafe-eval' does in a browser.
    const sandbox = createContext({ TextEncoder, TextDecoder, structuredClone, console }, { codeGeneration: { strings: false, wasm: false } });
    runInContext(`${code}\nglobalThis.result = (() => {
      let evalBlocked = false;
      try { new Function("return 1"); } catch { evalBlocked = true; }
      const r = ogmetric.loadEdition("2017");
      const s = ogmetric.scoreBody(r, { values: { TG: "0.46", TC: "0.54", PG: "0.23", PC: "0.32" } });
      const parsed = ogmetric.parseRubric(ogmetric.loadEditionDocument("2019"));
      const invalid = ogmetric.safeParseRubric({ schemaVersion: 1 });
      const crosswalk = ogmetric.loadCrosswalk("2017", "2019").mappings.length;
      return { evalBlocked, hash: r.hash, value: ogmetric.formatFixed(s.value, 4), parsed: parsed.id, invalid: invalid.success, crosswalk, hasProcess: typeof process !== "undefined" };
    })();`, sandbox);
    expect(sandbox.result).toEqual({ evalBlocked: true, hash: expect.stringMatching(/^[0-9a-f]{64}$/), value: "0.3875", parsed: "mga-2019", invalid: false, crosswalk: expect.any(Number), hasProcess: false });
  });

  it("scores a CSV with scoreCsv where there is no Buffer, no process and no code generation from strings", async () => {
    const code = await bundle(`export * from ${JSON.stringify(dist("index.js").pathname)};`, "iife");
    const sandbox = createContext({ TextEncoder, TextDecoder, console }, { codeGeneration: { strings: false, wasm: false } });
    runInContext(`${code}\nglobalThis.result = ogmetric.scoreCsv("id,state,TG,TC,PG,PC\\nA,Jalisco,0.46,0.54,0.23,0.32\\nB,\\"Puebla, Pue.\\",2,0.5,0.5,0.5\\n\\nC,Oaxaca,0.5,0.5,0.5,0.5\\n", { edition: "2017" })
      .then((s) => ({ hasBuffer: typeof Buffer !== "undefined", values: s.scores.map((b) => [b.id, ogmetric.formatFixed(b.value, 4)]), rejects: s.rejects.map((r) => [r.row, r.code]), accounts: s.accounts }));`, sandbox);
    expect(await sandbox.result).toEqual({
      hasBuffer: false,
      values: [["A", "0.3875"], ["C", "0.5000"]],
      rejects: [[3, "out_of_range"]],
      accounts: [{ file: "<string>", dataLines: 4, used: 2, rejected: 1, blank: 1 }],
    });
  });

  it("stays small: an app that loads an edition, scores, aggregates and formats ships at most 45 KB gzipped; formatFixed alone at most 3 KB", async () => {
    const sizes: Record<string, number> = {};
    for (const [name, names] of Object.entries(BUNDLES)) {
      const code = await bundle(`export { ${names} } from ${JSON.stringify(dist("index.js").pathname)};`, "esm");
      expect(code, name).not.toMatch(/\bnew Function\b|\beval\(/);
      sizes[name] = gzipSync(code).length;
    }
    console.log(`bundle sizes (minified, gzipped): ${Object.entries(sizes).map(([n, b]) => `${n} ${(b / 1024).toFixed(1)} KB`).join("; ")}`);
    expect(sizes.app).toBeLessThanOrEqual(45 * 1024);
    expect(sizes.formatFixed).toBeLessThanOrEqual(3 * 1024);
  });
});

/** What the size test bundles: the README's figures come from this test's output. */
const BUNDLES = {
  app: "loadEdition, scoreBody, aggregate, formatFixed",
  formatFixed: "formatFixed",
  scoreCsv: "scoreCsv, aggregate, formatFixed",
  parseRubric: "parseRubric, safeParseRubric",
  everything: "*",
};

async function bundle(contents: string, format: "esm" | "iife"): Promise<string> {
  const out = await build({
    stdin: { contents: contents.replace("export { * }", "export *"), resolveDir: process.cwd(), loader: "js" },
    bundle: true,
    minify: true,
    platform: "browser",
    format,
    ...(format === "iife" ? { globalName: "ogmetric" } : {}),
    write: false,
    logLevel: "silent",
  });
  return out.outputFiles[0]!.text;
}
