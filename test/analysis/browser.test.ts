import { createContext, runInContext, runInNewContext } from "node:vm";
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

  it("runs uncertainty (its zod specification included) where code generation from strings is forbidden, never asking for it, with the same bytes as Node", async () => {
    const analysis = new URL("../../src/analysis/index.ts", import.meta.url).pathname;
    const core = new URL("../../src/index.ts", import.meta.url).pathname;
    const out = await build({
      stdin: { contents: `export * from ${JSON.stringify(analysis)}; export { loadEdition } from ${JSON.stringify(core)};`, resolveDir: process.cwd(), loader: "ts" },
      bundle: true,
      platform: "browser",
      format: "iife",
      globalName: "analysis",
      write: false,
      logLevel: "silent",
    });
    const code = out.outputFiles[0]!.text;
    const sandbox = createContext({ TextEncoder, TextDecoder, structuredClone }, { codeGeneration: { strings: false, wasm: false } });
    const spec = { runs: 30, seed: 4, rules: [{ node: "p", options: ["arithmetic", "geometric"] }], inputs: { relative: 0.2, realizations: 2 } };
    const bodies = [
      { id: "A", fields: { state: "CDMX" }, values: { TG: "0.7", TC: "0.5", PG: "0.2", PC: "0.6" } },
      { id: "B", fields: { state: "Jalisco" }, values: { TG: "0.4", TC: "0.8", PG: "0.5", PC: "0.1" } },
      { id: "C", fields: { state: "Ciudad de México" }, values: { TG: "0.6", TC: "0.6", PG: "0.4", PC: "0.3" } },
    ];
    // Every attempt to build a function from a string is counted (zod probes with new Function).
    runInContext(
      `let attempts = 0;
      const Blocked = new Proxy(Function, { construct() { attempts++; throw new EvalError("blocked"); }, apply() { attempts++; throw new EvalError("blocked"); } });
      globalThis.Function = Blocked;
      ${code}
      globalThis.result = JSON.stringify(analysis.uncertainty({ rubric: analysis.loadEdition("2017"), bodies: ${JSON.stringify(bodies)}, by: ["state"] }, ${JSON.stringify(spec)}));
      globalThis.attempts = attempts;`,
      sandbox,
    );
    expect(sandbox.attempts).toBe(0);
    const { uncertainty } = await import("../../src/analysis/index.js");
    const { loadEdition } = await import("../../src/index.js");
    const here = JSON.stringify(uncertainty({ rubric: loadEdition("2017"), bodies, by: ["state"] }, spec as never));
    expect(sandbox.result).toBe(here);
    expect(JSON.parse(here).groups[0].units.map((u: { key: string }) => u.key)).toEqual(["Ciudad de México", "Jalisco"]);
  });
});
