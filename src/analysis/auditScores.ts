/**
 * A statistical audit of a scored dataset, in the manner of COINr's `get_stats`, `get_corr` and
 * `get_cronbach` (Becker et al., JRC), driven by the rubric's tree.
 */
import { max, mean, min, sampleKurtosis, sampleSkewness, sampleStandardDeviation } from "simple-statistics";
import type { Issue } from "../issue.js";
import type { CompiledRubric, NodeInfo } from "../rubric/compileRubric.js";
import type { BodyScore } from "../score/scoreBody.js";
import { rankValues } from "../aggregate/rank.js";
import { cronbachAlpha, pearson, spearman } from "./correlation.js";
import { MISSING, NOT_APPLICABLE, nodeTable, SCORED, type NodeTable } from "./internal/nodeTable.js";

/**
 * Thresholds of {@link auditScores}; the defaults are COINr's.
 * @example
 * const scores = [[0.5, 0.5, 0.2, 0.2], [0.6, 0.4, 0.3, 0.1], [0.7, 0.6, 0.1, 0.4], [0.4, 0.3, 0.2, 0.3]].map(([TG, TC, PG, PC]) => scoreBody(rubric, { values: { TG, TC, PG, PC } }));
 * const options: AuditOptions = { availability: 0.9 };
 * auditScores(rubric, scores, options).indicators.find((s) => s.code === "tg.ai")!.flags // => ["no_data"]
 */
export interface AuditOptions {
  /** |skewness| above this, together with kurtosis above `kurtosis`, flags possible outliers (default 2). */
  readonly skew?: number;
  /** Excess kurtosis threshold (default 3.5). */
  readonly kurtosis?: number;
  /** Pearson r above this flags a collinear pair (default 0.9). */
  readonly collinear?: number;
  /** Pearson r below this flags a negative pair (default 0). */
  readonly negative?: number;
  /** Share of bodies with a value, among those not "not applicable", below this flags low availability (default 0.65). */
  readonly availability?: number;
  /** Ranks compare root values rounded to this many decimals (default 12: binary noise is not a difference). */
  readonly rankDecimals?: number;
}

/**
 * Coverage and distribution of one node.
 * @example
 * const scores = [[0.5, 0.5, 0.2, 0.2], [0.6, 0.4, 0.3, 0.1], [0.7, 0.6, 0.1, 0.4], [0.4, 0.3, 0.2, 0.3]].map(([TG, TC, PG, PC]) => scoreBody(rubric, { values: { TG, TC, PG, PC } }));
 * const tg: IndicatorStats = auditScores(rubric, scores).indicators.find((s) => s.code === "tg")!;
 * [tg.scored, tg.availability, tg.mean?.toFixed(2)] // => [4, 1, "0.55"]
 */
export interface IndicatorStats {
  readonly code: string;
  readonly view?: string;
  readonly parent?: string;
  readonly bodies: number;
  readonly scored: number;
  readonly notApplicable: number;
  readonly missing: number;
  /** scored / (scored + missing): bodies for which the node exists and has a value (null when none). */
  readonly availability: number | null;
  readonly mean: number | null;
  readonly sd: number | null;
  readonly min: number | null;
  readonly max: number | null;
  /** Adjusted Fisher–Pearson skewness G1 (null below 3 values or with no spread). */
  readonly skew: number | null;
  /** Excess kurtosis G2 (0 for a normal distribution; null below 4 values or with no spread). */
  readonly kurtosis: number | null;
  /** `no_data`: no body has a value (the dataset does not carry this node); `low_availability`: some do, too few. */
  readonly flags: readonly ("outliers" | "low_availability" | "no_data")[];
}

/**
 * Correlation of two nodes over the bodies where both are scored.
 * @example
 * const scores = [[0.5, 0.5, 0.2, 0.2], [0.6, 0.4, 0.3, 0.1], [0.7, 0.6, 0.1, 0.4], [0.4, 0.3, 0.2, 0.3]].map(([TG, TC, PG, PC]) => scoreBody(rubric, { values: { TG, TC, PG, PC } }));
 * const pair: CorrelationPair = auditScores(rubric, scores).correlations.find((c) => c.a === "tg" && c.b === "tc")!;
 * [pair.relation, pair.n, pair.pearson?.toFixed(2)] // => ["within", 4, "0.80"]
 */
export interface CorrelationPair {
  readonly a: string;
  readonly b: string;
  /** `within`: children of the same parent; `across`: same depth, different parents; `parent`: a node and its parent. */
  readonly relation: "within" | "across" | "parent";
  readonly n: number;
  readonly pearson: number | null;
  readonly spearman: number | null;
  readonly flags: readonly ("negative" | "collinear")[];
}

/**
 * Cronbach's alpha of a node's children.
 * @example
 * const scores = [[0.5, 0.5, 0.2, 0.2], [0.6, 0.4, 0.3, 0.1], [0.7, 0.6, 0.1, 0.4], [0.4, 0.3, 0.2, 0.3]].map(([TG, TC, PG, PC]) => scoreBody(rubric, { values: { TG, TC, PG, PC } }));
 * const alpha: AlphaStats = auditScores(rubric, scores).alpha.find((a) => a.code === "t")!;
 * [alpha.children, alpha.n, alpha.alpha?.toFixed(2)] // => [["tg", "tc"], 4, "0.89"]
 */
export interface AlphaStats {
  readonly code: string;
  readonly children: readonly string[];
  /** Bodies with every child scored (listwise). */
  readonly n: number;
  readonly alpha: number | null;
}

/**
 * Effect on the root's ranking of dropping one node.
 * @example
 * const scores = [[0.5, 0.5, 0.2, 0.2], [0.6, 0.4, 0.3, 0.1], [0.7, 0.6, 0.1, 0.4], [0.4, 0.3, 0.2, 0.3]].map(([TG, TC, PG, PC]) => scoreBody(rubric, { values: { TG, TC, PG, PC } }));
 * const drop: DropEffect = auditScores(rubric, scores).drops.find((d) => d.code === "pc")!;
 * [drop.parent, drop.ranked, drop.maxShift] // => ["p", 4, 1]
 */
export interface DropEffect {
  readonly code: string;
  readonly parent: string;
  /** Bodies ranked (root scored with and without the node). */
  readonly ranked: number;
  /** Bodies whose root could be recomputed without the node (the rest keep their value). */
  readonly rescored: number;
  /** Mean and largest absolute change of rank (null when no body could be rescored). */
  readonly meanShift: number | null;
  readonly maxShift: number | null;
}

/**
 * The result of {@link auditScores}.
 * @example
 * const scores = [[0.5, 0.5, 0.2, 0.2], [0.6, 0.4, 0.3, 0.1], [0.7, 0.6, 0.1, 0.4], [0.4, 0.3, 0.2, 0.3]].map(([TG, TC, PG, PC]) => scoreBody(rubric, { values: { TG, TC, PG, PC } }));
 * const audit: ScoreAudit = auditScores(rubric, scores);
 * [audit.bodies, audit.thresholds.availability] // => [4, 0.65]
 */
export interface ScoreAudit {
  readonly bodies: number;
  readonly indicators: readonly IndicatorStats[];
  readonly correlations: readonly CorrelationPair[];
  readonly alpha: readonly AlphaStats[];
  readonly drops: readonly DropEffect[];
  /** Every flag raised above, as issues (codes `outliers`, `no_data`, `low_availability`, `negative_correlation`, `collinear`). */
  readonly flags: readonly Issue[];
  readonly thresholds: Required<AuditOptions>;
}

const DEFAULTS: Required<AuditOptions> = { skew: 2, kurtosis: 3.5, collinear: 0.9, negative: 0, availability: 0.65, rankDecimals: 12 };

/** Values of node i over the bodies where it is scored, in body order. */
function column(t: NodeTable, i: number): number[] {
  const out: number[] = [];
  const st = t.status[i]!;
  const v = t.value[i]!;
  for (let b = 0; b < t.bodies; b++) if (st[b] === SCORED) out.push(v[b]!);
  return out;
}

function indicatorStats(t: NodeTable, info: NodeInfo, i: number, th: Required<AuditOptions>): IndicatorStats {
  const st = t.status[i]!;
  let scored = 0;
  let na = 0;
  let missing = 0;
  for (let b = 0; b < t.bodies; b++) {
    if (st[b] === SCORED) scored++;
    else if (st[b] === NOT_APPLICABLE) na++;
    else if (st[b] === MISSING) missing++;
  }
  const x = column(t, i);
  const spread = x.length > 1 && min(x) !== max(x);
  const skew = spread && x.length >= 3 ? sampleSkewness(x) : null;
  const kurtosis = spread && x.length >= 4 ? sampleKurtosis(x) : null;
  const availability = scored + missing > 0 ? scored / (scored + missing) : null;
  const flags: ("outliers" | "low_availability" | "no_data")[] = [];
  if (skew !== null && kurtosis !== null && Math.abs(skew) > th.skew && kurtosis > th.kurtosis) flags.push("outliers");
  if (scored === 0 && missing > 0) flags.push("no_data");
  else if (availability !== null && availability < th.availability) flags.push("low_availability");
  return {
    code: info.code,
    ...(info.view !== undefined ? { view: info.view } : {}),
    ...(info.parent !== undefined ? { parent: info.parent } : {}),
    bodies: t.bodies,
    scored,
    notApplicable: na,
    missing,
    availability,
    mean: x.length > 0 ? mean(x) : null,
    sd: x.length > 1 ? sampleStandardDeviation(x) : null,
    min: x.length > 0 ? min(x) : null,
    max: x.length > 0 ? max(x) : null,
    skew,
    kurtosis,
    flags,
  };
}

function correlationPair(t: NodeTable, a: NodeInfo, b: NodeInfo, relation: CorrelationPair["relation"], th: Required<AuditOptions>): CorrelationPair | null {
  const ia = t.position.get(a.code)!;
  const ib = t.position.get(b.code)!;
  const x: number[] = [];
  const y: number[] = [];
  for (let r = 0; r < t.bodies; r++) {
    if (t.status[ia]![r] === SCORED && t.status[ib]![r] === SCORED) {
      x.push(t.value[ia]![r]!);
      y.push(t.value[ib]![r]!);
    }
  }
  if (x.length < 3) return null;
  const p = pearson(x, y);
  const s = spearman(x, y);
  const flags: ("negative" | "collinear")[] = [];
  if (p !== null && p < th.negative) flags.push("negative");
  if (p !== null && relation !== "parent" && p > th.collinear) flags.push("collinear");
  return { a: a.code, b: b.code, relation, n: x.length, pearson: p, spearman: s, flags };
}

/** A node's value from its children's (status, value), mirroring the engine's rules and policies. */
function combine(info: NodeInfo, child: (code: string) => { status: number; value: number } | null): { status: number; value: number } {
  let wsum = 0;
  let acc = info.rule === "minimum" ? Number.POSITIVE_INFINITY : 0;
  let applicable = 0;
  let missing = false;
  let zero = false;
  const naZero = info.notApplicable === "zero";
  for (const edge of info.children) {
    const c = child(edge.code);
    if (c === null) continue; // dropped
    if (c.status === SCORED) {
      applicable++;
      wsum += edge.weight;
      if (info.rule === "arithmetic") acc += edge.weight * c.value;
      else if (info.rule === "geometric") {
        if (c.value === 0) zero = true;
        else acc += edge.weight * Math.log(c.value);
      } else if (c.value < acc) acc = c.value;
    } else if (c.status === NOT_APPLICABLE) {
      if (naZero) {
        wsum += edge.weight;
        zero = true;
        if (info.rule === "minimum") acc = 0;
      }
    } else missing = true;
  }
  let status = SCORED;
  let value = 0;
  if (missing) status = MISSING;
  else if (applicable === 0) status = NOT_APPLICABLE;
  else if (info.rule === "arithmetic") value = acc / wsum;
  else if (info.rule === "geometric") value = zero ? 0 : Math.exp(acc / wsum);
  else value = acc;
  if (status === MISSING && info.missing !== "missing") {
    status = info.missing === "zero" ? SCORED : NOT_APPLICABLE;
    value = 0;
  }
  return { status, value };
}

function dropEffect(rubric: CompiledRubric, t: NodeTable, info: NodeInfo, rootIndex: number, decimals: number): DropEffect {
  // Ancestors from the dropped node's parent up to the root.
  const path: NodeInfo[] = [];
  for (let p = info.parent; p !== undefined; ) {
    const n = rubric.nodes[t.position.get(p)!]!;
    path.push(n);
    p = n.parent;
  }
  const before: (number | null)[] = [];
  const after: (number | null)[] = [];
  let rescored = 0;
  for (let b = 0; b < t.bodies; b++) {
    const recorded = (code: string) => {
      const i = t.position.get(code);
      return i === undefined ? { status: MISSING, value: 0 } : { status: t.status[i]![b]!, value: t.value[i]![b]! };
    };
    const rootScored = t.status[rootIndex]![b] === SCORED;
    const rootValue = t.value[rootIndex]![b]!;
    // Recompute the path with and without the node; the root moves by the difference, so a body
    // whose recorded values carry rounding (or were given directly) keeps its recorded level.
    let base = recorded(info.code);
    let drop: { status: number; value: number } | null = null;
    let below = info.code;
    let ok = true;
    for (const node of path) {
      const b0 = combine(node, (code) => (code === below ? base : recorded(code)));
      const d0 = combine(node, (code) => (code === below ? drop : recorded(code)));
      base = b0;
      drop = d0;
      below = node.code;
      if (b0.status !== SCORED) ok = false;
    }
    if (!rootScored) {
      before.push(null);
      after.push(null);
      continue;
    }
    if (ok && drop !== null && drop.status === SCORED) {
      rescored++;
      before.push(rootValue);
      after.push(rootValue + (drop.value - base.value));
    } else if (ok && drop !== null) {
      // Without the node the root has no value: the body leaves both rankings.
      before.push(null);
      after.push(null);
    } else {
      before.push(rootValue);
      after.push(rootValue);
    }
  }
  const r0 = rankValues(before, { decimals });
  const r1 = rankValues(after, { decimals });
  let ranked = 0;
  let sum = 0;
  let largest = 0;
  for (let b = 0; b < t.bodies; b++) {
    if (r0[b] === null || r1[b] === null) continue;
    ranked++;
    const d = Math.abs(r1[b]! - r0[b]!);
    sum += d;
    if (d > largest) largest = d;
  }
  return {
    code: info.code,
    parent: info.parent!,
    ranked,
    rescored,
    meanShift: rescored > 0 && ranked > 0 ? sum / ranked : null,
    maxShift: rescored > 0 && ranked > 0 ? largest : null,
  };
}

/**
 * Audits a scored dataset: per node coverage (scored, not applicable, missing), availability and
 * distribution with COINr's outlier flag (|skew| > 2 and excess kurtosis > 3.5, both adjusted
 * sample statistics as in COINr's `skew`/`kurt`, e1071 type 2, simple-statistics'
 * `sampleSkewness`/`sampleKurtosis`); Pearson and Spearman correlations within sub-indices
 * (children of one parent), across them (same depth, other parents) and with the parent, with
 * negative and collinear flags; Cronbach's alpha of each internal node's children; and for each
 * non-root node of the main tree, how much the root's ranking moves when the node is dropped and
 * its siblings re-weighted (the other nodes keep their values as scored, so a gate's effect on its
 * siblings stays).
 *
 * Ranks are competition ranks ("1224"), the highest root value first, on values rounded to
 * `rankDecimals` (12 by default, so that binary noise does not split ties). Correlation pairs with
 * fewer than 3 bodies scored on both nodes are left out. With no bodies, every count is 0 and
 * every statistic null.
 * @param rubric - the rubric that scored the bodies
 * @param scores - the bodies' results
 * @param options - thresholds (COINr's defaults)
 * @returns the audit; `flags` lists every flag as an issue
 * @example
 * const scores = [[0.5, 0.5, 0.2, 0.2], [0.6, 0.4, 0.3, 0.1], [0.7, 0.6, 0.1, 0.4], [0.4, 0.3, 0.2, 0.3]].map(([TG, TC, PG, PC]) => scoreBody(rubric, { values: { TG, TC, PG, PC } }));
 * const audit = auditScores(rubric, scores);
 * audit.indicators.find((s) => s.code === "pg")!.flags // => []
 */
export function auditScores(rubric: CompiledRubric, scores: readonly BodyScore[], options: AuditOptions = {}): ScoreAudit {
  if (!Array.isArray(scores as unknown)) throw new TypeError("auditScores: scores must be an array of body results");
  const th: Required<AuditOptions> = { ...DEFAULTS, ...options };
  for (const [name, v] of Object.entries(th)) {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`auditScores: ${name} must be a finite number, received ${String(v)}`);
  }
  if (!(Number.isInteger(th.rankDecimals) && th.rankDecimals >= 0 && th.rankDecimals <= 15)) {
    throw new RangeError(`auditScores: rankDecimals must be an integer from 0 to 15, received ${String(th.rankDecimals)}`);
  }
  const t = nodeTable(rubric, scores);
  const nodes = rubric.nodes;
  const main = nodes.filter((n) => n.view === undefined);
  const root = main.find((n) => n.parent === undefined)!;
  const rootIndex = t.position.get(root.code)!;

  const indicators = nodes.map((info, i) => indicatorStats(t, info, i, th));

  const depth = new Map<string, number>();
  for (const n of main) depth.set(n.code, n.parent === undefined ? 0 : depth.get(n.parent)! + 1);
  const correlations: CorrelationPair[] = [];
  const candidates = main.filter((n) => n.parent !== undefined);
  for (let i = 0; i < candidates.length; i++) {
    const a = candidates[i]!;
    for (let j = i + 1; j < candidates.length; j++) {
      const b = candidates[j]!;
      if (depth.get(a.code) !== depth.get(b.code)) continue;
      const pair = correlationPair(t, a, b, a.parent === b.parent ? "within" : "across", th);
      if (pair) correlations.push(pair);
    }
  }
  for (const a of candidates) {
    const pair = correlationPair(t, a, nodes[t.position.get(a.parent!)!]!, "parent", th);
    if (pair) correlations.push(pair);
  }

  const alpha: AlphaStats[] = [];
  for (const info of nodes) {
    if (info.children.length < 2) continue;
    const cols = info.children.map((c) => t.position.get(c.code)!);
    const items: number[][] = cols.map(() => []);
    for (let b = 0; b < t.bodies; b++) {
      if (cols.every((c) => t.status[c]![b] === SCORED)) cols.forEach((c, k) => items[k]!.push(t.value[c]![b]!));
    }
    alpha.push({ code: info.code, children: info.children.map((c) => c.code), n: items[0]!.length, alpha: cronbachAlpha(items) });
  }

  const drops = candidates.map((info) => dropEffect(rubric, t, info, rootIndex, th.rankDecimals));

  const flags: Issue[] = [];
  for (const s of indicators) {
    if (s.flags.includes("outliers")) {
      flags.push({ code: "outliers", path: s.code, message: `"${s.code}" may have outliers: skewness ${s.skew!.toFixed(2)} and excess kurtosis ${s.kurtosis!.toFixed(2)} exceed ${th.skew} and ${th.kurtosis}`, expected: `|skew| ≤ ${th.skew} or kurtosis ≤ ${th.kurtosis}`, received: `skew ${s.skew!.toFixed(2)}, kurtosis ${s.kurtosis!.toFixed(2)}` });
    }
    if (s.flags.includes("no_data")) {
      flags.push({ code: "no_data", path: s.code, message: `"${s.code}" has no value for any of the ${s.missing} bodies: the dataset does not carry it`, expected: "values", received: "none" });
    }
    if (s.flags.includes("low_availability")) {
      flags.push({ code: "low_availability", path: s.code, message: `"${s.code}" has a value for ${s.scored} of ${s.scored + s.missing} bodies (${(100 * s.availability!).toFixed(1)}%)`, expected: `at least ${th.availability}`, received: s.availability!.toFixed(3) });
    }
  }
  for (const c of correlations) {
    if (c.flags.includes("negative")) {
      flags.push({ code: "negative_correlation", path: `${c.a}~${c.b}`, message: `"${c.a}" and "${c.b}" (${c.relation}) correlate negatively: Pearson r = ${c.pearson!.toFixed(3)} over ${c.n} bodies`, expected: `r ≥ ${th.negative}`, received: c.pearson!.toFixed(3) });
    }
    if (c.flags.includes("collinear")) {
      flags.push({ code: "collinear", path: `${c.a}~${c.b}`, message: `"${c.a}" and "${c.b}" (${c.relation}) are nearly collinear: Pearson r = ${c.pearson!.toFixed(3)} over ${c.n} bodies`, expected: `r ≤ ${th.collinear}`, received: c.pearson!.toFixed(3) });
    }
  }
  return { bodies: t.bodies, indicators, correlations, alpha, drops, flags, thresholds: th };
}
