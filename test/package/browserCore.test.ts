import { readFileSync } from "node:fs";
import { runInNewContext } from "node:vm";
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

  it("bundles for the browser and runs in a sandbox with no Node globals", async () => {
    const out = await build({
      entryPoints: [dist("index.js").pathname],
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "ogmetric",
      write: false,
      logLevel: "silent",
    });
    const code = out.outputFiles[0]!.text;
    const sandbox: Record<string, unknown> = { TextEncoder, TextDecoder, structuredClone, console };
    runInNewContext(`${code}\nglobalThis.result = (() => {
      const r = ogmetric.loadEdition("2017");
      const s = ogmetric.scoreBody(r, { values: { TG: "0.46", TC: "0.54", PG: "0.23", PC: "0.32" } });
      return { hash: r.hash, value: ogmetric.formatFixed(s.value, 4), hasProcess: typeof process !== "undefined" };
    })();`, sandbox);
    expect(sandbox.result).toEqual({ hash: expect.stringMatching(/^[0-9a-f]{64}$/), value: "0.3875", hasProcess: false });
  });
});
