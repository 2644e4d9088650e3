/**
 * Audit of published aggregate tables against a rubric: does each published figure agree with
 * the published figures of its children, under the node's formula, once their rounding is allowed
 * for?
 *
 * A figure x published with d decimals (half up) stands for a true value in
 * [x − ½·10^−d, x + ½·10^−d]. For a node with the arithmetic rule, fixed weights w_i and no
 * not-applicable or missing values, the mean over bodies is linear, so the group mean of the
 * parent equals Σ w_i·c̄_i / Σ w_i over the children's group means c̄_i; the children's intervals
 * then give an interval for the parent, and a published parent figure whose interval does not meet
 * it is a contradiction. The arithmetic is exact (rationals on BigInt; weights read at their
 * shortest decimal, as the rubric's JSON writes them), so no binary rounding can create or hide a
 * contradiction.
 *
 * Each published internal node is checked against two sets of published descendants: its
 * children (an unpublished arithmetic child is replaced by its own children, recursively), and the
 * deepest published level its arithmetic subtree reaches (for 2017's national table: `iga` against
 * `t` and `p`, and against the 17 component means). Other rules and cases:
 *
 * - **geometric and minimum rules** are not linear in the means, but for values in [0, 1] they
 *   are bounded: the mean of a per-body minimum is at most the smallest child mean, a weighted
 *   geometric mean is at most the weighted arithmetic mean (AM–GM), and both are at least
 *   max(0, Σ c̄_i − (k − 1)) (since min_i c_i ≥ 1 − Σ (1 − c_i)). A parent outside these bounds
 *   is a contradiction (relation `bounds`).
 * - **not applicable**: when a term, or a child of a node expanded through, may be not applicable
 *   for some bodies (per the rubric: a leaf fed by an observation set whose bodies without
 *   observations are `not_applicable`, a node whose missing policy is `not_applicable`, or a node
 *   listed in `options.notApplicable`), the parent's mean re-weights over different bodies than
 *   the children's means, so the identity holds only approximately: such a check has relation
 *   `approximate` and a gap goes to `warnings`, not `contradictions`.
 * - **gates**: a gated component scores 0 in the engine's results, so the identity holds when the
 *   published component figures are means of the gated values; a check through gated children
 *   says so in its notes.
 * - **missing data**: the identities assume every body counted in a parent's mean is counted in
 *   its children's (the MGA publications score absence as 0 and count every body).
 */
import Papa from "papaparse";
import { formatFixed } from "../aggregate/round.js";
import { resolveState } from "../catalog/states.js";
import type { Issue } from "../issue.js";
import type { CompiledRubric, NodeInfo } from "../rubric/compileRubric.js";
import {
  add,
  cmp,
  div,
  format,
  fromNumber,
  maxR,
  minR,
  mul,
  ONE,
  parseDecimal,
  rat,
  sub,
  toNumber,
  ZERO,
  type Rational,
} from "./internal/rational.js";

/**
 * One published figure: a node's value for a group, as printed.
 * @example
 * const figures: PublishedFigure[] = [{ node: "iga", value: "0.52" }, { node: "t", value: "0.64" }, { node: "p", value: "0.41" }];
 * auditPublished(loadEdition("2019"), figures).contradictions.length // => 0
 */
export interface PublishedFigure {
  /** Node code or alias (`iga`, `GA`, `IGA`, `P`, ...). */
  readonly node: string;
  /** Grouping keys (empty or absent for the national value), e.g. ["state"]. */
  readonly by?: readonly string[];
  /** Group key values, one per `by` key, e.g. ["Jalisco"]. */
  readonly group?: readonly string[];
  /** The figure: a decimal numeral as printed ("0.41") or a number (then `decimals` is required). */
  readonly value: number | string;
  /** Decimals the figure was printed with; inferred from a string value when absent. */
  readonly decimals?: number;
  /** Where the figure was read (a table row), carried to issues. */
  readonly row?: number;
}

/**
 * Options of {@link auditPublished}.
 * @example
 * const options: PublishedAuditOptions = { notApplicable: ["tg.ai"] };
 * auditPublished(rubric, [{ node: "tg", value: "0.5" }], options).checks.length // => 0
 */
export interface PublishedAuditOptions {
  /** Nodes (codes or aliases) known to be not applicable for some bodies, beyond what the rubric declares. */
  readonly notApplicable?: readonly string[];
}

/**
 * One term of a check: a published descendant and its share of the parent.
 * @example
 * const term: CheckTerm = auditPublished(rubric, rubric.references).checks[0]!.terms[0]!;
 * [term.node, term.weight, term.value] // => ["t", 0.5, "0.50"]
 */
export interface CheckTerm {
  readonly node: string;
  /** The term's weight in the parent (product of normalised weights along the path); for `bounds`, the child's normalised weight. */
  readonly weight: number;
  readonly value: string;
}

/**
 * One published figure checked against published descendants.
 * @example
 * const check: PublishedCheck = auditPublished(loadEdition("2019"), loadEdition("2019").references).checks.find((c) => !c.consistent)!;
 * [check.node, check.relation, check.published.value, check.implied.value] // => ["p", "identity", "0.41", 0.385]
 */
export interface PublishedCheck {
  readonly node: string;
  readonly by: readonly string[];
  readonly group: readonly string[];
  readonly relation: "identity" | "bounds" | "approximate";
  /** `children`: nearest published descendants; `deepest`: the deepest published level. */
  readonly level: "children" | "deepest";
  readonly terms: readonly CheckTerm[];
  /** The figure as printed and the interval it stands for. */
  readonly published: { readonly value: string; readonly low: number; readonly high: number };
  /** What the terms imply: the point value (identities) and the interval allowing for their rounding. */
  readonly implied: { readonly value: number | null; readonly low: number; readonly high: number };
  readonly consistent: boolean;
  /** Distance between the two intervals (0 when they meet). */
  readonly gap: number;
  /** Published figure minus the implied point value (identities only). */
  readonly difference: number | null;
  readonly notes: readonly string[];
}

/**
 * The result of {@link auditPublished}.
 * @example
 * const audit: PublishedAudit = auditPublished(rubric, rubric.references);
 * audit.contradictions // => []
 */
export interface PublishedAudit {
  readonly checks: readonly PublishedCheck[];
  /** Checks of relation `identity` or `bounds` that fail: figures that cannot all be right. */
  readonly contradictions: readonly Issue[];
  /** Checks of relation `approximate` whose intervals do not meet. */
  readonly warnings: readonly Issue[];
  /** Problems with the input figures (unknown node, unreadable value, a figure given twice). */
  readonly issues: readonly Issue[];
  /** No contradiction. */
  readonly consistent: boolean;
}

interface Figure {
  readonly node: number;
  readonly text: string;
  readonly value: Rational;
  readonly half: Rational;
  readonly decimals: number;
}

interface Group {
  readonly by: readonly string[];
  readonly group: readonly string[];
  readonly figures: Map<number, Figure>;
}

interface Term {
  readonly node: number;
  readonly weight: Rational;
}

const groupLabel = (by: readonly string[], group: readonly string[]) =>
  by.length === 0 ? "national" : by.map((b, i) => `${b} ${group[i] ?? ""}`).join(", ");
const pathOf = (by: readonly string[], group: readonly string[], code: string) =>
  by.length === 0 ? code : `${by.map((b, i) => `${b}=${group[i] ?? ""}`).join("&")}/${code}`;

/** Reads and validates the figures; groups them by (by, group). */
function collect(rubric: CompiledRubric, table: readonly PublishedFigure[], index: ReadonlyMap<string, number>, issues: Issue[]): Group[] {
  const groups = new Map<string, Group>();
  table.forEach((f, k) => {
    const at = (message: string, code: string, extra: Partial<Issue> = {}): void => {
      issues.push({ code, path: `$[${k}]`, message, ...(f?.row !== undefined ? { row: f.row } : {}), ...extra });
    };
    if (f === null || typeof f !== "object") return at("a figure must be an object with node and value", "invalid_figure");
    const node = typeof f.node === "string" ? index.get(f.node) ?? index.get(f.node.toLowerCase()) : undefined;
    if (node === undefined) return at(`"${String(f.node)}" is not a node code or alias of ${rubric.id}`, "unknown_node", { received: String(f.node) });
    const by = [...(f.by ?? [])];
    const group = [...(f.group ?? [])];
    if (by.length !== group.length) return at(`by has ${by.length} keys but group has ${group.length} values`, "invalid_group");
    // States are compared by canonical name, so "CDMX" and "Ciudad de México" are one group.
    by.forEach((b, i) => {
      if (b === "state") {
        const s = resolveState(group[i]!);
        if (s.ok) group[i] = s.state.name;
      }
    });
    let text: string;
    let decimals: number;
    if (typeof f.value === "string") {
      text = f.value.trim();
      const places = /\.(\d*)/.exec(text)?.[1]?.length ?? 0;
      decimals = f.decimals ?? places;
      if (places > decimals) return at(`"${text}" has ${places} decimals but the figure says ${decimals}`, "invalid_value", { received: text });
    } else if (typeof f.value === "number" && Number.isFinite(f.value)) {
      if (f.decimals === undefined) return at("a numeric value needs decimals (0.5 printed as 0.50 has 2)", "missing_decimals", { received: String(f.value) });
      decimals = f.decimals;
      if (!(Number.isInteger(decimals) && decimals >= 0 && decimals <= 15)) return at(`decimals must be an integer from 0 to 15`, "invalid_value", { received: String(decimals) });
      text = formatFixed(f.value, decimals);
      if (Number(text) !== f.value) return at(`${f.value} has more decimals than the ${decimals} declared`, "invalid_value", { received: String(f.value) });
    } else return at("value must be a decimal numeral or a finite number", "invalid_value", { received: String(f.value) });
    if (!(Number.isInteger(decimals) && decimals >= 0 && decimals <= 15)) return at(`decimals must be an integer from 0 to 15`, "invalid_value", { received: String(decimals) });
    const value = parseDecimal(text);
    if (value === null) return at(`"${text}" is not a decimal number`, "invalid_value", { received: text, ...(/^\d+,\d+$/.test(text) ? { hint: `write it with a point: ${text.replace(",", ".")}` } : {}) });
    const key = JSON.stringify([by, group]);
    let g = groups.get(key);
    if (!g) {
      g = { by, group, figures: new Map() };
      groups.set(key, g);
    }
    const fig: Figure = { node, text, value, half: rat(1n, 2n * 10n ** BigInt(decimals)), decimals };
    const previous = g.figures.get(node);
    if (previous) {
      if (cmp(previous.value, value) !== 0 || previous.decimals !== decimals) {
        at(`${rubric.nodes[node]!.code} (${groupLabel(by, group)}) is given twice: ${previous.text} and ${text}`, "conflicting_figures", { expected: previous.text, received: text });
      }
      return;
    }
    g.figures.set(node, fig);
  });
  return [...groups.values()];
}

/** Structural: can node i be not applicable for some bodies? */
function notApplicableNodes(rubric: CompiledRubric, extra: readonly string[], index: ReadonlyMap<string, number>, issues: Issue[]): boolean[] {
  const naSets = new Set((rubric.observationSets ?? []).filter((s) => s.noObservations === "not_applicable").map((s) => s.id));
  const out = rubric.nodes.map((n) => n.missing === "not_applicable" || (n.input?.observations !== undefined && naSets.has(n.input.observations.set)));
  for (const code of extra) {
    const i = index.get(code) ?? index.get(code.toLowerCase());
    if (i === undefined) issues.push({ code: "unknown_node", path: "options.notApplicable", message: `"${code}" is not a node code or alias of ${rubric.id}`, received: code });
    else out[i] = true;
  }
  // An internal node is not applicable when all its children are.
  const position = new Map(rubric.nodes.map((n, i) => [n.code, i] as const));
  for (let i = rubric.nodes.length - 1; i >= 0; i--) {
    const n = rubric.nodes[i]!;
    if (n.children.length > 0 && n.children.every((c) => out[position.get(c.code)!])) out[i] = true;
  }
  // Views come after the main tree in rubric order but point into it; one more pass settles them.
  rubric.nodes.forEach((n, i) => {
    if (n.children.length > 0 && n.children.every((c) => out[position.get(c.code)!])) out[i] = true;
  });
  return out;
}

/**
 * Audits published aggregate figures against a rubric's formulas, allowing for their rounding.
 *
 * Accepts the rubric's own `references` (`auditPublished(rubric, rubric.references)`), objects of
 * the same shape, or the figures {@link parsePublishedCsv} reads from a CSV table. Figures are
 * grouped by (`by`, `group`); state names are matched through `resolveState`. Every published
 * internal node with published descendants is checked (see the module notes for the rules);
 * nodes without published children are not checked. With no figures, there are no checks.
 * @param rubric - the rubric whose formulas the figures should obey
 * @param table - the published figures
 * @param options - `notApplicable`: nodes known to be not applicable for some bodies
 * @returns every check, the contradictions and approximate gaps as issues, and input issues
 * @throws TypeError when `table` is not an array
 * @example
 * const audit = auditPublished(loadEdition("2019"), loadEdition("2019").references);
 * audit.contradictions.map((c) => c.path) // => ["p"]
 */
export function auditPublished(rubric: CompiledRubric, table: readonly PublishedFigure[], options: PublishedAuditOptions = {}): PublishedAudit {
  if (!Array.isArray(table as unknown)) throw new TypeError("auditPublished: table must be an array of figures");
  const issues: Issue[] = [];
  const index = new Map<string, number>();
  rubric.nodes.forEach((n, i) => {
    index.set(n.code, i);
    for (const a of n.aliases ?? []) {
      index.set(a, i);
      if (!index.has(a.toLowerCase())) index.set(a.toLowerCase(), i);
    }
  });
  const position = new Map(rubric.nodes.map((n, i) => [n.code, i] as const));
  const mayBeNA = notApplicableNodes(rubric, options.notApplicable ?? [], index, issues);
  const groups = collect(rubric, table, index, issues);

  const weightsOf = (n: NodeInfo) => {
    const total = n.children.reduce((s, c) => add(s, fromNumber(c.weight)), ZERO);
    return n.children.map((c) => ({ node: position.get(c.code)!, weight: div(fromNumber(c.weight), total), provenance: c.provenance }));
  };

  const checks: PublishedCheck[] = [];
  const contradictions: Issue[] = [];
  const warnings: Issue[] = [];

  for (const g of groups) {
    const has = (i: number) => g.figures.has(i);
    // Expansion of node i (weight w) into published descendants, with the nodes expanded through;
    // `deep` expands published children too. Null when some branch ends at an unpublished leaf or
    // an unpublished node whose rule is not arithmetic.
    const expand = (i: number, w: Rational, deep: boolean): { terms: Term[]; via: number[] } | null => {
      const terms: Term[] = [];
      const via = [i];
      for (const c of weightsOf(rubric.nodes[i]!)) {
        const cw = mul(w, c.weight);
        const child = rubric.nodes[c.node]!;
        const expandable = child.children.length > 0 && child.rule === "arithmetic";
        const inner = expandable && (deep || !has(c.node)) ? expand(c.node, cw, deep) : null;
        if (inner) {
          terms.push(...inner.terms);
          via.push(...inner.via);
        } else if (has(c.node)) terms.push({ node: c.node, weight: cw });
        else return null;
      }
      return { terms, via };
    };

    for (const [i, fig] of g.figures) {
      const n = rubric.nodes[i]!;
      if (n.children.length === 0) continue;
      const pub = { low: sub(fig.value, fig.half), high: add(fig.value, fig.half) };
      const candidates: { level: "children" | "deepest"; terms: Term[]; via: readonly number[]; rule: "linear" | "bounds" }[] = [];
      if (n.rule === "arithmetic") {
        const near = expand(i, ONE, false);
        const deep = expand(i, ONE, true);
        if (near) candidates.push({ level: "children", ...near, rule: "linear" });
        const key = (t: Term[]) => t.map((x) => x.node).sort((a, b) => a - b).join(",");
        if (deep && (!near || key(deep.terms) !== key(near.terms))) candidates.push({ level: "deepest", ...deep, rule: "linear" });
      } else if (n.children.every((c) => has(position.get(c.code)!))) {
        candidates.push({ level: "children", terms: weightsOf(n).map((c) => ({ node: c.node, weight: c.weight })), via: [i], rule: "bounds" });
      }

      for (const cand of candidates) {
        const figs = cand.terms.map((t) => g.figures.get(t.node)!);
        const notes: string[] = [];
        let lo = ZERO;
        let hi = ZERO;
        let point: Rational | null = null;
        if (cand.rule === "linear") {
          point = ZERO;
          cand.terms.forEach((t, k) => {
            const f = figs[k]!;
            const a = mul(t.weight, sub(f.value, f.half));
            const b = mul(t.weight, add(f.value, f.half));
            lo = add(lo, minR(a, b));
            hi = add(hi, maxR(a, b));
            point = add(point!, mul(t.weight, f.value));
          });
        } else {
          // Bounds for values in [0, 1]: max(0, Σ lo_i − (k − 1)) ≤ parent ≤ min_i hi_i (minimum) or Σ w_i hi_i (geometric).
          const clip = (r: Rational) => minR(ONE, maxR(ZERO, r));
          const los = figs.map((f) => clip(sub(f.value, f.half)));
          const his = figs.map((f) => clip(add(f.value, f.half)));
          lo = maxR(ZERO, sub(los.reduce(add, ZERO), rat(BigInt(figs.length - 1))));
          hi = n.rule === "minimum" ? his.reduce(minR, ONE) : cand.terms.reduce((s, t, k) => add(s, mul(t.weight, his[k]!)), ZERO);
          notes.push(
            n.rule === "minimum"
              ? "minimum rule: the mean of a per-body minimum lies between max(0, Σ children − (k − 1)) and the smallest child mean"
              : "geometric rule: the mean of a weighted geometric mean lies between max(0, Σ children − (k − 1)) and the weighted arithmetic mean of the children (AM–GM)",
          );
        }
        // Not applicable anywhere along the way makes the identity approximate.
        const naTerms = cand.terms.filter((t) => mayBeNA[t.node]).map((t) => rubric.nodes[t.node]!.code);
        const naVia = cand.via.flatMap((v) => rubric.nodes[v]!.children.filter((c) => mayBeNA[position.get(c.code)!]).map((c) => c.code));
        const naCodes = [...new Set([...naTerms, ...naVia])];
        const relation: PublishedCheck["relation"] = naCodes.length > 0 ? "approximate" : cand.rule === "linear" ? "identity" : "bounds";
        if (naCodes.length > 0) notes.push(`${naCodes.join(", ")} may be not applicable for some bodies: the parent re-weights over them, so its mean follows the children's only approximately`);
        const gated = cand.via.flatMap((v) => rubric.nodes[v]!.children.filter((c) => (rubric.nodes[position.get(c.code)!]!.gates ?? []).length > 0).map((c) => c.code));
        if (gated.length > 0) notes.push(`${gated.join(", ")} gates its siblings: this holds when the component figures are means of the gated values (a gated component counts 0)`);
        const assumed = cand.via.flatMap((v) => rubric.nodes[v]!.children.filter((c) => c.provenance.status === "assumed").map((c) => `${rubric.nodes[v]!.code}→${c.code}`));
        if (assumed.length > 0) notes.push(`uses assumed weights (${assumed.join(", ")})`);

        const gapLow = sub(pub.low, hi);
        const gapHigh = sub(lo, pub.high);
        const gapR = maxR(ZERO, maxR(gapLow, gapHigh));
        const consistent = cmp(gapR, ZERO) === 0;
        const check: PublishedCheck = {
          node: n.code,
          by: g.by,
          group: g.group,
          relation,
          level: cand.level,
          terms: cand.terms.map((t, k) => ({ node: rubric.nodes[t.node]!.code, weight: toNumber(t.weight), value: figs[k]!.text })),
          published: { value: fig.text, low: toNumber(pub.low), high: toNumber(pub.high) },
          implied: { value: point === null ? null : toNumber(point), low: toNumber(lo), high: toNumber(hi) },
          consistent,
          gap: toNumber(gapR),
          difference: point === null ? null : toNumber(sub(fig.value, point)),
          notes,
        };
        checks.push(check);
        if (consistent) continue;
        const formula =
          point === null
            ? `its children (${cand.terms.map((t, k) => `${rubric.nodes[t.node]!.code} ${figs[k]!.text}`).join(", ")}) bound it to [${format(lo)}, ${format(hi)}]`
            : `its ${cand.level === "deepest" ? "published descendants" : "children"} give ${cand.terms.map((t, k) => `${format(t.weight)}·${figs[k]!.text}`).join(" + ")} = ${format(point)} and, allowing for their rounding, put it in [${format(lo)}, ${format(hi)}]`;
        const issue: Issue = {
          code: relation === "approximate" ? "published_approximate_gap" : "published_contradiction",
          path: pathOf(g.by, g.group, n.code),
          message: `${n.code} (${groupLabel(g.by, g.group)}) is published as ${fig.text}, standing for [${format(pub.low)}, ${format(pub.high)}], but ${formula}: a gap of ${format(gapR)}${relation === "approximate" ? " (approximate: some terms may be not applicable)" : ""}`,
          expected: `[${format(lo)}, ${format(hi)}]`,
          received: fig.text,
        };
        (relation === "approximate" ? warnings : contradictions).push(issue);
      }
    }
  }
  return { checks, contradictions, warnings, issues, consistent: contradictions.length === 0 };
}

/** Column names that hold grouping keys in a wide table. */
const GROUP_COLUMNS = new Set(["state", "type", "level"]);

/**
 * Reads published figures from CSV text: either a long table with columns `node`, `value` and
 * optionally `by`, `group` (several keys joined by `|`) and `decimals`; or a wide table whose
 * columns are node codes or aliases (`IGA,T,P,TG,...`), with optional grouping columns `by` and
 * `group`, or `state`, `type` or `level` holding the group key. Decimals are read off the printed
 * value. Blank cells and blank lines are skipped. Rows are numbered with the header as row 1.
 * Empty text gives no figures and no issues.
 * @param text - the CSV text (any delimiter papaparse detects)
 * @param rubric - resolves node codes and aliases
 * @returns the figures and the problems found (unknown column, unreadable row)
 * @example
 * parsePublishedCsv("IGA,T,P\n0.52,0.64,0.41\n", loadEdition("2019")).figures.length // => 3
 */
export function parsePublishedCsv(text: string, rubric: CompiledRubric): { figures: PublishedFigure[]; issues: Issue[] } {
  if (typeof text !== "string") throw new TypeError(`parsePublishedCsv: text must be a string, received ${typeof text}`);
  const issues: Issue[] = [];
  const figures: PublishedFigure[] = [];
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ""), { skipEmptyLines: "greedy" });
  for (const e of parsed.errors) {
    issues.push({ code: "csv_error", path: `row ${(e.row ?? 0) + 1}`, message: e.message, ...(e.row !== undefined ? { row: e.row + 1 } : {}) });
  }
  const [header, ...rows] = parsed.data;
  if (!header) return { figures, issues };
  const names = header.map((h) => h.trim());
  const lower = names.map((h) => h.toLowerCase());
  const col = (name: string) => lower.indexOf(name);
  const known = new Set<string>();
  for (const n of rubric.nodes) {
    known.add(n.code);
    for (const a of n.aliases ?? []) {
      known.add(a);
      known.add(a.toLowerCase());
    }
  }
  const splitKeys = (cell: string | undefined) => (cell === undefined || cell.trim() === "" ? [] : cell.split("|").map((s) => s.trim()));
  const long = col("node") >= 0 && col("value") >= 0;
  if (long) {
    rows.forEach((r, k) => {
      const row = k + 2;
      const value = r[col("value")]?.trim() ?? "";
      if (value === "") return;
      const decimalsCell = col("decimals") >= 0 ? r[col("decimals")]?.trim() ?? "" : "";
      const decimals = decimalsCell === "" ? undefined : Number(decimalsCell);
      figures.push({
        node: r[col("node")]?.trim() ?? "",
        by: splitKeys(col("by") >= 0 ? r[col("by")] : undefined),
        group: splitKeys(col("group") >= 0 ? r[col("group")] : undefined),
        value,
        ...(decimals !== undefined ? { decimals } : {}),
        row,
      });
    });
    return { figures, issues };
  }
  const groupCols = lower.map((h, i) => (GROUP_COLUMNS.has(h) ? i : -1)).filter((i) => i >= 0);
  const byCol = col("by");
  const groupCol = col("group");
  const nodeCols: number[] = [];
  names.forEach((h, i) => {
    if (i === byCol || i === groupCol || groupCols.includes(i)) return;
    if (known.has(h) || known.has(h.toLowerCase())) nodeCols.push(i);
    else issues.push({ code: "unknown_column", path: `column ${i + 1}`, message: `column "${h}" is neither a node of ${rubric.id} nor a grouping column (by, group, state, type, level)`, column: h, row: 1 });
  });
  rows.forEach((r, k) => {
    const row = k + 2;
    let by: string[];
    let group: string[];
    if (byCol >= 0 || groupCol >= 0) {
      by = splitKeys(byCol >= 0 ? r[byCol] : undefined);
      group = splitKeys(groupCol >= 0 ? r[groupCol] : undefined);
    } else {
      by = groupCols.map((i) => lower[i]!);
      group = groupCols.map((i) => r[i]?.trim() ?? "");
    }
    for (const i of nodeCols) {
      const value = r[i]?.trim() ?? "";
      if (value === "") continue;
      figures.push({ node: names[i]!, by, group, value, row });
    }
  });
  return { figures, issues };
}
