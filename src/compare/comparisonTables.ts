/**
 * Comparisons as tables: tidy records for plotting (one per unit × node × edition) and wide
 * tables (one row per body or group), both plain data that CSV, JSON and a notebook print as they
 * are.
 */
import { rankValues } from "../aggregate/rank.js";
import type { NodeStatus } from "../score/scoreBody.js";
import type { Comparison, NodeComparison } from "./compareScores.js";
import type { GroupComparisonTable } from "./compareGroups.js";

/**
 * One value of one node of one unit under one edition.
 * @example
 * const c = compareEditions([{ id: "A", values: { "tg.tr": 0.75 } }], rubric, loadEdition("2019"));
 * const r: TidyRecord = tidyComparison(c).find((x) => x.code === "tg.tr")!;
 * r // => { unit: "A", kind: "body", node: "tg.ta", code: "tg.tr", edition: "2017", side: "from", value: 0.75, rank: 1, status: "scored", assumed: ["tg.tr → tg.ta"] }
 */
export interface TidyRecord {
  /** The body's id, or the group's key (fields joined by " / "; "all" for a national row). */
  readonly unit: string;
  readonly kind: "body" | "group";
  /** The node, by its `to` code (the same under both editions, so a plot can join on it). */
  readonly node: string;
  /** The node's own code under this edition (`tg.tr` for 2017's row of `tg.ta`). */
  readonly code: string;
  /** The edition's label (`2017`). */
  readonly edition: string;
  readonly side: "from" | "to";
  readonly value: number | null;
  /** Rank of the unit on this node under this edition (1 = highest; ties share the best rank). */
  readonly rank: number | null;
  readonly status: NodeStatus;
  /** Assumed mappings at or below this node that the unit relies on. */
  readonly assumed: readonly string[];
}

/**
 * A wide table: column names and rows of cells.
 * @example
 * const c = compareEditions([{ id: "A", values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }], rubric, loadEdition("2019"));
 * const w: WideTable = wideComparison(c);
 * [w.columns.slice(0, 4), w.rows[0]!.slice(0, 4)] // => [["id", "iga_from", "iga_to", "diff"], ["A", 0.35, 0.35, 0]]
 */
export interface WideTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number | null)[])[];
}

/**
 * Options of the tables.
 * @example
 * const c = compareEditions([{ id: "A", values: { TG: 0.5, TC: 0.5, PG: 0.25, PC: 0.25 } }, { id: "B", values: { TG: 0.5, TC: 0.5, PG: 0.3, PC: 0.3 } }], rubric, loadEdition("2019"));
 * const root = (options?: TableOptions) => tidyComparison(c, undefined, options).filter((r) => r.node === "iga" && r.side === "from").map((r) => [r.value, r.rank]);
 * root(); // => [[0.375, 2], [0.4, 1]]
 * root({ rankDecimals: 1 }) // => [[0.375, 1], [0.4, 1]]
 */
export interface TableOptions {
  /** Judge rank ties on values rounded to this many decimals; default the comparison's. */
  readonly rankDecimals?: number;
}

const IDENTITY = ["name", "state", "level", "type"];

function unitKey(key: readonly string[]): string {
  return key.length === 0 ? "all" : key.join(" / ");
}

/**
 * Tidy records of a comparison: per body (or group), per crosswalked node, per edition, the value,
 * the rank of the unit on that node under that edition, the status, and the assumed mappings at or
 * below the node that the unit relies on. Ordered by unit, then node, then edition. With a group
 * table, its groups (paired tables: every crosswalked node; unpaired: the root).
 * @param comparison - from `compareScores` or `compareEditions`
 * @param groups - a group table to tabulate instead of the bodies
 * @param options - rank precision
 * @returns the records
 * @example
 * const c = compareEditions([{ id: "A", values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }], rubric, loadEdition("2019"));
 * tidyComparison(c).filter((r) => r.node === "iga").map((r) => [r.unit, r.edition, r.value, r.rank]) // => [["A", "2017", 0.35, 1], ["A", "2019", 0.35, 1]]
 * tidyComparison(c).length // => 2 * c.pairs.length * c.bodies.length
 */
export function tidyComparison(comparison: Comparison, groups?: GroupComparisonTable, options: TableOptions = {}): TidyRecord[] {
  const decimals = options.rankDecimals ?? comparison.rankDecimals;
  const rankOptions = decimals !== undefined ? { decimals } : {};
  const pairs = groups !== undefined && !groups.paired ? comparison.pairs.slice(0, 1) : comparison.pairs;
  const units =
    groups === undefined
      ? comparison.bodies.map((b) => ({ unit: b.id, kind: "body" as const, nodes: b.nodes, assumed: b.assumed }))
      : groups.groups.map((g) => ({
          unit: unitKey(g.key),
          kind: "group" as const,
          nodes:
            g.nodes ??
            [{ from: comparison.root.from, to: comparison.root.to, valueFrom: g.from, valueTo: g.to, statusFrom: g.from === null ? "missing" : "scored", statusTo: g.to === null ? "missing" : "scored", diff: g.diff } satisfies NodeComparison],
          assumed: g.assumed,
        }));
  const ranks = pairs.map((_, p) => ({
    from: rankValues(units.map((u) => u.nodes[p]!.valueFrom), rankOptions),
    to: rankValues(units.map((u) => u.nodes[p]!.valueTo), rankOptions),
  }));
  const out: TidyRecord[] = [];
  units.forEach((u, i) => {
    pairs.forEach((pair, p) => {
      const n = u.nodes[p]!;
      const assumed = pair.assumedBelow.filter((l) => u.assumed.includes(l));
      out.push(
        { unit: u.unit, kind: u.kind, node: pair.to, code: pair.from, edition: comparison.from.label, side: "from", value: n.valueFrom, rank: ranks[p]!.from[i] ?? null, status: n.statusFrom, assumed },
        { unit: u.unit, kind: u.kind, node: pair.to, code: pair.to, edition: comparison.to.label, side: "to", value: n.valueTo, rank: ranks[p]!.to[i] ?? null, status: n.statusTo, assumed },
      );
    });
  });
  return out;
}

/** Field names of the bodies (identity fields first, then the others as first seen). */
function fieldNames(comparison: Comparison): string[] {
  const seen = new Set<string>();
  for (const b of comparison.bodies) for (const k of Object.keys(b.fields)) seen.add(k);
  for (const u of comparison.unmatched) for (const k of Object.keys(u.fields)) seen.add(k);
  seen.delete("id");
  return [...IDENTITY.filter((f) => seen.has(f)), ...[...seen].filter((f) => !IDENTITY.includes(f))];
}

/**
 * The per-body wide table: `id`, the fields, `<root>_from`, `<root>_to`, `diff`, `rank_from`,
 * `rank_to`, `rank_shift`, one `attr:<code>` per component (its `to` code), `attr:only_from`,
 * `attr:only_to`, `assumed` (labels joined by "; "), `bridged` (compareEditions), `note`,
 * `suggested` (when some bodies are unmatched), then `weight:<code>` and `value:<code>` per
 * component, then `<code>_from` and `<code>_to` for every other crosswalked node (by `to` code).
 * Unmatched bodies follow the joined ones, with their reason in `note`.
 * @param comparison - from `compareScores` or `compareEditions`
 * @returns columns and rows
 * @example
 * const r19 = loadEdition("2019");
 * const from = { rubric, scores: [scoreBody(rubric, { id: "A", fields: { state: "Jalisco" }, values: { TG: 0.5, TC: 0.5, PG: 0.25, PC: 0.25 } })] };
 * const to = { rubric: r19, scores: [scoreBody(r19, { id: "A", fields: { state: "Jalisco" }, values: { TG: 1, TC: 1, PG: 0.5, PC: 0.5 } })] };
 * const w = wideComparison(compareScores(from, to));
 * w.columns.slice(0, 9) // => ["id", "state", "iga_from", "iga_to", "diff", "rank_from", "rank_to", "rank_shift", "attr:tg.ai"]
 * w.rows[0]!.slice(0, 8) // => ["A", "Jalisco", 0.375, 0.75, 0.375, 1, 1, 0]
 */
export function wideComparison(comparison: Comparison): WideTable {
  const fields = fieldNames(comparison);
  const root = comparison.root.to;
  const comps = comparison.components.map((c) => c.code);
  const others = comparison.pairs.slice(1);
  const bridged = comparison.bodies.some((b) => b.bridged !== undefined);
  const suggested = comparison.unmatched.length > 0;
  const columns = [
    "id",
    ...fields,
    `${root}_from`,
    `${root}_to`,
    "diff",
    "rank_from",
    "rank_to",
    "rank_shift",
    ...comps.map((c) => `attr:${c}`),
    "attr:only_from",
    "attr:only_to",
    "assumed",
    ...(bridged ? ["bridged"] : []),
    "note",
    ...(suggested ? ["suggested"] : []),
    ...comps.flatMap((c) => [`weight:${c}`, `value:${c}`]),
    ...others.flatMap((p) => [`${p.to}_from`, `${p.to}_to`]),
  ];
  const rows: (string | number | null)[][] = comparison.bodies.map((b) => {
    const a = b.attribution;
    return [
      b.id,
      ...fields.map((f) => b.fields[f] ?? null),
      b.from,
      b.to,
      b.diff,
      b.rankFrom,
      b.rankTo,
      b.rankShift,
      ...comps.map((_, k) => a?.components[k]!.total ?? null),
      a?.onlyFrom ?? null,
      a?.onlyTo ?? null,
      b.assumed.join("; "),
      ...(bridged ? [(b.bridged ?? []).join("; ")] : []),
      b.note ?? null,
      ...(suggested ? [null] : []),
      ...comps.flatMap((_, k) => [a?.components[k]!.weight ?? null, a?.components[k]!.value ?? null]),
      ...others.flatMap((_, p) => [b.nodes[p + 1]!.valueFrom ?? statusCell(b.nodes[p + 1]!.statusFrom), b.nodes[p + 1]!.valueTo ?? statusCell(b.nodes[p + 1]!.statusTo)]),
    ];
  });
  for (const u of comparison.unmatched) {
    const value = u.value ?? statusCell(u.status);
    rows.push([
      u.id,
      ...fields.map((f) => u.fields[f] ?? null),
      u.side === "from" ? value : null,
      u.side === "to" ? value : null,
      null,
      null,
      null,
      null,
      ...comps.map(() => null),
      null,
      null,
      "",
      ...(bridged ? [""] : []),
      u.reason,
      u.suggestions.map((s) => `${s.id} (${s.name})`).join("; "),
      ...comps.flatMap(() => [null, null]),
      ...others.flatMap(() => [null, null]),
    ]);
  }
  return { columns, rows };
}

/** `NA` for a node not applicable, empty for one missing (as scores files write them). */
function statusCell(status: NodeStatus): string | null {
  return status === "not_applicable" ? "NA" : null;
}

/**
 * The per-group wide table: the grouping fields, `state_code` (grouping by state), `bodies` and
 * `n` (paired tables: bodies in the group, and those scored under both), `n_from`, `n_to`, `<root>_from`, `<root>_to`, `diff`, `rank_from`, `rank_to`, `rank_shift`,
 * then (paired tables) the attribution columns as in `wideComparison`, `assumed`, and every other
 * crosswalked node's two means.
 * @param comparison - the comparison the table groups (for the component and node names)
 * @param table - from `compareGroups` or `compareGroupMeans`
 * @returns columns and rows
 * @example
 * const c = compareEditions([{ id: "A", fields: { state: "Jalisco" }, values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }], rubric, loadEdition("2019"));
 * const w = wideGroups(c, compareGroups(c, ["state"]));
 * w.columns.slice(0, 9) // => ["state", "state_code", "bodies", "n", "n_from", "n_to", "iga_from", "iga_to", "diff"]
 * w.rows[0]!.slice(0, 9) // => ["Jalisco", "14", 1, 1, 1, 1, 0.35, 0.35, 0]
 */
export function wideGroups(comparison: Pick<Comparison, "root" | "components" | "pairs">, table: GroupComparisonTable): WideTable {
  const root = comparison.root.to;
  const byState = table.by.includes("state");
  const comps = table.paired ? comparison.components.map((c) => c.code) : [];
  const others = table.paired ? comparison.pairs.slice(1) : [];
  const columns = [
    ...table.by,
    ...(byState ? ["state_code"] : []),
    ...(table.paired ? ["bodies", "n"] : []),
    "n_from",
    "n_to",
    `${root}_from`,
    `${root}_to`,
    "diff",
    "rank_from",
    "rank_to",
    "rank_shift",
    ...(table.paired ? [...comps.map((c) => `attr:${c}`), "attr:only_from", "attr:only_to"] : []),
    "assumed",
    ...comps.flatMap((c) => [`weight:${c}`, `value:${c}`]),
    ...others.flatMap((p) => [`${p.to}_from`, `${p.to}_to`]),
  ];
  const rows = table.groups.map((g) => {
    const a = g.attribution;
    return [
      ...g.key,
      ...(byState ? [g.stateCode ?? null] : []),
      ...(table.paired ? [g.bodies, g.n] : []),
      g.nFrom,
      g.nTo,
      g.from,
      g.to,
      g.diff,
      g.rankFrom,
      g.rankTo,
      g.rankShift,
      ...(table.paired ? [...comps.map((_, k) => a?.components[k]!.total ?? null), a?.onlyFrom ?? null, a?.onlyTo ?? null] : []),
      g.assumed.join("; "),
      ...comps.flatMap((_, k) => [a?.components[k]!.weight ?? null, a?.components[k]!.value ?? null]),
      ...others.flatMap((_, p) => [g.nodes?.[p + 1]?.valueFrom ?? null, g.nodes?.[p + 1]?.valueTo ?? null]),
    ];
  });
  return { columns, rows };
}
