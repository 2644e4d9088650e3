/**
 * Comparing results under two rubrics, body by body: both values of every crosswalked node, the
 * difference at the root, ranks under each rubric and the rank shift, the attribution of the
 * difference to components, and the assumed mappings each row relies on.
 *
 * `compareScores` joins two sets of results by body id; `compareEditions` (in its own module)
 * scores one dataset under both rubrics and joins by position. Both build their rows here.
 */
import { rankValues } from "../aggregate/rank.js";
import { loadCrosswalk, EDITIONS } from "../rubric/editions.js";
import type { CompiledRubric } from "../rubric/compileRubric.js";
import type { Crosswalk } from "../rubric/crosswalkSchema.js";
import type { BodyScore, NodeStatus } from "../score/scoreBody.js";
import { attributeBody, type Attribution } from "./attribution.js";
import { compareGroups, type GroupComparisonTable } from "./compareGroups.js";
import { planComparison, type AttributionMethod, type ComparisonPlan, type ComponentInfo, type CrosswalkPair, type PlanOptions } from "./comparisonPlan.js";

/**
 * A rubric as a comparison names it.
 * @example
 * const s: RubricSummary = compareEditions([], rubric, loadEdition("2019"), { labels: { from: "MGA 2017" } }).from;
 * [s.id, s.version, s.edition, s.label] // => ["mga-2017", "1.0.0", "2017", "MGA 2017"]
 * compareEditions([], rubric, rubric).to.label // => "2017 (to)"
 */
export interface RubricSummary {
  readonly id: string;
  readonly version: string;
  readonly hash: string;
  readonly edition?: string;
  /** How tables name this side: the edition ("2017"), else the id; "(from)"/"(to)" added when both sides would read alike. */
  readonly label: string;
}

/**
 * Both values of one crosswalked node for one unit.
 * @example
 * const c = compareEditions([{ id: "A", values: { "tg.tr": 0.75 } }], rubric, loadEdition("2019"));
 * const n: NodeComparison = c.bodies[0]!.nodes.find((x) => x.from === "tg.tr")!;
 * n // => { from: "tg.tr", to: "tg.ta", valueFrom: 0.75, valueTo: 0.75, statusFrom: "scored", statusTo: "scored", diff: 0 }
 */
export interface NodeComparison {
  /** Code in the `from` rubric. */
  readonly from: string;
  /** Code in the `to` rubric. */
  readonly to: string;
  readonly valueFrom: number | null;
  readonly valueTo: number | null;
  readonly statusFrom: NodeStatus;
  readonly statusTo: NodeStatus;
  /** valueTo − valueFrom, when both are scored. */
  readonly diff: number | null;
}

/**
 * One body compared.
 * @example
 * const r19 = loadEdition("2019");
 * const body = (r: CompiledRubric, id: string, t: number, p: number) => scoreBody(r, { id, values: { TG: t, TC: t, PG: p, PC: p } });
 * const c = compareScores({ rubric, scores: [body(rubric, "A", 0.5, 0.25), body(rubric, "B", 0.75, 0.5)] }, { rubric: r19, scores: [body(r19, "A", 1, 0.5), body(r19, "B", 0.75, 0.25)] });
 * const b: BodyComparison = c.bodies[0]!;
 * [b.id, b.from, b.to, b.diff, b.rankFrom, b.rankTo, b.rankShift] // => ["A", 0.375, 0.75, 0.375, 2, 1, 1]
 * b.assumed // => ["tg.ai", "tg.tr → tg.ta"]
 */
export interface BodyComparison {
  readonly id: string;
  /** Identity and grouping fields (the `to` result's, completed by the `from` result's). */
  readonly fields: Readonly<Record<string, string>>;
  /** The root's value under each rubric (null unless scored). */
  readonly from: number | null;
  readonly to: number | null;
  readonly statusFrom: NodeStatus;
  readonly statusTo: NodeStatus;
  /** to − from, when both are scored. */
  readonly diff: number | null;
  /** Rank among the compared bodies under each rubric (1 = highest; ties share the best rank). */
  readonly rankFrom: number | null;
  readonly rankTo: number | null;
  /** rankFrom − rankTo: positive when the body climbed. */
  readonly rankShift: number | null;
  /** How `diff` splits over the components; null unless both roots are scored. */
  readonly attribution: Attribution | null;
  /** Labels of the `assumed_equivalent` mappings this row relies on (`tg.ai`, `tg.tr → tg.ta`). */
  readonly assumed: readonly string[];
  /** Every crosswalked node (main tree, then views), in the `to` rubric's order. */
  readonly nodes: readonly NodeComparison[];
  /**
   * `compareEditions` only: `to` nodes that received no input of their own and took their
   * partner's value under `from` (see `compareEditions`).
   */
  readonly bridged?: readonly string[];
  /** Why a value or the attribution is absent, when one is. */
  readonly note?: string;
}

/**
 * A body found under one rubric only (`compareScores`): listed, never dropped.
 * @example
 * const a = scoreBody(rubric, { id: "A", fields: { name: "Sonora" }, values: { TG: 0.5 } });
 * const b = scoreBody(rubric, { id: "B", fields: { name: "SONORA" }, values: { TG: 0.5 } });
 * const u: UnmatchedBody = compareScores({ rubric, scores: [a] }, { rubric, scores: [b] }).unmatched[0]!;
 * [u.side, u.id, u.status] // => ["from", "A", "missing"]
 * u.reason // => 'only under 2017 (from): no body with id "A" under 2017 (to)'
 * u.suggestions // => [{ id: "B", name: "SONORA" }]
 */
export interface UnmatchedBody {
  /** The side it was found on. */
  readonly side: "from" | "to";
  readonly id: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly value: number | null;
  readonly status: NodeStatus;
  readonly reason: string;
  /** Bodies of the other side, also unmatched, whose name is the same once accents, case and spacing are folded: suggested, not joined. */
  readonly suggestions: readonly { readonly id: string; readonly name: string }[];
}

/**
 * The result of comparing results under two rubrics.
 * @example
 * const c: Comparison = compareEditions([{ id: "A", values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }], rubric, loadEdition("2019"));
 * [c.from.label, c.to.label, c.root, c.method]; // => ["2017", "2019", { from: "iga", to: "iga" }, "two_factor"]
 * [c.components.length, c.pairs.length, c.onlyFrom, c.onlyTo, c.bodies.length, c.unmatched.length] // => [17, 26, [], [], 1, 0]
 */
export interface Comparison {
  readonly from: RubricSummary;
  readonly to: RubricSummary;
  /** The roots' codes (`iga`, `iga`). */
  readonly root: { readonly from: string; readonly to: string };
  readonly method: AttributionMethod;
  /** The components the attribution splits the difference over, in the `to` rubric's order. */
  readonly components: readonly ComponentInfo[];
  /** Codes of the parts that exist under one rubric only (children of expanded pairs). */
  readonly onlyFrom: readonly string[];
  readonly onlyTo: readonly string[];
  /** Every crosswalked pair (the nodes of `BodyComparison.nodes`, in that order). */
  readonly pairs: readonly CrosswalkPair[];
  readonly bodies: readonly BodyComparison[];
  /** Bodies under one rubric only (`compareScores`); empty for `compareEditions`. */
  readonly unmatched: readonly UnmatchedBody[];
  /** Decimals ties are judged at, when ranks are judged on rounded values. */
  readonly rankDecimals?: number;
  /** The group table, when `by` was given. */
  readonly groups?: GroupComparisonTable;
}

/**
 * Options of `compareScores` and `compareEditions`.
 * @example
 * const options: CompareOptions = { by: ["state"], rankDecimals: 2, labels: { from: "MGA 2017", to: "MGA 2019" } };
 * const c = compareEditions([{ id: "A", fields: { state: "Jalisco" }, values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }], rubric, loadEdition("2019"), options);
 * [c.to.label, c.rankDecimals, c.groups!.groups[0]!.key] // => ["MGA 2019", 2, ["Jalisco"]]
 */
export interface CompareOptions extends PlanOptions {
  /**
   * The crosswalk between the two rubrics (either direction); default the built-in one between two
   * built-in editions, or code by code between rubrics with the same node codes (an edited copy).
   */
  readonly crosswalk?: Crosswalk;
  /** Group the comparison by these fields too (`["state"]`, `["type"]`, ...): see `compareGroups`. */
  readonly by?: readonly string[];
  /** Judge rank ties on values rounded half up to this many decimals (as published tables do); default exact values. */
  readonly rankDecimals?: number;
  /** Names of the two sides in tables; default the rubrics' editions (or ids). */
  readonly labels?: { readonly from?: string; readonly to?: string };
}

/**
 * Results under one rubric: what `scoreFile` returns, or a rubric with `scoreBody` results.
 * @example
 * const set: ScoreSet = { rubric, scores: [scoreBody(rubric, { id: "A", values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } })] };
 * compareScores(set, set).bodies[0]!.diff // => 0
 */
export interface ScoreSet {
  readonly rubric: CompiledRubric;
  readonly scores: Iterable<BodyScore>;
}

/**
 * The crosswalk for two rubrics: the one given, else the built-in one when both are built-in
 * editions (by id and version), else, when both have the same node codes (a rubric and itself, or
 * an edited copy), code by code.
 * @throws RangeError when none is given and no built-in crosswalk joins them
 */
export function crosswalkFor(from: CompiledRubric, to: CompiledRubric, given: Crosswalk | undefined, caller: string): Crosswalk {
  if (given !== undefined) return given;
  const builtIn = (r: CompiledRubric) => (EDITIONS as readonly string[]).includes(r.edition ?? "") && r.id === `mga-${r.edition}`;
  if (builtIn(from) && builtIn(to) && from.edition !== to.edition) {
    const [a, b] = from.edition! < to.edition! ? [from.edition!, to.edition!] : [to.edition!, from.edition!];
    return loadCrosswalk(a, b);
  }
  const codes = (r: CompiledRubric) => r.nodes.map((n) => n.code).sort().join("\n");
  if (codes(from) === codes(to)) return identityCrosswalk(from, to);
  throw new RangeError(`${caller}: no built-in crosswalk joins ${from.id}@${from.version} and ${to.id}@${to.version}, and their node codes differ; pass options.crosswalk`);
}

/**
 * The crosswalk of two rubrics with the same node codes (a rubric and itself, or an edited copy):
 * every node `same`, code by code.
 */
function identityCrosswalk(from: CompiledRubric, to: CompiledRubric): Crosswalk {
  return {
    schemaVersion: 1,
    from: { id: from.id, version: from.version },
    to: { id: to.id, version: to.version },
    mappings: to.nodes.map((n) => ({ from: n.code, to: n.code, relation: "same" as const, note: "same code", provenance: { status: "verified" as const, source: to.sources[0]?.id ?? "self" } })),
  };
}

/** The two sides' names for tables. */
export function sideLabels(from: CompiledRubric, to: CompiledRubric, labels: CompareOptions["labels"]): [string, string] {
  let a = labels?.from ?? from.edition ?? from.id;
  let b = labels?.to ?? to.edition ?? to.id;
  if (a === b) {
    a = `${a} (from)`;
    b = `${b} (to)`;
  }
  return [a, b];
}

function summary(r: CompiledRubric, label: string): RubricSummary {
  return { id: r.id, version: r.version, hash: r.hash, ...(r.edition !== undefined ? { edition: r.edition } : {}), label };
}

/** One body's two results, before ranking: what `buildComparison` takes. */
export interface PairedBody {
  readonly id: string;
  readonly from: BodyScore;
  readonly to: BodyScore;
  /** Assumed mappings relied on beyond the components (inputs translated, values bridged), by `to` node. */
  readonly usedPairs?: ReadonlySet<number>;
  readonly bridged?: readonly string[];
}

/**
 * Builds the comparison rows of paired results (the shared core of `compareScores` and
 * `compareEditions`): node values, differences, attribution, assumed mappings, then ranks.
 */
export function buildComparison(plan: ComparisonPlan, paired: readonly PairedBody[], unmatched: readonly UnmatchedBody[], options: CompareOptions): Comparison {
  const { from, to } = plan;
  const [labelFrom, labelTo] = sideLabels(from.rubric, to.rubric, options.labels);
  const pairIndexOfTo = new Map<number, number>(plan.pairNodes.map((p, i) => [p.to, i]));
  const rows = paired.map((p): Omit<BodyComparison, "rankFrom" | "rankTo" | "rankShift"> => {
    checkRubric(p.from, from.rubric, "from");
    checkRubric(p.to, to.rubric, "to");
    const nodes = plan.pairNodes.map(({ from: f, to: t }, i): NodeComparison => {
      const a = p.from.nodes[f]!;
      const b = p.to.nodes[t]!;
      return {
        from: plan.pairs[i]!.from,
        to: plan.pairs[i]!.to,
        valueFrom: a.value,
        valueTo: b.value,
        statusFrom: a.status,
        statusTo: b.status,
        diff: a.value !== null && b.value !== null ? b.value - a.value : null,
      };
    });
    const both = p.from.value !== null && p.to.value !== null;
    let attribution: Attribution | null = null;
    const relied = new Set<number>(); // pair indices
    let note: string | undefined;
    const explained = plan.upper.every((u) => p.from.nodes[u.fromNode]!.contributions !== undefined && p.to.nodes[u.toNode]!.contributions !== undefined);
    if (both && !explained) note = "no attribution: a result carries no contributions (values read without their explanation)";
    if (both && explained) {
      const r = attributeBody(plan, p.from, p.to);
      attribution = r.attribution;
      plan.components.forEach((c, k) => {
        if (r.counted[k]) relied.add(pairIndexOfTo.get(c.toNode)!);
      });
    } else {
      if (!both) note = missingNote(p, labelFrom, labelTo);
      plan.components.forEach((c) => {
        if (p.from.nodes[c.fromNode]!.status === "scored" || p.to.nodes[c.toNode]!.status === "scored") relied.add(pairIndexOfTo.get(c.toNode)!);
      });
    }
    for (const u of plan.upper) if (u.assumed) relied.add(pairIndexOfTo.get(u.toNode)!);
    for (const t of p.usedPairs ?? []) {
      const i = pairIndexOfTo.get(t);
      if (i !== undefined) relied.add(i);
    }
    const assumed = [...relied].sort((x, y) => x - y).filter((i) => plan.pairs[i]!.assumed).map((i) => plan.pairs[i]!.label);
    return {
      id: p.id,
      fields: { ...(p.from.fields ?? {}), ...(p.to.fields ?? {}) },
      from: p.from.value,
      to: p.to.value,
      statusFrom: p.from.status,
      statusTo: p.to.status,
      diff: both ? p.to.value! - p.from.value! : null,
      attribution,
      assumed,
      nodes,
      ...(p.bridged !== undefined ? { bridged: p.bridged } : {}),
      ...(note !== undefined ? { note } : {}),
    };
  });
  const rankOptions = options.rankDecimals !== undefined ? { decimals: options.rankDecimals } : {};
  const ranksFrom = rankValues(rows.map((r) => r.from), rankOptions);
  const ranksTo = rankValues(rows.map((r) => r.to), rankOptions);
  const bodies = rows.map((r, i): BodyComparison => {
    const rankFrom = ranksFrom[i] ?? null;
    const rankTo = ranksTo[i] ?? null;
    const { attribution, assumed, nodes, bridged, note, ...head } = r;
    return {
      ...head,
      rankFrom,
      rankTo,
      rankShift: rankFrom !== null && rankTo !== null ? rankFrom - rankTo : null,
      attribution,
      assumed,
      nodes,
      ...(bridged !== undefined ? { bridged } : {}),
      ...(note !== undefined ? { note } : {}),
    };
  });
  const comparison: Comparison = {
    from: summary(from.rubric, labelFrom),
    to: summary(to.rubric, labelTo),
    root: { from: from.rubric.nodes[from.rubric.root]!.code, to: to.rubric.nodes[to.rubric.root]!.code },
    method: plan.method,
    components: plan.components.map(({ code, from: f, label, assumed, depth }) => ({ code, from: f, label, assumed, depth })),
    onlyFrom: plan.onlyFrom.map((p) => p.code),
    onlyTo: plan.onlyTo.map((p) => p.code),
    pairs: plan.pairs,
    bodies,
    unmatched,
    ...(options.rankDecimals !== undefined ? { rankDecimals: options.rankDecimals } : {}),
  };
  if (options.by === undefined) return comparison;
  return { ...comparison, groups: compareGroups(comparison, options.by, rankOptions) };
}

function checkRubric(score: BodyScore, rubric: CompiledRubric, side: "from" | "to"): void {
  if (score.rubric?.hash !== rubric.hash || score.nodes?.length !== rubric.size) {
    throw new RangeError(`compare: the ${side} result of ${JSON.stringify(score.id ?? "")} comes from ${score.rubric?.id}@${score.rubric?.version}, not from the ${side} rubric ${rubric.id}@${rubric.version} (hash ${rubric.hash.slice(0, 12)})`);
  }
}

/** Why a body has no difference: which side left its root unscored, and the first inputs it lacks. */
function missingNote(p: PairedBody, labelFrom: string, labelTo: string): string {
  const part = (s: BodyScore, label: string) => {
    if (s.status === "scored") return undefined;
    if (s.status === "not_applicable") return `not applicable under ${label}`;
    const lack = s.missingInputs.slice(0, 4).join(", ");
    return `missing under ${label}${lack ? ` (lacks ${lack}${s.missingInputs.length > 4 ? ", ..." : ""})` : ""}`;
  };
  return [part(p.from, labelFrom), part(p.to, labelTo)].filter((x) => x !== undefined).join("; ");
}

/** A name folded for matching: accents, case, punctuation spacing and repeated spaces ignored. */
export function foldName(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Compares results under two rubrics body by body, joined by id: both values of every
 * crosswalked node, the difference at the root, ranks and rank shifts, the attribution of each
 * difference to components (weight and value effects, and parts under one rubric only), and the
 * `assumed_equivalent` mappings each row relies on.
 *
 * Bodies found on one side only are listed in `unmatched` with the reason, never dropped; when an
 * unmatched body's name (folded: no accents, case or extra spaces) equals the name of an unmatched
 * body on the other side, that body is suggested, not joined. Ranks are over the joined bodies.
 * Empty input gives a comparison with no bodies.
 * @param from - results under the `from` rubric (e.g. `await scoreFile(...)`)
 * @param to - results under the `to` rubric
 * @param options - crosswalk (default: the built-in one between two built-in editions), grouping,
 *   rank precision, attribution method and depth, side labels
 * @returns the comparison
 * @throws RangeError for an id missing or repeated on one side, a result of another rubric, or
 *   rubrics that no crosswalk joins
 * @example
 * const r19 = loadEdition("2019");
 * const from = { rubric, scores: [scoreBody(rubric, { id: "A", values: { TG: 0.5, TC: 0.5, PG: 0.25, PC: 0.25 } })] };
 * const to = { rubric: r19, scores: [scoreBody(r19, { id: "A", values: { TG: 1, TC: 1, PG: 0.5, PC: 0.5 } })] };
 * const c = compareScores(from, to);
 * [c.bodies[0]!.from, c.bodies[0]!.to, c.bodies[0]!.diff] // => [0.375, 0.75, 0.375]
 */
export function compareScores(from: ScoreSet, to: ScoreSet, options: CompareOptions = {}): Comparison {
  const plan = planComparison(from.rubric, to.rubric, crosswalkFor(from.rubric, to.rubric, options.crosswalk, "compareScores"), options);
  const [labelFrom, labelTo] = sideLabels(from.rubric, to.rubric, options.labels);
  const byId = (set: ScoreSet, side: string) => {
    const map = new Map<string, BodyScore>();
    let k = 0;
    for (const s of set.scores) {
      if (typeof s.id !== "string" || s.id === "") throw new RangeError(`compareScores: ${side} result ${k} has no id; results are joined by id`);
      if (map.has(s.id)) throw new RangeError(`compareScores: id ${JSON.stringify(s.id)} appears twice in the ${side} results`);
      map.set(s.id, s);
      k++;
    }
    return map;
  };
  const a = byId(from, "from");
  const b = byId(to, "to");
  const paired: PairedBody[] = [];
  for (const [id, s] of a) {
    const t = b.get(id);
    if (t !== undefined) paired.push({ id, from: s, to: t });
  }
  const onlyA = [...a.values()].filter((s) => !b.has(s.id!));
  const onlyB = [...b.values()].filter((s) => !a.has(s.id!));
  const names = (list: readonly BodyScore[]) => {
    const m = new Map<string, { id: string; name: string }[]>();
    for (const s of list) {
      const name = s.fields?.name;
      if (name === undefined || name.trim() === "") continue;
      const key = foldName(name);
      const got = m.get(key);
      if (got) got.push({ id: s.id!, name });
      else m.set(key, [{ id: s.id!, name }]);
    }
    return m;
  };
  const namesA = names(onlyA);
  const namesB = names(onlyB);
  const unmatchedOf = (s: BodyScore, side: "from" | "to"): UnmatchedBody => {
    const name = s.fields?.name;
    const other = name === undefined ? undefined : (side === "from" ? namesB : namesA).get(foldName(name));
    const [here, there] = side === "from" ? [labelFrom, labelTo] : [labelTo, labelFrom];
    return {
      side,
      id: s.id!,
      fields: s.fields ?? {},
      value: s.value,
      status: s.status,
      reason: `only under ${here}: no body with id ${JSON.stringify(s.id)} under ${there}`,
      suggestions: other ?? [],
    };
  };
  const unmatched = [...onlyA.map((s) => unmatchedOf(s, "from")), ...onlyB.map((s) => unmatchedOf(s, "to"))];
  return buildComparison(plan, paired, unmatched, options);
}
