import { formatFixed, rankValues, roundHalfUp, type AggregateTable, type GroupStats, type NodeStats, type StatName } from "../index.js";
import { CsvWriter } from "../io/writeCsv.js";
import type { TextSink } from "../io/textSink.js";
import { UsageError } from "./errors.js";
import type { Reporter } from "./report.js";

const EXTRA: readonly StatName[] = ["median", "sd", "min", "max"];

/** How a table is presented: which nodes, which columns, which order, whether ranked. */
export interface TableLayout {
  readonly format: "csv" | "json" | "ndjson";
  readonly raw: boolean;
  readonly round?: number | undefined;
  /** Node codes to write, in this order; empty writes every node. */
  readonly nodes: readonly string[];
  /** `full` (default): mean, n, na, missing and statistics per node; `value`: mean and statistics. */
  readonly columns?: "value" | "full" | undefined;
  readonly order: "first" | "key" | "value" | "-value";
  /** Add a `rank` column (implied by `--order value|-value`). */
  readonly rank: boolean;
}

/** A table laid out for writing: its groups in order, the nodes kept, and each group's rank. */
interface Arranged {
  readonly table: AggregateTable;
  readonly nodes: readonly number[];
  readonly ranks: readonly (number | null)[] | undefined;
}

/**
 * Positions of the nodes to write, as `--nodes` names them (codes or aliases resolved by `resolve`).
 * @throws UsageError naming an unknown node and the known ones
 */
export function selectNodes(command: string, codes: readonly string[], wanted: readonly string[], resolve: (name: string) => string | undefined = (n) => n): number[] {
  if (wanted.length === 0) return codes.map((_, j) => j);
  return wanted.map((name) => {
    const j = codes.indexOf(resolve(name) ?? name);
    if (j < 0) throw new UsageError(command, `--nodes: ${JSON.stringify(name)} is not a node of the output; the nodes are ${codes.join(", ")}`);
    return j;
  });
}

/**
 * Orders and ranks a table's groups. Ranks and value order follow the first node written (the
 * index unless `--nodes` says otherwise), highest first, ties ranked as published tables rank them
 * (competition ranking on the values as printed, i.e. after `--round`); groups without a value
 * come last, unranked. `key` order is the aggregator's own.
 */
function arrange(table: AggregateTable, nodes: readonly number[], layout: TableLayout): Arranged {
  const ranked = layout.rank || layout.order === "value" || layout.order === "-value";
  if (!ranked) return { table, nodes, ranks: undefined };
  const lead = nodes[0]!;
  const means = table.groups.map((g) => g.nodes[lead]?.mean ?? null);
  const ranks = rankValues(means, { ...(layout.round !== undefined ? { decimals: layout.round } : {}) });
  let order = table.groups.map((_, i) => i);
  if (layout.order === "value" || layout.order === "-value") {
    const sign = layout.order === "value" ? 1 : -1;
    order = order.sort((a, b) => {
      const ra = ranks[a] ?? null;
      const rb = ranks[b] ?? null;
      if (ra === null || rb === null) return ra === rb ? a - b : ra === null ? 1 : -1;
      return sign * (ra - rb) || a - b;
    });
  }
  return { table: { ...table, groups: order.map((i) => table.groups[i]!) }, nodes, ranks: order.map((i) => ranks[i] ?? null) };
}

/**
 * Writes an aggregate table as CSV: `rank` (when ranked), the key columns, `state_code` when
 * grouping by state, `bodies`, then per node the mean (under the node code), with `--columns full`
 * (the default) `code:n`, `code:na`, `code:missing`, then `code:<stat>` for each extra statistic
 * and `code:p05`... for each quantile. A mean or statistic with no scored body is an empty cell;
 * `round` formats means and statistics with that many decimals, half up.
 */
function writeTableCsv(a: Arranged, out: CsvWriter, layout: TableLayout): void {
  const { table, nodes, ranks } = a;
  const full = (layout.columns ?? "full") === "full";
  const extras = EXTRA.filter((s) => table.stats.includes(s));
  const quantileNames = table.quantiles.map(quantileName);
  const byState = table.by.includes("state");
  const header: string[] = ranks ? ["rank", ...table.by] : [...table.by];
  if (byState) header.push("state_code");
  header.push("bodies");
  for (const j of nodes) {
    const code = table.nodes[j]!;
    header.push(code);
    if (full) header.push(`${code}:n`, `${code}:na`, `${code}:missing`);
    header.push(...extras.map((s) => `${code}:${s}`), ...quantileNames.map((q) => `${code}:${q}`));
  }
  out.writeRow(header);
  const num = (x: number | null | undefined): string | null => (x === null || x === undefined ? null : layout.round === undefined ? String(x) : formatFixed(x, layout.round));
  table.groups.forEach((g, i) => {
    const cells: (string | number | null)[] = ranks ? [ranks[i]!, ...g.key] : [...g.key];
    if (byState) cells.push(g.stateCode ?? null);
    cells.push(g.bodies);
    for (const j of nodes) {
      const s = g.nodes[j]!;
      cells.push(num(s.mean));
      if (full) cells.push(s.n, s.notApplicable, s.missing);
      for (const e of extras) cells.push(num(s[e as keyof NodeStats] as number | null | undefined));
      for (const q of s.quantiles ?? []) cells.push(num(q));
    }
    out.writeRow(cells);
  });
}

/** `p05` for 0.05, `p50` for 0.5, `p99.5` for 0.995. */
function quantileName(q: number): string {
  const pct = Number((q * 100).toFixed(10));
  return `p${pct < 10 ? `0${pct}` : pct}`;
}

/** The groups as JSON objects: the nodes kept, rounded with --round, with their rank. */
function jsonGroups(a: Arranged, layout: TableLayout): (GroupStats & { rank?: number | null })[] {
  const r = (x: number | null | undefined) => (typeof x === "number" && layout.round !== undefined ? roundHalfUp(x, layout.round) : x);
  return a.table.groups.map((g, i) => ({
    ...(a.ranks ? { rank: a.ranks[i]! } : {}),
    ...g,
    nodes: a.nodes.map((j) => {
      const s = g.nodes[j]!;
      const copy: Record<string, unknown> = { ...s, mean: r(s.mean) };
      for (const e of EXTRA) if (e in s) copy[e] = r(s[e as keyof NodeStats] as number | null);
      if (s.quantiles) copy.quantiles = s.quantiles.map((q) => r(q));
      return copy as unknown as NodeStats;
    }),
  }));
}

/**
 * Writes an aggregate table in the chosen format and layout, after printing its issues (unknown
 * states, invalid weights) as warnings, at most `reporter.limit` of each kind.
 * @param table - the table
 * @param sink - the output
 * @param layout - format, nodes, columns, order, rank, `--raw` and `--round`
 * @param reporter - where the warnings go
 * @param nodes - positions of the nodes to write (from `selectNodes`)
 */
export function writeTable(table: AggregateTable, sink: TextSink, layout: TableLayout, reporter: Reporter, nodes: readonly number[]): void {
  for (const issue of table.issues) reporter.limited(issue.code, `${issue.path}: warning: ${issue.message.replace(/^resolveState: /, "")}`);
  for (const code of new Set(table.issues.map((i) => i.code))) {
    const hidden = reporter.hidden(code);
    if (hidden > 0) reporter.line(`... and ${hidden} more ${code.replace(/_/g, " ")} warning${hidden === 1 ? "" : "s"}`);
  }
  const a = arrange(table, nodes, layout);
  if (layout.format === "csv") writeTableCsv(a, new CsvWriter(sink, { raw: layout.raw }), layout);
  else if (layout.format === "json") sink.write(`${JSON.stringify({ ...a.table, nodes: a.nodes.map((j) => table.nodes[j]!), groups: jsonGroups(a, layout) }, null, 2)}\n`);
  else for (const g of jsonGroups(a, layout)) sink.write(`${JSON.stringify(g)}\n`);
}
