/**
 * Random pairs of rubrics joined by a crosswalk, and random bodies for them, for the comparison
 * properties: nested trees with every rule and policy, gates, renamed and assumed-equivalent
 * nodes, changed weights, rules and policies, subtrees that exist in one rubric only, and values
 * that are scores, not applicable, missing, or given directly above the leaves.
 */
import fc from "fast-check";
import { parseCrosswalk, parseRubric, type BodyInput, type CompiledRubric, type Crosswalk, type RubricNode } from "../../src/index.js";
import { rubricArrays } from "../../src/engine/index.js";
import { rubricDoc } from "../helpers.js";

type Shape = null | Shape[];
/** Trees of depth 1 to 3 below a root with 2 or 3 children: deep enough for components below sub-indices. */
const level2: fc.Arbitrary<Shape> = fc.oneof(fc.constant(null), fc.array(fc.constant(null), { minLength: 1, maxLength: 3 }));
const level1: fc.Arbitrary<Shape> = fc.oneof({ weight: 1, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: fc.array(level2, { minLength: 1, maxLength: 3 }) });
const shapeArb: fc.Arbitrary<Shape> = fc.array(level1, { minLength: 2, maxLength: 3 });

export interface RubricPair {
  readonly from: CompiledRubric;
  readonly to: CompiledRubric;
  readonly crosswalk: Crosswalk;
  /** Codes that take inputs: leaves, and internal nodes (given directly now and then). */
  readonly fromCodes: readonly string[];
  readonly toCodes: readonly string[];
}

const RULES = ["arithmetic", "geometric", "minimum"] as const;
const P = { status: "verified", source: "test" } as const;

/**
 * Builds a pair from a shape and a stream of small random integers (`dice`), read in order: each
 * node of `from` becomes a node of `to` that is the same, renamed or assumed equivalent, with the
 * same or other weights, rule and policies; an internal node may lose its last child in `to` (that
 * subtree exists under `from` only) and may gain a leaf (under `to` only). With `arithmetic`, every
 * rule is a weighted arithmetic mean.
 */
function buildPair(shape: Shape, dice: readonly number[], arithmetic: boolean): RubricPair {
  let d = 0;
  const roll = (n: number) => dice[d++ % dice.length]! % n;
  const fromNodes: RubricNode[] = [];
  const toNodes: RubricNode[] = [];
  const mappings: Crosswalk["mappings"][number][] = [];
  const fromCodes: string[] = [];
  const toCodes: string[] = [];
  let k = 0;
  const leafNode = (code: string): RubricNode => {
    const m = roll(6);
    return { code, label: { es: code, en: code }, input: { type: "score" }, provenance: P, ...(m === 0 ? { missing: "zero" as const } : m === 1 ? { missing: "not_applicable" as const } : {}) };
  };
  /** Adds a subtree under `from` only (every node mapped `only_in_a`). */
  const onlyFrom = (s: Shape): string => {
    const code = `f${k++}`;
    mappings.push({ from: code, relation: "only_in_a", note: "only in A", provenance: P });
    fromCodes.push(code);
    if (s === null || s.length === 0) {
      fromNodes.push(leafNode(code));
      return code;
    }
    const node: RubricNode = { code, label: { es: code, en: code }, children: [], normalize: true, provenance: P, rule: arithmetic || roll(2) > 0 ? "arithmetic" : RULES[roll(3)]! };
    fromNodes.push(node);
    for (const c of s) node.children!.push({ code: onlyFrom(c), weight: 1 + roll(9) });
    return code;
  };
  /** Adds a pair of nodes; returns [from code, to code]. */
  const pair = (s: Shape, depth: number): [string, string] => {
    const n = k++;
    const a = `f${n}`;
    const rename = depth === 0 ? 0 : roll(4);
    const b = rename === 0 ? a : `t${n}`;
    mappings.push({ from: a, to: b, relation: rename === 0 ? "same" : rename === 1 ? "renamed" : "assumed_equivalent", note: "paired", provenance: P });
    fromCodes.push(a);
    toCodes.push(b);
    if (s === null || s.length === 0) {
      fromNodes.push(leafNode(a));
      toNodes.push(leafNode(b));
      return [a, b];
    }
    const ruleA = arithmetic || roll(3) > 0 ? "arithmetic" : RULES[roll(3)]!;
    const ruleB = arithmetic || roll(4) > 0 ? ruleA : RULES[roll(3)]!;
    const naA = roll(2) === 0 ? ("reweight" as const) : ("zero" as const);
    const naB = roll(3) > 0 ? naA : naA === "zero" ? ("reweight" as const) : ("zero" as const);
    const na: RubricNode = { code: a, label: { es: a, en: a }, children: [], normalize: true, provenance: P, rule: ruleA, notApplicable: naA };
    const nb: RubricNode = { code: b, label: { es: b, en: b }, children: [], normalize: true, provenance: P, rule: ruleB, notApplicable: naB };
    fromNodes.push(na);
    toNodes.push(nb);
    const drop = s.length > 1 && roll(4) === 0;
    const kids = s.map((c, i): { a: string; b: string | undefined } => {
      if (drop && i === s.length - 1) return { a: onlyFrom(c), b: undefined };
      const [ca, cb] = pair(c, depth + 1);
      return { a: ca, b: cb };
    });
    for (const c of kids) {
      const w = 1 + roll(9);
      na.children!.push({ code: c.a, weight: w });
      if (c.b !== undefined) nb.children!.push({ code: c.b, weight: roll(3) === 0 ? 1 + roll(9) : w });
    }
    if (roll(4) === 0) {
      const extra = `t${k++}`;
      mappings.push({ to: extra, relation: "only_in_b", note: "only in B", provenance: P });
      toCodes.push(extra);
      toNodes.push(leafNode(extra));
      nb.children!.push({ code: extra, weight: 1 + roll(9) });
    }
    // A gate now and then: the first child, when a leaf, forces its siblings to 0 when it is 0.
    const first = kids[0]!;
    if (kids.length > 1 && fromNodes.find((x) => x.code === first.a)!.input !== undefined && roll(3) === 0) {
      fromNodes.find((x) => x.code === first.a)!.gates = kids.slice(1).map((c) => c.a);
      const targets = kids.slice(1).filter((c) => c.b !== undefined).map((c) => c.b!);
      const gb = first.b === undefined ? undefined : toNodes.find((x) => x.code === first.b);
      if (gb?.input !== undefined && targets.length > 0 && roll(2) === 0) gb.gates = targets;
    }
    return [a, b];
  };
  pair(shape === null ? [null, null] : shape, 0);
  const from = parseRubric(rubricDoc(fromNodes, { id: "ra", edition: "a", root: fromNodes[0]!.code }));
  const to = parseRubric(rubricDoc(toNodes, { id: "rb", edition: "b", root: toNodes[0]!.code }));
  const crosswalk = parseCrosswalk(
    { schemaVersion: 1, from: { id: "ra", version: "1.0.0" }, to: { id: "rb", version: "1.0.0" }, mappings },
    { from: from.document, to: to.document },
  );
  return { from, to, crosswalk, fromCodes, toCodes };
}

export const rubricPairArb = (arithmetic = false): fc.Arbitrary<RubricPair> =>
  fc.tuple(shapeArb, fc.array(fc.nat(1000), { minLength: 8, maxLength: 40 })).map(([shape, dice]) => buildPair(shape, dice, arithmetic));

/**
 * A value: mostly scores with 4 decimals (fast-check's doubles crowd near 0, where every effect is
 * below any tolerance), some arbitrary doubles, some exactly 0 or 1 (to trip gates and geometric
 * zeros), some NA, some missing.
 */
export const valueArb: fc.Arbitrary<number | string | null> = fc.oneof(
  { weight: 7, arbitrary: fc.integer({ min: 0, max: 10_000 }).map((n) => n / 10_000) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(0, 1, 0.5) },
  { weight: 1, arbitrary: fc.constant("NA") },
  { weight: 1, arbitrary: fc.constant<null>(null) },
);

/**
 * Bodies for one rubric: each gives every leaf a value, and now and then an internal node too
 * (given directly, it overrides its subtree). Ids B1, B2, ...; a group field `g`.
 */
export function bodiesFor(rubric: CompiledRubric, codes: readonly string[], values: readonly (number | string | null)[], count: number): BodyInput[] {
  let v = 0;
  const next = () => values[v++ % values.length]!;
  return Array.from({ length: count }, (_, i) => {
    const given: Record<string, number | string | null> = {};
    for (const code of codes) {
      const node = rubric.nodes[rubric.index.get(code)!]!;
      const x = next();
      if (node.children.length === 0) given[code] = x;
      else if (typeof x === "number" && x < 0.08) given[code] = x * 10;
    }
    return { id: `B${i + 1}`, fields: { g: ["x", "y", "z"][i % 3]! }, values: given };
  });
}

/**
 * A weight vector for `scoreBody` with some edges set to 0 (never a node's first child, so no
 * node loses every weight): a rubric cannot say 0, a sensitivity run can.
 */
export function someZeroWeights(rubric: CompiledRubric, dice: readonly number[]): Float64Array {
  const { weights, childStart } = rubricArrays(rubric);
  const first = new Set(Array.from(childStart));
  for (let e = 0; e < weights.length; e++) if (!first.has(e) && dice[e % dice.length]! % 3 === 0) weights[e] = 0;
  return weights;
}
