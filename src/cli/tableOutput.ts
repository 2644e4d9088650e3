import { formatFixed, roundHalfUp, type AggregateTable, type NodeStats, type StatName } from "../index.js";
import { CsvWriter } from "../io/writeCsv.js";
import type { TextSink } from "../io/textSink.js";
import type { Reporter } from "./report.js";

const EXTRA: readonly StatName[] = ["median", "sd", "min", "max"];

/**
 * Writes an aggregate table as CSV: the key columns, `state_code` when grouping by state,
 * `bodies`, then per node the mean (under the node code), `code:n`, `code:na`, `code:missing`
 * and `code:<stat>` for each extra statistic. A mean or statistic with no scored body is an empty
 * cell; `round` formats means and statistics with that many decimals, half up.
 */
export function writeTableCsv(table: AggregateTable, out: CsvWriter, round: number | undefined): void {
  const extras = EXTRA.filter((s) => table.stats.includes(s));
  const byState = table.by.includes("state");
  const header: string[] = [...table.by];
  if (byState) header.push("state_code");
  header.push("bodies");
  for (const code of table.nodes) header.push(code, `${code}:n`, `${code}:na`, `${code}:missing`, ...extras.map((s) => `${code}:${s}`));
  out.writeRow(header);
  const num = (x: number | null | undefined): string | null => (x === null || x === undefined ? null : round === undefined ? String(x) : formatFixed(x, round));
  for (const g of table.groups) {
    const cells: (string | number | null)[] = [...g.key];
    if (byState) cells.push(g.stateCode ?? null);
    cells.push(g.bodies);
    for (const s of g.nodes) {
      cells.push(num(s.mean), s.n, s.notApplicable, s.missing);
      for (const e of extras) cells.push(num(s[e as keyof NodeStats] as number | null | undefined));
    }
    out.writeRow(cells);
  }
}

/** The table with means and statistics rounded half up (for JSON output with --round). */
function rounded(table: AggregateTable, round: number | undefined): AggregateTable {
  if (round === undefined) return table;
  const r = (x: number | null | undefined) => (typeof x === "number" ? roundHalfUp(x, round) : x);
  return {
    ...table,
    groups: table.groups.map((g) => ({
      ...g,
      nodes: g.nodes.map((s) => {
        const copy: Record<string, unknown> = { ...s, mean: r(s.mean) };
        for (const e of EXTRA) if (e in s) copy[e] = r(s[e as keyof NodeStats] as number | null);
        if (s.quantiles) copy.quantiles = s.quantiles.map((q) => r(q));
        return copy as unknown as NodeStats;
      }),
    })),
  };
}

/** Writes an aggregate table as one JSON document (`json`) or one group per line (`ndjson`). */
export function writeTableJson(table: AggregateTable, sink: TextSink, format: "json" | "ndjson", round: number | undefined): void {
  const t = rounded(table, round);
  if (format === "json") sink.write(`${JSON.stringify(t, null, 2)}\n`);
  else for (const g of t.groups) sink.write(`${JSON.stringify(g)}\n`);
}

/**
 * Writes an aggregate table in the chosen format, after printing its issues (unknown states,
 * invalid weights) as warnings.
 * @param table - the table
 * @param sink - the output
 * @param o - format, `--raw` and `--round`
 * @param reporter - where the warnings go
 */
export function writeTable(
  table: AggregateTable,
  sink: TextSink,
  o: { readonly format: "csv" | "json" | "ndjson"; readonly raw: boolean; readonly round?: number | undefined },
  reporter: Reporter,
): void {
  for (const issue of table.issues) reporter.line(`${issue.path}: warning: ${issue.message.replace(/^resolveState: /, "")}`);
  if (o.format === "csv") writeTableCsv(table, new CsvWriter(sink, { raw: o.raw }), o.round);
  else writeTableJson(table, sink, o.format, o.round);
}
