import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

// ogmetric/analysis is pure: bundled for the browser it must need no Node module and run in a
// sandbox with no Node globals, giving the same numbers as under Node.
describe("ogmetric/analysis in a browser bundle", () => {
  it("bundles src/analysis/index.ts for the browser without node: imports and runs sobol and the bootstrap with the same bytes as Node", async () => {
    const out = await build({
      entryPoints: [new URL("../../src/analysis/index.ts", import.meta.url).pathname],
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "analysis",
      write: false,
      logLevel: "silent",
    });
    const code = out.outputFiles[0]!.text;
    expect(code).not.toMatch(/require\(["']node:|from ["']node:/);
    const sandbox: Record<string, unknown> = { TextEncoder, TextDecoder, structuredClone };
    runInNewContext(
      `${code}
      globalThis.result = (() => {
        const s = analysis.sobol({ factors: [{ name: "a", min: 0, max: 1 }, { name: "b", min: 0, max: 1 }], model: (x) => x[0] + 3 * x[1], n: 256, seed: 9, bootstrap: 20 });
        const b = analysis.bootstrapMeans([0.1, 0.5, 0.9, 0.4], ["g", "g", "g", "g"], { seed: 2, method: "bca", replicates: 200 });
        return JSON.stringify({ s, b, hasProcess: typeof process !== "undefined" });
      })();`,
      sandbox,
    );
    const { sobol, bootstrapMeans } = await import("../../src/analysis/index.js");
    const here = JSON.stringify({
      s: sobol({ factors: [{ name: "a", min: 0, max: 1 }, { name: "b", min: 0, max: 1 }], model: (x) => x[0]! + 3 * x[1]!, n: 256, seed: 9, bootstrap: 20 }),
      b: bootstrapMeans([0.1, 0.5, 0.9, 0.4], ["g", "g", "g", "g"], { seed: 2, method: "bca", replicates: 200 }),
      hasProcess: false,
    });
    expect(sandbox.result).toBe(here);
  });
});
