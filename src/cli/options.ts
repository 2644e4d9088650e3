import { z } from "zod";
import { EDITIONS, STAT_NAMES, type StatName } from "../index.js";
import { ENCODING_NAMES, type CsvEncoding } from "../io/decodeChunks.js";
import type { FlagSpec, ParsedArgs } from "./argv.js";
import { UsageError } from "./errors.js";

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
  explain: { ...common, ...input, ...rubricFlags, observations: "list", id: "value", format: "value", lang: "value", decimals: "value", "allow-missing": "flag", "decimal-comma": "flag" },
  ...ANALYSIS_SPECS(),
} as const satisfies Record<string, FlagSpec>;

/** The analysis commands' options (issue 11): uncertainty, sensitivity, audit. */
function ANALYSIS_SPECS() {
  const reading = { ...common, ...input, ...rubricFlags, observations: "list", "allow-missing": "flag", "decimal-comma": "flag", out: "value", format: "value", rejects: "value", raw: "flag", round: "value" } as const;
  return {
    uncertainty: { ...reading, ...progress, spec: "value", runs: "value", seed: "value", by: "value", top: "value", order: "value" },
    sensitivity: { ...reading, ...progress, spec: "value", n: "value", seed: "value", by: "value", factors: "value", bootstrap: "value", id: "list" },
    audit: { ...reading, published: "value", references: "flag", table: "value" },
  } as const;
}

export type CommandName = keyof typeof SPECS;

const edition = z.enum(EDITIONS, { error: `expected one of ${EDITIONS.join(", ")}` });
const encoding = z
  .string()
  .transform((s) => ENCODING_NAMES.get(s.toLowerCase()))
  .refine((e): e is CsvEncoding => e !== undefined, { error: "expected utf8, latin1 or windows-1252" })
  .transform((e) => e as CsvEncoding);
const delimiter = z
  .string()
  .transform((s) => (s === "tab" || s === "\\t" ? "\t" : s))
  .refine((s) => s.length === 1 && s !== '"' && s !== "\r" && s !== "\n", { error: "expected one character (or tab), not a quote or a line break" });
const mapEntry = z
  .string()
  .regex(/^[^=]+=.+$/s, { error: "expected FIELD=COLUMN, e.g. id=SO" })
  .transform((s): readonly [string, string] => [s.slice(0, s.indexOf("=")).trim(), s.slice(s.indexOf("=") + 1)]);
const decimals = z
  .string()
  .regex(/^\d+$/, { error: "expected a whole number from 0 to 15" })
  .transform(Number)
  .refine((n) => n <= 15, { error: "expected a whole number from 0 to 15" });
/** A quantile statistic: p followed by a percentage, e.g. p05, p50, p95, p99.5. */
const QUANTILE = /^p(100|\d{1,2}(\.\d+)?)$/;
const stats = z
  .array(z.string())
  .transform((list) => list.flatMap((s) => s.split(",")).map((s) => s.trim()).filter((s) => s.length > 0))
  .pipe(
    z.array(
      z.string().refine((s) => (STAT_NAMES as readonly string[]).includes(s) || QUANTILE.test(s), {
        error: `expected a comma-separated list of ${STAT_NAMES.join(", ")} or quantiles such as p05, p50, p95`,
      }),
    ),
  );
const nodeList = z.array(z.string()).transform((list) => list.flatMap((s) => s.split(",")).map((s) => s.trim()).filter((s) => s.length > 0));
const list = z.array(z.string()).default([]);
const path = z.string().min(1, { error: "expected a file name" });
const flag = z.literal(true).optional().transform((v) => v === true);

function one(what: string) {
  return z.array(z.string()).refine((p) => p.length === 1, { error: `expected one ${what}` }).transform((p) => p[0]!);
}

const rubricChoice = { edition: edition.optional(), rubric: path.optional() };
const inputShape = { map: z.array(mapEntry).default([]), encoding: encoding.default("utf8"), delimiter: delimiter.default(",") };
const progressShape = {
  progress: flag,
  "no-progress": flag,
};
const base = { debug: flag, help: flag };
/** What `score` and `aggregate` write: rows or a table, its format, rejects, grouping, rounding. */
const outputShape = {
  out: path.optional(),
  format: z.enum(["csv", "json", "ndjson"], { error: "expected csv, json or ndjson" }).default("csv"),
  rejects: path.optional(),
  by: list,
  stats: stats.default([]),
  order: z
    .enum(["first", "key", "value", "-value"], { error: "expected first (as first seen), key (sorted; states by INEGI code), value (highest first) or -value (lowest first)" })
    .default("first"),
  round: decimals.optional(),
  raw: flag,
  nodes: nodeList.default([]),
  columns: z.enum(["value", "full"], { error: "expected value (one column per node) or full (value, n, na, missing and statistics)" }).optional(),
  rank: flag,
  weight: z.string().min(1, { error: "expected a column name" }).optional(),
};

/** Marks issues about how options combine, whose message must not quote one option's value. */
const CROSS = { crossField: true };

function exactlyOneRubric(o: { edition?: unknown; rubric?: unknown }, ctx: z.RefinementCtx) {
  if ((o.edition === undefined) === (o.rubric === undefined)) {
    ctx.addIssue({ code: "custom", path: ["edition"], message: "give either --edition 2017|2019 or --rubric FILE.json", params: CROSS });
  }
}

function atMostOneRubric(o: { edition?: unknown; rubric?: unknown }, ctx: z.RefinementCtx) {
  if (o.edition !== undefined && o.rubric !== undefined) {
    ctx.addIssue({ code: "custom", path: ["edition"], message: "give --edition or --rubric, not both", params: CROSS });
  }
}

const progressMode = (o: { progress: boolean; "no-progress": boolean }) => (o["no-progress"] ? "never" : o.progress ? "always" : "auto") as "auto" | "always" | "never";

const SCHEMAS = {
  score: z
    .object({
      ...base,
      ...rubricChoice,
      ...inputShape,
      ...progressShape,
      positionals: one("input file (INPUT.csv)"),
      observations: list,
      ...outputShape,
      "allow-missing": flag,
      "decimal-comma": flag,
    })
    .strict()
    .superRefine(exactlyOneRubric)
    .superRefine((o, ctx) => {
      if (o.stats.length > 0 && o.by.length === 0) ctx.addIssue({ code: "custom", path: ["stats"], message: "--stats goes with --by (per-body output has no statistics)", params: CROSS });
      if (o.weight !== undefined && o.by.length === 0) ctx.addIssue({ code: "custom", path: ["weight"], message: "--weight goes with --by (it weights the bodies in group means)", params: CROSS });
    })
    .transform(({ positionals, "no-progress": _n, "allow-missing": allowMissing, "decimal-comma": decimalComma, ...o }) => ({
      ...o,
      allowMissing,
      decimalComma,
      input: positionals,
      progress: progressMode({ progress: o.progress, "no-progress": _n }),
    })),
  aggregate: z
    .object({
      ...base,
      ...rubricChoice,
      ...inputShape,
      ...progressShape,
      positionals: one("scores file (SCORES.csv)"),
      ...outputShape,
    })
    .strict()
    .superRefine(atMostOneRubric)
    .transform(({ positionals, "no-progress": _n, ...o }) => ({ ...o, input: positionals, progress: progressMode({ progress: o.progress, "no-progress": _n }) })),
  validate: z
    .object({ ...base, positionals: one("rubric file (RUBRIC.json)"), format: z.enum(["text", "json"], { error: "expected text or json" }).default("text") })
    .strict()
    .transform(({ positionals, ...o }) => ({ ...o, input: positionals })),
  editions: z
    .object({
      ...base,
      positionals: z.array(z.string()).max(0, { error: "takes no file" }),
      format: z.enum(["text", "json"], { error: "expected text or json" }).default("text"),
    })
    .strict(),
  explain: z
    .object({
      ...base,
      ...rubricChoice,
      ...inputShape,
      positionals: one("input file (INPUT.csv)"),
      observations: list,
      id: z.string({ error: "expected the id of the body to explain" }),
      format: z.enum(["text", "json"], { error: "expected text or json" }).default("text"),
      lang: z.enum(["es", "en"], { error: "expected es or en" }).default("es"),
      decimals: decimals.default(4),
      "allow-missing": flag,
      "decimal-comma": flag,
    })
    .strict()
    .superRefine(exactlyOneRubric)
    .transform(({ positionals, "allow-missing": allowMissing, "decimal-comma": decimalComma, ...o }) => ({ ...o, allowMissing, decimalComma, input: positionals })),
  ...analysisSchemas(),
};

/** A whole number from `min` to `max`, written in decimal digits. */
function whole(min: number, max: number) {
  const error = `expected a whole number from ${min.toLocaleString("en-US")} to ${max.toLocaleString("en-US")}`;
  return z
    .string()
    .regex(/^\d+$/, { error })
    .transform(Number)
    .refine((x) => Number.isSafeInteger(x) && x >= min && x <= max, { error });
}

/** The schemas of the analysis commands (issue 11). */
function analysisSchemas() {
  const reading = {
    ...base,
    ...rubricChoice,
    ...inputShape,
    observations: list,
    "allow-missing": flag,
    "decimal-comma": flag,
    out: path.optional(),
    format: z.enum(["csv", "json", "ndjson"], { error: "expected csv, json or ndjson" }).default("csv"),
    rejects: path.optional(),
    raw: flag,
    round: decimals.optional(),
  };
  const runs = {
    ...progressShape,
    spec: path.optional(),
    seed: whole(0, Number.MAX_SAFE_INTEGER).optional(),
    by: z.string().min(1, { error: "expected a field or column name" }).optional(),
  };
  const camel = <T extends { "allow-missing": boolean; "decimal-comma": boolean }>({ "allow-missing": allowMissing, "decimal-comma": decimalComma, ...o }: T) => ({ ...o, allowMissing, decimalComma });
  return {
    uncertainty: z
      .object({
        ...reading,
        ...runs,
        positionals: one("input file (INPUT.csv)"),
        runs: whole(1, 1_000_000).optional(),
        top: whole(1, 1_000_000).optional(),
        order: z.enum(["first", "rank"], { error: "expected first (input order) or rank (by nominal rank)" }).default("first"),
      })
      .strict()
      .superRefine(exactlyOneRubric)
      .transform(({ positionals, "no-progress": _n, ...o }) => ({ ...camel(o), input: positionals, progress: progressMode({ progress: o.progress, "no-progress": _n }) })),
    sensitivity: z
      .object({
        ...reading,
        ...runs,
        positionals: one("input file (INPUT.csv)"),
        n: whole(2, 1 << 20).optional(),
        factors: z.enum(["provenance", "node", "edge"], { error: "expected provenance, node or edge" }).optional(),
        bootstrap: whole(0, 100_000).optional(),
        id: z.array(z.string()).optional(),
      })
      .strict()
      .superRefine(exactlyOneRubric)
      .transform(({ positionals, "no-progress": _n, ...o }) => ({ ...camel(o), input: positionals, progress: progressMode({ progress: o.progress, "no-progress": _n }) })),
    audit: z
      .object({
        ...reading,
        positionals: z.array(z.string()).max(1, { error: "expected at most one input file (INPUT.csv)" }),
        published: path.optional(),
        references: flag,
        table: z.enum(["indicators", "correlations", "alpha", "drops", "flags"], { error: "expected indicators, correlations, alpha, drops or flags" }).optional(),
      })
      .strict()
      .superRefine(exactlyOneRubric)
      .superRefine((o, ctx) => {
        const sources = (o.positionals.length > 0 ? 1 : 0) + (o.published !== undefined ? 1 : 0) + (o.references ? 1 : 0);
        if (sources !== 1) ctx.addIssue({ code: "custom", path: ["positionals"], message: "give a survey file (INPUT.csv), or --published TABLE.csv, or --references (the rubric's own reference figures): exactly one", params: CROSS });
        if (o.table !== undefined && o.positionals.length === 0) ctx.addIssue({ code: "custom", path: ["table"], message: "--table chooses a table of the statistical audit of INPUT.csv; a published-table audit has one table", params: CROSS });
      })
      .transform(({ positionals, ...o }) => ({ ...camel(o), input: positionals[0] })),
  };
}

export type ScoreOptions = z.output<typeof SCHEMAS.score>;
export type UncertaintyOptions = z.output<typeof SCHEMAS.uncertainty>;
export type SensitivityOptions = z.output<typeof SCHEMAS.sensitivity>;
export type AuditOptions = z.output<typeof SCHEMAS.audit>;
export type AggregateOptions = z.output<typeof SCHEMAS.aggregate>;
export type ValidateOptions = z.output<typeof SCHEMAS.validate>;
export type EditionsOptions = z.output<typeof SCHEMAS.editions>;
export type ExplainOptions = z.output<typeof SCHEMAS.explain>;
export type { StatName };

/**
 * Splits a `--stats` list into the aggregator's named statistics and quantile probabilities.
 * @param list - validated tokens such as "median", "p05", "p95"
 * @returns named statistics (without n and mean) and quantiles in [0, 1], in the order given
 */
export function splitStats(list: readonly string[]): { readonly names: StatName[]; readonly quantiles: number[] } {
  const names: StatName[] = [];
  const quantiles: number[] = [];
  for (const s of list) {
    if (QUANTILE.test(s)) quantiles.push(Number(s.slice(1)) / 100);
    else if (s !== "n" && s !== "mean" && !names.includes(s as StatName)) names.push(s as StatName);
  }
  return { names, quantiles };
}

const POSITIONAL_NAMES: Record<CommandName, string> = {
  uncertainty: "INPUT.csv",
  sensitivity: "INPUT.csv",
  audit: "INPUT.csv",
  score: "INPUT.csv",
  aggregate: "SCORES.csv",
  validate: "RUBRIC.json",
  editions: "arguments",
  explain: "INPUT.csv",
};

/**
 * Validates a command's arguments with its zod schema.
 * @param command - the command
 * @param parsed - tokens from `tokenize`
 * @returns the typed options
 * @throws UsageError naming the option, what it expects and what it found
 */
export function parseOptions<C extends CommandName>(command: C, parsed: ParsedArgs): z.output<(typeof SCHEMAS)[C]> {
  const raw = { ...parsed.options, positionals: [...parsed.positionals] };
  const result = (SCHEMAS[command] as z.ZodType).safeParse(raw);
  if (result.success) return result.data as z.output<(typeof SCHEMAS)[C]>;
  const issue = result.error.issues[0]!;
  const key = String(issue.path[0] ?? "");
  const name = key === "positionals" ? POSITIONAL_NAMES[command] : key ? `--${key}` : "";
  const index = typeof issue.path[1] === "number" ? issue.path[1] : 0;
  const found = key && key !== "positionals" ? parsed.given.get(key)?.[index] : undefined;
  const cross = issue.code === "custom" && (issue as { params?: { crossField?: boolean } }).params?.crossField === true;
  const foundText = found !== undefined && !cross ? `, found ${JSON.stringify(found)}` : "";
  throw new UsageError(`ogmetric ${command}`, `${name ? `${name}: ` : ""}${issue.message}${foundText}`);
}
