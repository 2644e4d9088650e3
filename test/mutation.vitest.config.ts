import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * The tests the mutation run (`npm run test:mutation`, see stryker.config.mjs) uses to judge each
 * mutant of the math: the unit, property and oracle tests that import the scoring, reading,
 * aggregation and rounding sources. Left out: the CLI tests and the CLI parity property (they
 * spawn the built `dist/`, which Stryker does not mutate, so they could kill nothing and would
 * only slow every mutant down) and the packaging tests (they bundle `src/` with esbuild).
 */
export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    include: [
      "test/score/**/*.test.ts",
      "test/aggregate/**/*.test.ts",
      "test/oracle/**/*.test.ts",
      "test/internal/sum.test.ts",
      "test/editions/editions.test.ts",
      "test/editions/editionProperties.test.ts",
    ],
    exclude: ["test/oracle/cliParity.test.ts", "**/node_modules/**"],
    setupFiles: ["test/mutation.setup.ts"],
    // Fewer runs per property per mutant (see test/propertyRuns.ts).
    env: { OGMETRIC_MUTATION_RUN: "1" },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
