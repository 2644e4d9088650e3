import { z } from "zod";
import { EDITIONS } from "../../index.js";
import { compileToSql, SQL_DIALECTS, SQL_STATS, type CompileSqlOptions, type SqlStat } from "../../sql/index.js";
import { tokenize } from "../argv.js";
import { EXIT_OK, UsageError } from "../errors.js";
import type { CliIo } from "../io.js";
import { loadRubric } from "../loadRubric.js";

const COMMAND = "ogmetric sql";

/** The options of `ogmetric sql`. */
export const SQL_SPEC = {
  debug: "flag",
  help: "flag",
  edition: "value",
  rubric: "value",
  dialect: "value",
  table: "value",
  observations: "list",
  map: "list",
  nodes: "list",
  carry: "list",
  by: "list",
  aggregate: "flag",
  stats: "list",
  view: "value",
  cells: "value",
} as const;

/**
 * A table name as written on the command line: dot-separated parts, each bare or in double quotes
 * (`analytics.survey`, `"survey.parquet"`, `"my ""odd"" name"`).
 */
export function parseTableName(text: string): string[] | undefined {
  const parts: string[] = [];
  let i = 0;
  while (i <= text.length) {
    let part = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) return undefined;
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            part += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        part += text[i++];
      }
      if (i < text.length && text[i] !== ".") return undefined;
    } else {
      const dot = text.indexOf(".", i);
      part = text.slice(i, dot < 0 ? text.length : dot);
      if (part.includes('"')) return undefined;
      i = dot < 0 ? text.length : dot;
    }
    if (part.length === 0) return undefined;
    parts.push(part);
    if (i >= text.length) break;
    i++; // the dot
    if (i >= text.length) return undefined;
  }
  return parts;
}

const tableName = z.string().transform((s, ctx) => {
  const parts = parseTableName(s);
  if (!parts) {
    ctx.addIssue({ code: "custom", message: 'expected a table name: parts separated by dots, each bare or in double quotes (e.g. analytics.survey or "survey.parquet")' });
    return z.NEVER;
  }
  return parts;
});
const pair = (what: string) =>
  z
    .string()
    .regex(/^[^=]+=.+$/s, { error: `expected ${what}` })
    .transform((s): readonly [string, string] => [s.slice(0, s.indexOf("=")).trim(), s.slice(s.indexOf("=") + 1)]);
const commaList = z.array(z.string()).default([]).transform((list) => list.flatMap((s) => s.split(",")).map((s) => s.trim()).filter((s) => s.length > 0));
const flag = z.literal(true).optional().transform((v) => v === true);

/** Validates the options of `ogmetric sql` (zod, as options.ts does for the other commands). */
export const SQL_SCHEMA = z
  .object({
    debug: flag,
    help: flag,
    positionals: z.array(z.string()).max(0, { error: "takes no file: the data is in the database (see --table)" }),
    edition: z.enum(EDITIONS, { error: `expected one of ${EDITIONS.join(", ")}` }).optional(),
    rubric: z.string().min(1, { error: "expected a file name" }).optional(),
    dialect: z.enum(SQL_DIALECTS as [string, ...string[]], { error: `expected ${SQL_DIALECTS.join(", ")}` }),
    table: tableName.default(["survey"]),
    observations: z
      .array(
        pair("SET=TABLE, e.g. citizen_requests=requests").transform(([set, table], ctx) => {
          const parts = parseTableName(table);
          if (!parts) {
            ctx.addIssue({ code: "custom", message: "expected SET=TABLE with a table name of dot-separated parts, each bare or in double quotes" });
            return z.NEVER;
          }
          return [set, parts] as const;
        }),
      )
      .default([]),
    map: z.array(pair("FIELD=COLUMN, e.g. id=SO")).default([]),
    nodes: commaList,
    carry: z.array(z.string()).default([]),
    by: z.array(z.string()).default([]),
    aggregate: flag,
    stats: commaList.pipe(z.array(z.enum(SQL_STATS as [SqlStat, ...SqlStat[]], { error: `expected a comma-separated list of ${SQL_STATS.join(", ")}` }))),
    view: tableName.optional(),
    cells: z.enum(["text", "number"], { error: "expected text or number" }).optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if ((o.edition === undefined) === (o.rubric === undefined)) ctx.addIssue({ code: "custom", path: ["edition"], message: "give either --edition 2017|2019 or --rubric FILE.json", params: { crossField: true } });
    if (o.stats.length > 0 && o.by.length === 0 && !o.aggregate) ctx.addIssue({ code: "custom", path: ["stats"], message: "--stats goes with --by or --aggregate (the per-body query has no statistics)", params: { crossField: true } });
  });

export type SqlOptions = z.output<typeof SQL_SCHEMA>;

/** `ogmetric sql --help`. */
export const SQL_HELP = `Usage: ogmetric sql (--edition 2017|2019 | --rubric FILE.json) --dialect duckdb|postgres|ansi [options]

Prints one SQL query that scores every body of a database table with the rubric, as
"ogmetric score" would: every node's value (NULL unless scored) and status (scored,
not_applicable, missing, invalid). With --by, the aggregate table instead. Run it in the
database; nothing is read here.

Options:
  --edition 2017|2019     built-in rubric
  --rubric FILE.json      rubric file instead
  --dialect D             duckdb, postgres, or ansi (what Spark SQL, Trino and BigQuery share)
  --table NAME            the table of bodies (default survey); dotted parts, each bare or
                          "quoted": analytics.survey, "survey.parquet" (DuckDB reads the file)
  --observations SET=TABLE  the table of one observation set (repeatable),
                          e.g. citizen_requests=requests
  --map FIELD=COLUMN      read FIELD from COLUMN (repeatable): id, a grouping or carried
                          field, or a node code or alias (--map id=SO --map iga=GA)
  --nodes LIST            the nodes the table has columns for, comma-separated codes or
                          aliases (default: every leaf not fed by observations); a node given
                          directly overrides its subtree
  --carry FIELD           a column to copy to each body's row after id (repeatable)
  --by KEY                group by KEY (repeatable): the aggregate query; n, mean and the
                          not applicable, missing and invalid counts per node
  --aggregate             the aggregate query without --by: one national row
  --stats LIST            with --by or --aggregate: median,sd,min,max
  --view NAME             write CREATE VIEW NAME AS ... instead of the bare query
  --cells text|number     text (default; not ansi): cells read as the CLI reads them, NA
                          tokens included; number: numeric columns, NULL is missing
  --debug                 print stack traces of errors
  -h, --help              this help

Examples:
  ogmetric sql --edition 2019 --dialect postgres --table survey \\
    --observations citizen_requests=requests --observations request_records=records
  ogmetric sql --edition 2017 --dialect duckdb --table '"bso.parquet"' --map id=SO \\
    --map state=edo --nodes GA,T,P,TG,TC,PG,PC --by state --stats median
Reference: docs/sql.md`;

/** Names the options of a zod issue the way options.ts does for the other commands. */
function usage(parsed: ReturnType<typeof tokenize>, issue: z.core.$ZodIssue): UsageError {
  const key = String(issue.path[0] ?? "");
  const name = key === "positionals" ? "arguments" : key ? `--${key}` : "";
  const index = typeof issue.path[1] === "number" ? issue.path[1] : 0;
  const found = key && key !== "positionals" ? parsed.given.get(key)?.[index] : undefined;
  const cross = issue.code === "custom" && (issue as { params?: { crossField?: boolean } }).params?.crossField === true;
  return new UsageError(COMMAND, `${name ? `${name}: ` : ""}${issue.message}${found !== undefined && !cross ? `, found ${JSON.stringify(found)}` : ""}`);
}

/**
 * Runs `ogmetric sql ARGS...` (the arguments after the command name): `--help`, or the query.
 * @returns 0
 * @throws UsageError for unknown options and bad values, as the other commands do
 */
export function sqlMain(args: readonly string[], io: CliIo): number {
  const parsed = tokenize(COMMAND, args, SQL_SPEC);
  if (parsed.options.help === true) {
    io.stdout.write(`${SQL_HELP}\n`);
    return EXIT_OK;
  }
  const result = SQL_SCHEMA.safeParse({ ...parsed.options, positionals: [...parsed.positionals] });
  if (!result.success) throw usage(parsed, result.error.issues[0]!);
  return sqlCommand(result.data, io);
}

/**
 * `ogmetric sql`: prints the compiled query.
 * @returns 0
 * @throws UsageError for an unknown node, set or statistic, and for a name the dialect cannot quote
 */
export function sqlCommand(o: SqlOptions, io: CliIo): number {
  const rubric = loadRubric(o);
  const options: CompileSqlOptions = {
    dialect: o.dialect as CompileSqlOptions["dialect"],
    table: o.table,
    ...(o.observations.length > 0 ? { observations: Object.fromEntries(o.observations) } : {}),
    ...(o.map.length > 0 ? { columns: Object.fromEntries(o.map) } : {}),
    ...(o.nodes.length > 0 ? { nodes: o.nodes } : {}),
    ...(o.carry.length > 0 ? { carry: o.carry } : {}),
    ...(o.by.length > 0 || o.aggregate ? { by: o.by } : {}),
    ...(o.stats.length > 0 ? { stats: o.stats } : {}),
    ...(o.view !== undefined ? { view: o.view } : {}),
    ...(o.cells !== undefined ? { cells: o.cells } : {}),
  };
  const seen = new Set<string>();
  for (const [field] of o.map) {
    if (seen.has(field)) throw new UsageError(COMMAND, `--map ${field}=... is given twice`);
    seen.add(field);
  }
  let sql: string;
  try {
    sql = compileToSql(rubric, options);
  } catch (e) {
    if (e instanceof RangeError || e instanceof TypeError) throw new UsageError(COMMAND, e.message.replace(/^compileToSql: /, ""));
    throw e;
  }
  io.stdout.write(`${sql};\n`);
  return EXIT_OK;
}
