import { aggregate, type AggregateTable } from "../aggregate/aggregateBy.js";
import { rankValues } from "../aggregate/rank.js";
import { formatFixed } from "../aggregate/round.js";
import type { CompiledRubric } from "../rubric/compileRubric.js";
import type { Reference } from "../rubric/schema.js";
import type { BodyScore } from "../score/scoreBody.js";

/**
 * One published figure next to what the bodies' scores give.
 * @example
 * const check: ReferenceCheck = compareReferences(rubric, [scoreBody(rubric, { values: { TG: 0.46, TC: 0.54, PG: 0.23, PC: 0.32 } })])[0]!;
 * [check.reference.node, check.rounded, check.matches] // => ["iga", "0.39", true]
 */
export interface ReferenceCheck {
  readonly reference: Reference;
  /** The mean over the group's scored bodies, full precision (null when no body scored). */
  readonly computed: number | null;
  /** `computed` rounded half-up to the reference's decimals, as published tables print it. */
  readonly rounded: string | null;
  /** The rounded value equals the published one. */
  readonly matches: boolean;
  /** Rank of the group by descending mean among the groups of the same grouping (1 = highest). */
  readonly rank?: number;
  readonly of?: number;
  /** True when the reference states a rank and it is reproduced (same rank and group count). */
  readonly rankMatches?: boolean;
}

/**
 * Compares a rubric's published reference figures with the scores of a set of bodies: each
 * figure is recomputed at its grouping (national, by state, ...), rounded as the publication
 * rounds (decimal-correct half up) and compared; stated ranks are checked too.
 *
 * With no bodies, every reference is reported with `computed: null` and `matches: false`.
 * @param rubric - the rubric carrying `references`
 * @param scores - the bodies' results (with `fields` holding the grouping keys)
 * @returns one check per reference, in the rubric's order
 * @example
 * const scores = [scoreBody(rubric, { values: { TG: 0.46, TC: 0.54, PG: 0.23, PC: 0.32 } })];
 * const national = compareReferences(rubric, scores).filter((c) => c.reference.by.length === 0 && c.reference.node.length <= 3);
 * national.map((c) => `${c.reference.node} ${c.rounded} ${c.matches}`) // => ["iga 0.39 true", "t 0.50 true", "p 0.28 true", "tg 0.46 true", "tc 0.54 true", "pg 0.23 true", "pc 0.32 true"]
 */
export function compareReferences(rubric: CompiledRubric, scores: readonly BodyScore[]): ReferenceCheck[] {
  const tables = new Map<string, AggregateTable>();
  return rubric.references.map((reference) => {
    const byKey = reference.by.join("\u0000");
    let table = tables.get(byKey);
    if (!table) {
      table = aggregate(scores, { by: reference.by });
      tables.set(byKey, table);
    }
    const column = table.nodes.indexOf(reference.node);
    const means = table.groups.map((g) => g.nodes[column]?.mean ?? null);
    const at = table.groups.findIndex((g) => g.key.length === reference.group.length && g.key.every((k, i) => k === reference.group[i]));
    const computed = at >= 0 ? (means[at] ?? null) : null;
    const rounded = computed === null ? null : formatFixed(computed, reference.decimals);
    const matches = rounded !== null && rounded === formatFixed(reference.value, reference.decimals);
    if (reference.by.length === 0 || computed === null) return { reference, computed, rounded, matches };
    const scored = means.filter((m): m is number => m !== null);
    const rank = rankValues(means)[at]!;
    const rankMatches = reference.rank === undefined ? undefined : reference.rank === rank && (reference.of === undefined || reference.of === scored.length);
    return { reference, computed, rounded, matches, rank, of: scored.length, ...(rankMatches !== undefined ? { rankMatches } : {}) };
  });
}
