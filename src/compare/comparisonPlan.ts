/**
 * How two rubrics line up for a comparison: the crosswalked node pairs, and the components the
 * difference at the root is attributed to. Worked out once per pair of rubrics; every body is then
 * read through it (see `attribution.ts`).
 *
 * The components come from walking both trees down from their roots together. A pair of mapped
 * nodes is *expanded* (its children examined) when both are internal nodes of their main trees and
 * at least one child of one maps to a child of the other; then every mapped child pair is walked in
 * turn, and each child without a partner under the paired parent is an *only-from* or *only-to*
 * part (a node the crosswalk maps elsewhere counts as such too: it left this parent). A pair that is
 * not expanded is a *component*. For the MGA editions that gives the 17 components of the four
 * sub-indices (`tg.ai`, `tg.ta` ← `tg.tr`, ..., `pc.cel`), with no only parts: 2019's
 * `tg.ai.respuesta` and its siblings sit inside the component `tg.ai`, because 2017's `tg.ai` is a
 * leaf.
 *
 * Which attribution applies:
 * - `two_factor` when every node above the components (the expanded pairs) combines its children
 *   by a weighted arithmetic mean in both rubrics: the root is then the sum over components of
 *   effective share × value, and each component's change splits exactly in two;
 * - `shapley` otherwise: the expansion also requires the paired nodes to share their rule and
 *   their policies, stops at `depth` (default 2, the root's grandchildren), and the game has two
 *   players per component (its weight, its value) plus one per kind of only part, at most 14.
 */
import { ONLY_IN_PREFIX } from "../rubric/formats.js";
import type { CompiledRubric } from "../rubric/compileRubric.js";
import { checkCrosswalk, CrosswalkError } from "../rubric/crosswalk.js";
import type { Crosswalk, CrosswalkMapping, CrosswalkRelation } from "../rubric/crosswalkSchema.js";
import type { MissingPolicy, NotApplicablePolicy, Rule } from "../rubric/schema.js";

/**
 * How the difference at the root is attributed (see `docs/compare.md`).
 * @example
 * const method: AttributionMethod = compareEditions([], rubric, loadEdition("2019")).method;
 * method // => "two_factor"
 * compareEditions([], rubric, loadEdition("2019"), { method: "shapley" }).method // => "shapley"
 */
export type AttributionMethod = "two_factor" | "shapley";

/**
 * Most players a Shapley attribution enumerates (2^14 coalitions per body).
 * @example
 * MAX_SHAPLEY_PLAYERS // => 14
 */
export const MAX_SHAPLEY_PLAYERS = 14;
/** Depth of the components in a Shapley attribution unless asked otherwise: the root's grandchildren. */
export const DEFAULT_SHAPLEY_DEPTH = 2;

/**
 * Two nodes the crosswalk maps to each other (main tree or views).
 * @example
 * const p: CrosswalkPair = compareEditions([], rubric, loadEdition("2019")).pairs.find((x) => x.to === "tg.ta")!;
 * p // => { from: "tg.tr", to: "tg.ta", relation: "assumed_equivalent", assumed: true, label: "tg.tr → tg.ta", assumedBelow: ["tg.tr → tg.ta"] }
 */
export interface CrosswalkPair {
  /** Code in the `from` rubric. */
  readonly from: string;
  /** Code in the `to` rubric. */
  readonly to: string;
  readonly relation: CrosswalkRelation;
  /** The mapping is `assumed_equivalent`: treating the two as one measure is an assumption. */
  readonly assumed: boolean;
  /** `tg.ai`, or `tg.tr → tg.ta` when the codes differ. */
  readonly label: string;
  /** View holding the `to` node; absent for the main tree. */
  readonly view?: string;
  /**
   * Labels of the assumed mappings at or below this pair (the `to` node's subtree, views through
   * their children): what comparing this node across the two rubrics rests on.
   */
  readonly assumedBelow: readonly string[];
}

/**
 * A component of the attribution: a crosswalked pair that is not broken down further.
 * @example
 * const k: ComponentInfo = compareEditions([], rubric, loadEdition("2019")).components[1]!;
 * k // => { code: "tg.ta", from: "tg.tr", label: "tg.tr → tg.ta", assumed: true, depth: 3 }
 */
export interface ComponentInfo {
  /** Its code in the `to` rubric (the `attr:<code>` column). */
  readonly code: string;
  /** Its code in the `from` rubric. */
  readonly from: string;
  readonly label: string;
  readonly assumed: boolean;
  /** Depth of the `to` node (the root is 0). */
  readonly depth: number;
}

/** A child of an expanded pair, as the attribution reads it. */
export type PlanEntry =
  | { readonly kind: "upper"; readonly index: number; readonly fromEdge: number; readonly toEdge: number }
  | { readonly kind: "component"; readonly index: number; readonly fromEdge: number; readonly toEdge: number }
  | { readonly kind: "only_from"; readonly index: number; readonly fromEdge: number }
  | { readonly kind: "only_to"; readonly index: number; readonly toEdge: number };

/** An expanded pair: both nodes combine their children, which the entries list. */
export interface UpperPair {
  readonly fromNode: number;
  readonly toNode: number;
  readonly label: string;
  readonly assumed: boolean;
  /** The `to` node's rule and policies (equal to the `from` node's in a Shapley plan). */
  readonly rule: Rule;
  readonly notApplicable: NotApplicablePolicy;
  readonly missing: MissingPolicy;
  readonly entries: readonly PlanEntry[];
  /** Components below this pair, as a bit mask of their weight players (Shapley plans). */
  readonly weightPlayers: number;
}

/** A node under an expanded pair with no partner there. */
export interface OnlyPart {
  readonly node: number;
  readonly code: string;
}

/** Role of a node of one rubric in a plan. */
export const ROLE_NONE = 0;
export const ROLE_UPPER = 1;
export const ROLE_COMPONENT = 2;
export const ROLE_ONLY = 3;

/** One rubric's side of a plan: each node's role and its number in that role's list. */
export interface PlanSide {
  readonly rubric: CompiledRubric;
  readonly role: Uint8Array;
  readonly number: Int32Array;
}

/** Everything a comparison needs to know about two rubrics and their crosswalk. */
export interface ComparisonPlan {
  readonly from: PlanSide;
  readonly to: PlanSide;
  /** The crosswalk, oriented from → to. */
  readonly crosswalk: Crosswalk;
  /** Every crosswalked pair, in the `to` rubric's display order (main tree, then views). */
  readonly pairs: readonly CrosswalkPair[];
  readonly pairNodes: readonly { readonly from: number; readonly to: number }[];
  /** Node of `to` for a node of `from` (pairs only), and back. */
  readonly toOfFrom: ReadonlyMap<number, number>;
  readonly fromOfTo: ReadonlyMap<number, number>;
  readonly method: AttributionMethod;
  readonly components: readonly (ComponentInfo & { readonly fromNode: number; readonly toNode: number })[];
  /** Expanded pairs, the roots' pair first, parents before children. */
  readonly upper: readonly UpperPair[];
  readonly onlyFrom: readonly OnlyPart[];
  readonly onlyTo: readonly OnlyPart[];
  /** Players of the Shapley game (0 for a two-factor plan): 2 per component, then only parts. */
  readonly players: number;
}

/**
 * Options that shape a plan.
 * @example
 * const options: PlanOptions = { method: "shapley", depth: 1 };
 * const c = compareEditions([], rubric, loadEdition("2019"), options);
 * [c.method, c.components.map((k) => k.code)] // => ["shapley", ["t", "p"]]
 */
export interface PlanOptions {
  /** `auto` (default): two-factor where every rule above the components is arithmetic, else Shapley. */
  readonly method?: "auto" | AttributionMethod;
  /** Deepest level of the components (depth of the `to` node; the root is 0). */
  readonly depth?: number;
}

/**
 * Orients a crosswalk so that its `from` side is the `from` rubric: as written, or reversed (sides
 * swapped in the references and in every mapping) when it was written the other way round.
 * @param crosswalk - a crosswalk (from `loadCrosswalk` or `parseCrosswalk`)
 * @param from - the rubric compared from
 * @param to - the rubric compared to
 * @returns the crosswalk, from → to
 * @throws RangeError when it joins other rubrics (by id and version)
 * @throws CrosswalkError when a code it maps is not in the rubrics, or a node is left unmapped
 */
export function orientCrosswalk(crosswalk: Crosswalk, from: CompiledRubric, to: CompiledRubric): Crosswalk {
  const is = (ref: { id: string; version: string }, r: CompiledRubric) => ref.id === r.id && ref.version === r.version;
  let oriented: Crosswalk;
  if (is(crosswalk.from, from) && is(crosswalk.to, to)) oriented = crosswalk;
  else if (is(crosswalk.from, to) && is(crosswalk.to, from)) {
    oriented = {
      ...crosswalk,
      from: crosswalk.to,
      to: crosswalk.from,
      mappings: crosswalk.mappings.map((m): CrosswalkMapping => {
        const { from: f, to: t, ...rest } = m;
        return { ...rest, ...(t !== undefined ? { from: t } : {}), ...(f !== undefined ? { to: f } : {}) };
      }),
    };
  } else {
    const name = (r: { id: string; version: string }) => `${r.id}@${r.version}`;
    throw new RangeError(`compare: the crosswalk joins ${name(crosswalk.from)} and ${name(crosswalk.to)}, not ${name(from)} and ${name(to)}; pass a crosswalk between the two rubrics (its "from" and "to" name them by id and version)`);
  }
  const issues = checkCrosswalk(oriented, from.document, to.document).filter((i) => i.code !== "unknown_source");
  if (issues.length > 0) throw new CrosswalkError(issues);
  return oriented;
}

/** `tg.ai`, or `tg.tr → tg.ta`. */
export function pairLabel(from: string, to: string): string {
  return from === to ? from : `${from} → ${to}`;
}

/**
 * Works out the pairs, the components and the attribution method for two rubrics.
 * @param from - the rubric compared from
 * @param to - the rubric compared to
 * @param crosswalk - their crosswalk, in either direction
 * @param options - method and depth
 * @returns the plan
 * @throws RangeError when the roots are not mapped to each other, when `two_factor` is asked for
 *   rubrics with other rules above the components, or when a Shapley plan needs more than 14 players
 */
export function planComparison(from: CompiledRubric, to: CompiledRubric, crosswalk: Crosswalk, options: PlanOptions = {}): ComparisonPlan {
  const oriented = orientCrosswalk(crosswalk, from, to);
  const toOfFrom = new Map<number, number>();
  const fromOfTo = new Map<number, number>();
  const mappingOf = new Map<number, CrosswalkMapping>();
  for (const m of oriented.mappings) {
    if (m.from === undefined || m.to === undefined || m.relation.startsWith(ONLY_IN_PREFIX)) continue;
    const f = from.index.get(m.from)!;
    const t = to.index.get(m.to)!;
    toOfFrom.set(f, t);
    fromOfTo.set(t, f);
    mappingOf.set(t, m);
  }
  const pairNodes = [...fromOfTo.entries()].sort((a, b) => a[0] - b[0]).map(([t, f]) => ({ from: f, to: t }));
  const label = (t: number) => pairLabel(from.nodes[fromOfTo.get(t)!]!.code, to.nodes[t]!.code);
  const below = (t: number, out: Set<number>): Set<number> => {
    if (out.has(t)) return out;
    out.add(t);
    for (const c of to.nodes[t]!.children) below(to.index.get(c.code)!, out);
    return out;
  };
  const pairs = pairNodes.map(({ from: f, to: t }): CrosswalkPair => {
    const m = mappingOf.get(t)!;
    const view = to.nodes[t]!.view;
    const assumedBelow = [...below(t, new Set())]
      .filter((d) => mappingOf.get(d)?.relation === "assumed_equivalent")
      .sort((x, y) => x - y)
      .map(label);
    return {
      from: from.nodes[f]!.code,
      to: to.nodes[t]!.code,
      relation: m.relation,
      assumed: m.relation === "assumed_equivalent",
      label: label(t),
      ...(view !== undefined ? { view } : {}),
      assumedBelow,
    };
  });
  if (toOfFrom.get(from.root) !== to.root) {
    throw new RangeError(`compare: the crosswalk does not map the root ${from.nodes[from.root]!.code} of ${from.id} to the root ${to.nodes[to.root]!.code} of ${to.id}, so the two indices cannot be compared`);
  }
  const assumedOf = (t: number) => mappingOf.get(t)!.relation === "assumed_equivalent";

  const requested = options.method ?? "auto";
  if (options.depth !== undefined && !(Number.isInteger(options.depth) && options.depth >= 0)) {
    throw new RangeError(`compare: depth must be a whole number ≥ 0, not ${options.depth}`);
  }
  if (requested !== "shapley") {
    const plan = expand(from, to, toOfFrom, assumedOf, oriented, pairs, pairNodes, fromOfTo, options.depth ?? Number.POSITIVE_INFINITY, false);
    const arithmetic = plan.upper.every((u) => from.nodes[u.fromNode]!.rule === "arithmetic" && to.nodes[u.toNode]!.rule === "arithmetic");
    if (arithmetic) return plan;
    if (requested === "two_factor") {
      const bad = plan.upper.find((u) => from.nodes[u.fromNode]!.rule !== "arithmetic" || to.nodes[u.toNode]!.rule !== "arithmetic")!;
      throw new RangeError(`compare: the two-factor attribution needs weighted arithmetic means above the components, but ${bad.label} is ${from.nodes[bad.fromNode]!.rule} / ${to.nodes[bad.toNode]!.rule}; use method "shapley" or "auto"`);
    }
  }
  // Shapley: the deepest level (up to the default) whose game stays within the player limit.
  for (let depth = options.depth ?? DEFAULT_SHAPLEY_DEPTH; depth >= 0; depth--) {
    const plan = expand(from, to, toOfFrom, assumedOf, oriented, pairs, pairNodes, fromOfTo, depth, true);
    if (plan.players <= MAX_SHAPLEY_PLAYERS) return plan;
    if (options.depth !== undefined) {
      throw new RangeError(`compare: a Shapley attribution at depth ${depth} has ${plan.players} players (2 per component and 1 per kind of only part); at most ${MAX_SHAPLEY_PLAYERS} are enumerated: ask for a smaller depth`);
    }
  }
  throw new RangeError(`compare: the roots' children alone make more than ${MAX_SHAPLEY_PLAYERS} Shapley players; attribution is not tractable for these rubrics`);
}

function expand(
  from: CompiledRubric,
  to: CompiledRubric,
  toOfFrom: ReadonlyMap<number, number>,
  assumedOf: (t: number) => boolean,
  crosswalk: Crosswalk,
  pairs: readonly CrosswalkPair[],
  pairNodes: readonly { readonly from: number; readonly to: number }[],
  fromOfTo: ReadonlyMap<number, number>,
  maxDepth: number,
  shapley: boolean,
): ComparisonPlan {
  const fromSide = { rubric: from, role: new Uint8Array(from.size), number: new Int32Array(from.size).fill(-1) };
  const toSide = { rubric: to, role: new Uint8Array(to.size), number: new Int32Array(to.size).fill(-1) };
  const components: (ComponentInfo & { fromNode: number; toNode: number })[] = [];
  const upper: (Omit<UpperPair, "entries" | "weightPlayers"> & { entries: PlanEntry[]; weightPlayers: number })[] = [];
  const onlyFrom: OnlyPart[] = [];
  const onlyTo: OnlyPart[] = [];
  const childIndex = (r: CompiledRubric, i: number) => r.nodes[i]!.children.map((c) => r.index.get(c.code)!);

  const visit = (f: number, t: number): { kind: "upper" | "component"; index: number } => {
    const nf = from.nodes[f]!;
    const nt = to.nodes[t]!;
    const fKids = childIndex(from, f);
    const tKids = childIndex(to, t);
    const matched = fKids.filter((c) => {
      const p = toOfFrom.get(c);
      return p !== undefined && tKids.includes(p);
    });
    const sameRules = nf.rule === nt.rule && nf.notApplicable === nt.notApplicable && nf.missing === nt.missing;
    const expandable = nt.depth < maxDepth && fKids.length > 0 && tKids.length > 0 && matched.length > 0 && (!shapley || sameRules);
    if (!expandable) {
      const k = components.length;
      components.push({ code: nt.code, from: nf.code, label: pairLabel(nf.code, nt.code), assumed: assumedOf(t), depth: nt.depth, fromNode: f, toNode: t });
      fromSide.role[f] = ROLE_COMPONENT;
      fromSide.number[f] = k;
      toSide.role[t] = ROLE_COMPONENT;
      toSide.number[t] = k;
      return { kind: "component", index: k };
    }
    const u = upper.length;
    const entry = { fromNode: f, toNode: t, label: pairLabel(nf.code, nt.code), assumed: assumedOf(t), rule: nt.rule, notApplicable: nt.notApplicable, missing: nt.missing, entries: [] as PlanEntry[], weightPlayers: 0 };
    upper.push(entry);
    fromSide.role[f] = ROLE_UPPER;
    fromSide.number[f] = u;
    toSide.role[t] = ROLE_UPPER;
    toSide.number[t] = u;
    // Entries in the `to` node's child order, then the `from` children that have no partner here.
    tKids.forEach((c, toEdge) => {
      const partner = fromOfTo.get(c);
      const fromEdge = partner === undefined ? -1 : fKids.indexOf(partner);
      if (fromEdge < 0) {
        const p = onlyTo.length;
        onlyTo.push({ node: c, code: to.nodes[c]!.code });
        toSide.role[c] = ROLE_ONLY;
        toSide.number[c] = p;
        entry.entries.push({ kind: "only_to", index: p, toEdge });
        return;
      }
      const child = visit(partner!, c);
      entry.entries.push({ kind: child.kind, index: child.index, fromEdge, toEdge });
    });
    fKids.forEach((c, fromEdge) => {
      const partner = toOfFrom.get(c);
      if (partner !== undefined && tKids.includes(partner)) return;
      const p = onlyFrom.length;
      onlyFrom.push({ node: c, code: from.nodes[c]!.code });
      fromSide.role[c] = ROLE_ONLY;
      fromSide.number[c] = p;
      entry.entries.push({ kind: "only_from", index: p, fromEdge });
    });
    return { kind: "upper", index: u };
  };
  visit(from.root, to.root);

  // Weight players below each expanded pair: component k's weight player is bit 2k (Shapley
  // plans have at most 14 players, so the masks fit in 32-bit integers).
  for (let u = upper.length - 1; shapley && u >= 0; u--) {
    let mask = 0;
    for (const e of upper[u]!.entries) {
      if (e.kind === "component") mask |= 1 << (2 * e.index);
      else if (e.kind === "upper") mask |= upper[e.index]!.weightPlayers;
    }
    upper[u]!.weightPlayers = mask;
  }
  const players = shapley ? 2 * components.length + (onlyFrom.length > 0 ? 1 : 0) + (onlyTo.length > 0 ? 1 : 0) : 0;
  return {
    from: fromSide,
    to: toSide,
    crosswalk,
    pairs,
    pairNodes,
    toOfFrom,
    fromOfTo,
    method: shapley ? "shapley" : "two_factor",
    components,
    upper,
    onlyFrom,
    onlyTo,
    players,
  };
}
