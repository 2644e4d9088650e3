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
    splitting: false,
  },
  {
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    sourcemap: true,
    target: "node20",
    platform: "node",
  },
]);
