import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { defineConfig } from "tsup";
import { emitSchemas } from "./src/rubric/emitSchemas.js";

// Build time: the JSON Schemas and the standalone validators come from the zod schemas. Files are
// rewritten only when their content changes (a test checks the committed copies are current).
for (const file of emitSchemas()) {
  let old: string | undefined;
  try {
    old = readFileSync(file.path, "utf8");
  } catch {
    old = undefined;
  }
  if (old !== file.text) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.text);
  }
}

export default defineConfig([
  {
    // The front door (`ogmetric`), the engine room (`ogmetric/engine`), the analyses
    // (`ogmetric/analysis`), the SQL compiler (`ogmetric/sql`) and the Node-only layer (`ogmetric/node`).
    entry: { index: "src/index.ts", engine: "src/engine/index.ts", analysis: "src/analysis/index.ts", sql: "src/sql/index.ts", node: "src/node.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    platform: "neutral",
    // Shared chunks: `ogmetric/node` and `ogmetric/engine` reuse the core instead of bundling a
    // second copy (so `instanceof RubricError` and the edition cache are the same through all).
    splitting: true,
  },
  {
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    sourcemap: true,
    target: "node20",
    platform: "node",
    // Commands are imported when they run (see run.ts): their chunks, zod and papaparse stay
    // unloaded for --version and --help.
    splitting: true,
  },
]);
