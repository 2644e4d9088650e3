import { defineConfig } from "tsup";

export default defineConfig([
  {
    // The pure core (`ogmetric`) and the Node-only layer (`ogmetric/node`).
    entry: { index: "src/index.ts", node: "src/node.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    platform: "neutral",
    // One shared chunk: `ogmetric/node` reuses the core instead of bundling a second copy
    // (so `instanceof RubricError` and the edition cache are the same through both entries).
    splitting: true,
  },
  {
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    sourcemap: true,
    target: "node20",
    platform: "node",
  },
]);
