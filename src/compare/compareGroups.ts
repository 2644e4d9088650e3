/**
 * Comparisons by group (state, type, level...): group means under each rubric, their difference,
 * ranks and rank shifts, and the attribution of the difference of the group means.
 *
 * `compareGroups` groups a body comparison (paired bodies); `compareGroupMeans` compares two sets
 * of results that need not hold the same bodies (each side's own group means, as published tables
 * compare). Both group through the one streaming `Aggregator` (compensated sums, canonical state
 * names, first-seen or key order).
 */
import { aggregate, Aggregator } from "../aggregate/aggregateBy.js";
import { rankValues } from "../aggregate/rank.js";
import { STATUS_MISSING, STATUS_SCORED } from "../engine/codes.js";
import type { Issue } from "../issue.js";
import type { Attribution, ComponentEffect } from "./attribution.js";
import { planComparison, type CrosswalkPair } from "./comparisonPlan.js";
import type { Comparison, CompareOptions, NodeComparison, ScoreSet } from "./compareScores.js";
import { crosswalkFor, sideLabels } from "./compareScores.js";

/**
 * One group compared.
 * @example
 * const c = compareEditions([{ id: "A", fields: { state: "Jalisco" }, values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }], rubric, loadEdition("2019"));
 * const g: GroupComparison = compareGroups(c, ["state"]).groups[0]!;
 * [g.key, g.stateCode, g.bodies, g.n, g.nFrom, g.nTo]; // => [["Jalisco"], "14", 1, 1, 1, 1]
 * [g.from, g.to, g.diff, g.rankShift, g.attribution!.components.length] // => [0.35, 0.35, 0, 0, 17]
 */
export interface GroupComparison {
  /** One value per grouping field (canonical state names for `state`). */
  readonly key: readonly string[];
  /** INEGI code of the group's state when grouping by state. */
  readonly stateCode?: string;
  /** Bodies in the group (unpaired tables: rows of both sets together). */
  readonly bodies: number;
  /** Bodies whose root is scored under both rubrics: a paired table's means are over these (0 in unpaired tables). */
  readonly n: number;
  /** Bodies whose root is scored under each rubric. */
  readonly nFrom: number;
  readonly nTo: number;
  /** Mean of the root under each rubric. */
  readonly from: number | null;
  readonly to: number | null;
  readonly diff: number | null;
  /** Rank of the group among the groups (1 = highest mean; ties share the best rank). */
  readonly rankFrom: number | null;
  readonly rankTo: number | null;
  /** rankFrom − rankTo: positive when the group climbed. */
  readonly rankShift: number | null;
  /** Mean of the bodies' attributions: sums to `diff` (paired tables only). */
  readonly attribution: Attribution | null;
  /** Assumed mappings any body of the group relies on (unpaired tables: every assumed mapping above or at the components). */
  readonly assumed: readonly string[];
  /** Means of every crosswalked node, over the bodies where that node is scored under both rubrics (paired tables only). */
  readonly nodes?: readonly NodeComparison[];
}

/**
 * A group comparison table.
 * @example
 * const c = compareEditions([{ id: "A", fields: { state: "Atlantis" }, values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }], rubric, loadEdition("2019"));
 * const t: GroupComparisonTable = compareGroups(c, ["state"]);
 * [t.by, t.paired, t.groups.length, t.issues.map((i) => i.code)] // => [["state"], true, 1, ["unknown_state"]]
 */
export interface GroupComparisonTable {
  readonly by: readonly string[];
  /**
   * True when the means are over the same bodies under both rubrics (a body comparison grouped):
   * then attributions exist and sum to the differences. False for `compareGroupMeans`.
   */
  readonly paired: boolean;
  readonly groups: readonly GroupComparison[];
  /** Unknown state names: reported, never guessed. */
  readonly issues: readonly Issue[];
}

/**
 * Options of the group tables.
 * @example
 * const bodies = [
 *   { id: "A", fields: { state: "Jalisco" }, values: { TG: 0.5, TC: 0.5, PG: 0.25, PC: 0.25 } },
 *   { id: "B", fields: { state: "Colima" }, values: { TG: 0.5, TC: 0.5, PG: 0.3, PC: 0.3 } },
 * ];
 * const options: GroupOptions = { order: "key", decimals: 1 };
 * const t = compareGroups(compareEditions(bodies, rubric, loadEdition("2019")), ["state"], options);
 * t.groups.map((g) => [g.key[0], g.from, g.rankFrom]) // => [["Colima", 0.4, 1], ["Jalisco", 0.375, 1]]
 */
export interface GroupOptions {
  /** Judge rank ties on values rounded to this many decimals; default exact values. */
  readonly decimals?: number;
  /** Group order: first seen (default) or sorted by key (states by INEGI code). */
  readonly order?: "first_seen" | "key";
}

/**
 * Groups a body comparison: per group, the means of the root (and of every crosswalked node)
 * under each rubric over the bodies scored under both, their difference, ranks and rank shifts,
 * and the mean attribution, which sums to the difference of the means. `nFrom` and `nTo` count the
 * bodies scored under each rubric, so a group whose bodies drop out under one rubric shows it.
 * An empty comparison gives no groups.
 * @param comparison - from `compareScores` or `compareEditions`
 * @param by - grouping fields, e.g. `["state"]`; `[]` is one national row
 * @param options - rank precision and order
 * @returns the table
 * @example
 * const r19 = loadEdition("2019");
 * const body = (r: CompiledRubric, id: string, state: string, t: number, p: number) => scoreBody(r, { id, fields: { state }, values: { TG: t, TC: t, PG: p, PC: p } });
 * const c = compareScores(
 *   { rubric, scores: [body(rubric, "A", "Jalisco", 0.5, 0.25), body(rubric, "B", "Colima", 0.75, 0.5)] },
 *   { rubric: r19, scores: [body(r19, "A", "Jalisco", 1, 0.5), body(r19, "B", "Colima", 0.75, 0.25)] },
 * );
 * compareGroups(c, ["state"]).groups.map((g) => [g.key[0], g.from, g.to, g.diff, g.rankShift]); // => [["Jalisco", 0.375, 0.75, 0.375, 1], ["Colima", 0.625, 0.5, -0.125, -1]]
 * compareGroups(c, []).groups[0]!.diff // => 0.125
 */
export function compareGroups(comparison: Comparison, by: readonly string[], options: GroupOptions = {}): GroupComparisonTable {
  const K = comparison.components.length;
  const P = comparison.pairs.length;
  const assumedLabels = [...new Set(comparison.pairs.filter((p) => p.assumed).map((p) => p.label))];
  // Columns: paired root (from, to), root per side, attribution (weight, value per component;
  // only-from; only-to), paired node values (from, to per pair), one 0/1 column per assumed label.
  const ROOT = 0;
  const SIDE = 2;
  const ATTR = 4;
  const NODES = ATTR + 2 * K + 2;
  const ASSUMED = NODES + 2 * P;
  const width = ASSUMED + assumedLabels.length;
  const codes = Array.from({ length: width }, (_, j) => `c${j}`);
  const agg = new Aggregator(codes, { by, order: options.order ?? "first_seen" });
  const values = new Float64Array(width);
  const status = new Uint8Array(width);
  comparison.bodies.forEach((b, i) => {
    status.fill(STATUS_MISSING);
    values.fill(0);
    const put = (j: number, v: number | null) => {
      if (v === null) return;
      values[j] = v;
      status[j] = STATUS_SCORED;
    };
    if (b.from !== null && b.to !== null) {
      put(ROOT, b.from);
      put(ROOT + 1, b.to);
    }
    put(SIDE, b.from);
    put(SIDE + 1, b.to);
    if (b.attribution !== null) {
      b.attribution.components.forEach((c, k) => {
        put(ATTR + 2 * k, c.weight);
        put(ATTR + 2 * k + 1, c.value);
      });
      put(ATTR + 2 * K, b.attribution.onlyFrom);
      put(ATTR + 2 * K + 1, b.attribution.onlyTo);
    }
    b.nodes.forEach((n, p) => {
      if (n.valueFrom !== null && n.valueTo !== null) {
        put(NODES + 2 * p, n.valueFrom);
        put(NODES + 2 * p + 1, n.valueTo);
      }
    });
    assumedLabels.forEach((label, a) => put(ASSUMED + a, b.assumed.includes(label) ? 1 : 0));
    const fields = b.fields;
    agg.add((name) => (Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : undefined), values, status, b.id);
  });
  const table = agg.result();
  const mean = (g: (typeof table.groups)[number], j: number) => g.nodes[j]!.mean;
  const means = table.groups.map((g) => [mean(g, ROOT), mean(g, ROOT + 1)] as const);
  const ranksFrom = rankValues(means.map((m) => m[0]), decimalsOf(options));
  const ranksTo = rankValues(means.map((m) => m[1]), decimalsOf(options));
  const groups = table.groups.map((g, i): GroupComparison => {
    const [from, to] = means[i]!;
    const n = g.nodes[ROOT]!.n;
    const nAttr = K > 0 ? g.nodes[ATTR]!.n : g.nodes[ATTR + 2 * K]!.n;
    const attribution: Attribution | null =
      nAttr > 0
        ? {
            components: comparison.components.map((c, k): ComponentEffect => {
              const weight = mean(g, ATTR + 2 * k) ?? 0;
              const value = mean(g, ATTR + 2 * k + 1) ?? 0;
              return { code: c.code, weight, value, total: weight + value };
            }),
            onlyFrom: mean(g, ATTR + 2 * K) ?? 0,
            onlyTo: mean(g, ATTR + 2 * K + 1) ?? 0,
          }
        : null;
    const rankFrom = ranksFrom[i] ?? null;
    const rankTo = ranksTo[i] ?? null;
    return {
      key: g.key,
      ...(g.stateCode !== undefined ? { stateCode: g.stateCode } : {}),
      bodies: g.bodies,
      n,
      nFrom: g.nodes[SIDE]!.n,
      nTo: g.nodes[SIDE + 1]!.n,
      from,
      to,
      diff: from !== null && to !== null ? to - from : null,
      rankFrom,
      rankTo,
      rankShift: rankFrom !== null && rankTo !== null ? rankFrom - rankTo : null,
      attribution,
      assumed: assumedLabels.filter((_, a) => (mean(g, ASSUMED + a) ?? 0) > 0),
      nodes: comparison.pairs.map((pair, p): NodeComparison => {
        const vf = mean(g, NODES + 2 * p);
        const vt = mean(g, NODES + 2 * p + 1);
        return { from: pair.from, to: pair.to, valueFrom: vf, valueTo: vt, statusFrom: vf === null ? "missing" : "scored", statusTo: vt === null ? "missing" : "scored", diff: vf !== null && vt !== null ? vt - vf : null };
      }),
    };
  });
  return { by: [...by], paired: true, groups, issues: table.issues };
}

function decimalsOf(options: GroupOptions): { decimals?: number } {
  return options.decimals !== undefined ? { decimals: options.decimals } : {};
}

/**
 * Compares the group means of two sets of results that need not hold the same bodies (the 908
 * bodies of 2017 and the 1,243 of 2019, say): per group, each side's mean of the root over its own
 * scored bodies, the difference, ranks and rank shifts. Without pairs there is no attribution; each
 * row lists every assumed mapping above or at the components, since both indices rest on them.
 * Groups found on one side only have the other side's mean null. Empty input gives no groups.
 * @param from - results under the `from` rubric
 * @param to - results under the `to` rubric
 * @param by - grouping fields, e.g. `["state"]`
 * @param options - crosswalk, rank precision, order
 * @returns the table (`paired: false`)
 * @example
 * const r19 = loadEdition("2019");
 * const body = (r: CompiledRubric, id: string, state: string, t: number, p: number) => scoreBody(r, { id, fields: { state }, values: { TG: t, TC: t, PG: p, PC: p } });
 * const from = { rubric, scores: [body(rubric, "A", "Jalisco", 0.5, 0.25), body(rubric, "B", "Colima", 0.75, 0.5)] };
 * const to = { rubric: r19, scores: [body(r19, "C", "Jalisco", 1, 0.5)] };
 * const t = compareGroupMeans(from, to, ["state"]);
 * t.paired // => false
 * t.groups.map((g) => [g.key[0], g.nFrom, g.nTo, g.from, g.to, g.diff]) // => [["Jalisco", 1, 1, 0.375, 0.75, 0.375], ["Colima", 1, 0, 0.625, null, null]]
 */
export function compareGroupMeans(from: ScoreSet, to: ScoreSet, by: readonly string[], options: GroupOptions & Pick<CompareOptions, "crosswalk" | "labels"> = {}): GroupComparisonTable {
  const plan = planComparison(from.rubric, to.rubric, crosswalkFor(from.rubric, to.rubric, options.crosswalk, "compareGroupMeans"));
  sideLabels(from.rubric, to.rubric, options.labels);
  const relied = new Set<string>();
  const add = (p: CrosswalkPair | undefined) => {
    if (p?.assumed) relied.add(p.label);
  };
  const pairOfTo = new Map(plan.pairNodes.map((p, i) => [p.to, plan.pairs[i]!]));
  for (const u of plan.upper) add(pairOfTo.get(u.toNode));
  for (const c of plan.components) add(pairOfTo.get(c.toNode));
  const assumed = plan.pairs.filter((p) => relied.has(p.label)).map((p) => p.label);
  const order = options.order ?? "first_seen";
  const a = aggregate(from.scores, { by, order });
  const b = aggregate(to.scores, { by, order });
  const rootA = 0;
  const rootB = 0;
  const keyOf = (key: readonly string[]) => JSON.stringify(key);
  const merged = new Map<string, { key: readonly string[]; stateCode?: string; a?: (typeof a.groups)[number]; b?: (typeof b.groups)[number] }>();
  for (const g of a.groups) merged.set(keyOf(g.key), { key: g.key, ...(g.stateCode !== undefined ? { stateCode: g.stateCode } : {}), a: g });
  for (const g of b.groups) {
    const m = merged.get(keyOf(g.key));
    if (m) m.b = g;
    else merged.set(keyOf(g.key), { key: g.key, ...(g.stateCode !== undefined ? { stateCode: g.stateCode } : {}), b: g });
  }
  let list = [...merged.values()];
  if (order === "key") {
    const sortKey = (m: (typeof list)[number]) => (m.stateCode === undefined ? "\uffff" : m.stateCode === "FED" ? "99" : m.stateCode);
    list = list.sort((x, y) => (sortKey(x) < sortKey(y) ? -1 : sortKey(x) > sortKey(y) ? 1 : keyOf(x.key) < keyOf(y.key) ? -1 : keyOf(x.key) > keyOf(y.key) ? 1 : 0));
  }
  const fromMeans = list.map((m) => m.a?.nodes[rootA]?.mean ?? null);
  const toMeans = list.map((m) => m.b?.nodes[rootB]?.mean ?? null);
  const ranksFrom = rankValues(fromMeans, decimalsOf(options));
  const ranksTo = rankValues(toMeans, decimalsOf(options));
  const groups = list.map((m, i): GroupComparison => {
    const f = fromMeans[i]!;
    const t = toMeans[i]!;
    const rankFrom = ranksFrom[i] ?? null;
    const rankTo = ranksTo[i] ?? null;
    return {
      key: m.key,
      ...(m.stateCode !== undefined ? { stateCode: m.stateCode } : {}),
      bodies: (m.a?.bodies ?? 0) + (m.b?.bodies ?? 0),
      n: 0,
      nFrom: m.a?.nodes[rootA]?.n ?? 0,
      nTo: m.b?.nodes[rootB]?.n ?? 0,
      from: f,
      to: t,
      diff: f !== null && t !== null ? t - f : null,
      rankFrom,
      rankTo,
      rankShift: rankFrom !== null && rankTo !== null ? rankFrom - rankTo : null,
      attribution: null,
      assumed,
    };
  });
  return { by: [...by], paired: false, groups, issues: [...a.issues, ...b.issues] };
}
