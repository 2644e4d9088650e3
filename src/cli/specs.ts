/**
 * The options each command accepts, by kind, with no validation library: `run` reads these to
 * tokenize the arguments, and loads the zod schemas of `options.ts` only once a command runs, so
 * `--version` and `--help` start without them.
 */
import type { FlagSpec } from "./argv.js";

/** Identity fields: `id` is required and unique; the others are carried and can group. */
export const IDENTITY_FIELDS = ["id", "name", "state", "level", "type"] as const;

const common = { debug: "flag", help: "flag" } as const;
const input = { map: "list", encoding: "value", delimiter: "value" } as const;
const rubricFlags = { edition: "value", rubric: "value" } as const;
const progress = { progress: "flag", "no-progress": "flag" } as const;
/** What `score` and `aggregate` tables and rows carry: nodes, statistics, rank, weights. */
const selection = { nodes: "list", columns: "value", rank: "flag", weight: "value" } as const;

/** The options of each command (the contract documented in docs/cli.md). */
export const SPECS = {
  score: {
    ...common,
    ...input,
    ...rubricFlags,
    ...progress,
    observations: "list",
    out: "value",
    format: "value",
    rejects: "value",
    by: "list",
    stats: "list",
    order: "value",
    round: "value",
    raw: "flag",
    ...selection,
    "allow-missing": "flag",
    "decimal-comma": "flag",
  },
  aggregate: { ...common, ...input, ...rubricFlags, ...progress, out: "value", format: "value", rejects: "value", by: "list", stats: "list", order: "value", round: "value", raw: "flag", ...selection },
  validate: { ...common, format: "value" },
  editions: { ...common, format: "value" },
  explain: { ...common, ...input, ...rubricFlags, observations: "list", id: "value", row: "value", format: "value", lang: "value", decimals: "value", "allow-missing": "flag", "decimal-comma": "flag" },
  report: { ...common, compare: "value", uncertainty: "value", by: "value", out: "value", rejects: "value", date: "value", lang: "value", decimals: "value", rubric: "list" },
  compare: {
    ...common,
    ...input,
    ...rubricFlags,
    to: "value",
    "to-rubric": "value",
    crosswalk: "value",
    scores: "flag",
    observations: "list",
    out: "value",
    format: "value",
    tidy: "flag",
    rejects: "value",
    by: "list",
    order: "value",
    round: "value",
    raw: "flag",
    method: "value",
    depth: "value",
    "no-bridge": "flag",
    "allow-missing": "flag",
    "decimal-comma": "flag",
  },
  ...analysisSpecs(),
} as const satisfies Record<string, FlagSpec>;

/** The analysis commands' options (issue 11): uncertainty, sensitivity, audit. */
function analysisSpecs() {
  const reading = { ...common, ...input, ...rubricFlags, observations: "list", "allow-missing": "flag", "decimal-comma": "flag", out: "value", format: "value", rejects: "value", raw: "flag", round: "value" } as const;
  return {
    uncertainty: { ...reading, ...progress, spec: "value", runs: "value", seed: "value", by: "value", top: "value", order: "value" },
    sensitivity: { ...reading, ...progress, spec: "value", n: "value", seed: "value", by: "value", factors: "value", bootstrap: "value", id: "list" },
    audit: { ...reading, published: "value", references: "flag", table: "value" },
  } as const;
}

export type CommandName = keyof typeof SPECS;
