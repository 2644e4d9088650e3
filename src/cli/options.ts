import { z } from "zod";
import { EDITIONS, STAT_NAMES, type StatName } from "../index.js";
import { ENCODING_NAMES, type CsvEncoding } from "../io/decodeChunks.js";
import type { ParsedArgs } from "./argv.js";

export { IDENTITY_FIELDS, SPECS, type CommandName } from "./specs.js";
import { UsageError } from "./errors.js";



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
  // `--out -` is standard output, as when --out is left out (see checkOutputs).
  out: path.optional().transform((p) => (p === "-" ? undefined : p)),
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
  explain: z
    .object({
      ...base,
      ...rubricChoice,
      ...inputShape,
      positionals: one("input file (INPUT.csv)"),
      observations: list,
      id: z.string().optional(),
      row: z
        .string()
        .regex(/^\d+$/, { error: "expected a row number of 2 or more (row 1 is the header)" })
        .transform(Number)
        .refine((n) => n >= 2 && Number.isSafeInteger(n), { error: "expected a row number of 2 or more (row 1 is the header)" })
        .optional(),
      format: z.enum(["text", "json"], { error: "expected text or json" }).default("text"),
      lang: z.enum(["es", "en"], { error: "expected es or en" }).default("es"),
      decimals: decimals.default(4),
      "allow-missing": flag,
      "decimal-comma": flag,
    })
    .strict()
    .superRefine(exactlyOneRubric)
    .superRefine((o, ctx) => {
      if ((o.id === undefined) === (o.row === undefined)) ctx.addIssue({ code: "custom", path: ["id"], message: "give either --id ID or --row N (the body on row N, the header being row 1)", params: CROSS });
    })
    .transform(({ positionals, "allow-missing": allowMissing, "decimal-comma": decimalComma, ...o }) => ({ ...o, allowMissing, decimalComma, input: positionals })),
  ...analysisSchemas(),
  report: z
    .object({
      ...base,
      positionals: one("scores file (SCORES.csv)"),
      compare: path.optional(),
      uncertainty: path.optional(),
      by: z.enum(["state", "type", "level"], { error: "expected state, type or level" }).default("state"),
      out: path.optional(),
      rejects: path.optional(),
      date: z
        .string()
        .refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toJSON()?.startsWith(s) === true, { error: "expected a date YYYY-MM-DD" })
        .optional(),
      lang: z.enum(["es", "en"], { error: "expected es or en" }).default("es"),
      decimals: decimals.default(2),
      rubric: z.array(path).default([]),
    })
    .strict()
    .transform(({ positionals, ...o }) => ({ ...o, input: positionals })),
  compare: z
    .object({
      ...base,
      ...rubricChoice,
      ...inputShape,
      to: edition.optional(),
      "to-rubric": path.optional(),
      crosswalk: path.optional(),
      scores: flag,
      positionals: z.array(z.string()),
      observations: list,
      out: path.optional(),
      format: z.enum(["csv", "json", "ndjson"], { error: "expected csv, json or ndjson" }).default("csv"),
      tidy: flag,
      rejects: path.optional(),
      by: list,
      order: z.enum(["first", "key"], { error: "expected first (as first seen) or key (sorted; states by INEGI code)" }).default("first"),
      round: decimals.optional(),
      raw: flag,
      method: z.enum(["auto", "two_factor", "shapley"], { error: "expected auto, two_factor or shapley" }).default("auto"),
      depth: z.string().regex(/^\d+$/, { error: "expected a whole number" }).transform(Number).optional(),
      "no-bridge": flag,
      "allow-missing": flag,
      "decimal-comma": flag,
    })
    .strict()
    .superRefine(atMostOneRubric)
    .superRefine((o, ctx) => {
      const issue = (key: string, message: string) => ctx.addIssue({ code: "custom", path: [key], message, params: CROSS });
      if (o.to !== undefined && o["to-rubric"] !== undefined) issue("to", "give --to or --to-rubric, not both");
      if (o.scores) {
        if (o.positionals.length !== 2) issue("positionals", "expected two scores files (FROM.csv TO.csv) after --scores");
        if (o.observations.length > 0) issue("observations", "--observations goes with an input file, not with --scores");
        return;
      }
      if (o.positionals.length !== 1) issue("positionals", "expected one input file (INPUT.csv), or --scores FROM.csv TO.csv");
      else if (o.edition === undefined && o.rubric === undefined) issue("edition", "give the rubric the input is written for: --edition 2017|2019 or --rubric FILE.json");
      else if (o.to === undefined && o["to-rubric"] === undefined) issue("to", "give the rubric to compare with: --to 2017|2019 or --to-rubric FILE.json");
    })
    .transform(({ positionals, "to-rubric": toRubric, "no-bridge": noBridge, "allow-missing": allowMissing, "decimal-comma": decimalComma, ...o }) => ({
      ...o,
      toRubric,
      bridge: !noBridge,
      allowMissing,
      decimalComma,
      inputs: positionals,
      input: positionals[0]!,
    })),
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
export type CompareOptions = z.output<typeof SCHEMAS.compare>;
export type AggregateOptions = z.output<typeof SCHEMAS.aggregate>;
export type ValidateOptions = z.output<typeof SCHEMAS.validate>;
/** `editions` is checked in `run.ts` without zod (it must start as fast as `--version`). */
export interface EditionsOptions {
  readonly format: "text" | "json";
}
export type ExplainOptions = z.output<typeof SCHEMAS.explain>;
export type ReportOptions = z.output<typeof SCHEMAS.report>;
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

/** The commands whose options a zod schema checks (`editions` is checked in `run.ts`). */
type SchemaCommand = keyof typeof SCHEMAS;

const POSITIONAL_NAMES: Record<SchemaCommand, string> = {
  uncertainty: "INPUT.csv",
  sensitivity: "INPUT.csv",
  audit: "INPUT.csv",
  score: "INPUT.csv",
  aggregate: "SCORES.csv",
  validate: "RUBRIC.json",
  explain: "INPUT.csv",
  report: "SCORES.csv",
  compare: "INPUT.csv",
};

/**
 * Validates a command's arguments with its zod schema.
 * @param command - the command
 * @param parsed - tokens from `tokenize`
 * @returns the typed options
 * @throws UsageError naming the option, what it expects and what it found
 */
export function parseOptions<C extends SchemaCommand>(command: C, parsed: ParsedArgs): z.output<(typeof SCHEMAS)[C]> {
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
