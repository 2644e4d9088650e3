// @ts-check
/**
 * Mutation testing of the math (`npm run test:mutation`; not part of `npm test`). StrykerJS 9.x
 * (the last major that runs on Node 20) with its vitest runner, which supports vitest 4.1. The
 * score, survivors judged equivalent and the command are in test/MUTATION.md.
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export default {
  $schema: "./node_modules/@stryker-mutator/core/schema/stryker-schema.json",
  packageManager: "npm",
  testRunner: "vitest",
  // A focused test set: the tests that import these sources (see the config file's comment).
  vitest: { configFile: "test/mutation.vitest.config.ts", related: false },
  // Each mutant runs only the tests that reached it in the dry run.
  coverageAnalysis: "perTest",
  mutate: [
    "src/score/evaluate.ts",
    "src/score/readValue.ts",
    "src/score/bodyScorer.ts",
    "src/score/observationStore.ts",
    "src/score/weights.ts",
    "src/aggregate/aggregateBy.ts",
    "src/aggregate/round.ts",
    "src/internal/sum.ts",
  ],
  // Two cores shared with other engineers: at most two test workers.
  concurrency: 2,
  timeoutMS: 20_000,
  timeoutFactor: 2,
  // Incremental: a later run retests only the mutants whose code or covering tests changed
  // (`npm run test:mutation -- --force` retests everything).
  incremental: true,
  incrementalFile: "reports/mutation/stryker-incremental.json",
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  reporters: ["progress", "clear-text", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  thresholds: { high: 90, low: 85, break: 85 },
};
