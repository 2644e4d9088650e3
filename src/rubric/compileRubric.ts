import { canonicalJson } from "../internal/canonicalJson.js";
import { sha256 } from "../internal/sha256.js";
import type {
  Label,
  LeafInput,
  MissingPolicy,
  NotApplicablePolicy,
  Provenance,
  Reference,
  RubricDocument,
  RubricNode,
  Rule,
  Source,
} from "./schema.js";

/** Leaf kinds in the compiled form (0 is an internal node). */
export const LEAF_NONE = 0;
export const LEAF_SCORE = 1;
export const LEAF_BINARY = 2;
export const LEAF_COUNT = 3;
export const LEAF_ORDINAL = 4;
export const LEAF_LINEAR = 5;

export const RULE_ARITHMETIC = 0;
export const RULE_GEOMETRIC = 1;
export const RULE_MINIMUM = 2;

/** Policies in the compiled form: what a missing value, or an empty observation set, becomes. */
export const POLICY_MISSING = 0;
export const POLICY_ZERO = 1;
export const POLICY_NOT_APPLICABLE = 2;

export const NA_REWEIGHT = 0;
export const NA_ZERO = 1;

/** A child edge as written in the rubric, with the weight's provenance resolved. */
export interface CompiledChild {
  readonly code: string;
  readonly weight: number;
  readonly provenance: Provenance;
}

/** Everything known about one node, for explanations and reports. */
export interface NodeInfo {
  readonly index: number;
  readonly code: string;
  readonly aliases: readonly string[];
  readonly label: Label;
  readonly description?: RubricNode["description"];
  readonly provenance: Provenance;
  /** Id of the view holding this node; undefined for the main tree. */
  readonly view?: string;
  /** Parent in the main tree (or in its view); undefined for the root and view tops. */
  readonly parent?: string;
  readonly depth: number;
  readonly input?: LeafInput;
  readonly children: readonly CompiledChild[];
  readonly rule: Rule;
  readonly notApplicable: NotApplicablePolicy;
  readonly missing: MissingPolicy;
  readonly gates: readonly string[];
}

/** An observation set with the indices of the leaves it feeds. */
export interface CompiledObservationSet {
  readonly id: string;
  readonly label: Label;
  readonly noObservations: MissingPolicy;
  readonly provenance: Provenance;
  readonly leaves: Int32Array;
}

/**
 * A validated rubric compiled to flat, index-based arrays. Scoring walks these arrays and never
 * looks a string up; `index` maps codes and aliases to positions once, at the edge.
 *
 * Node positions follow display order: the main tree in pre-order from the root, then each view.
 */
export interface CompiledRubric {
  readonly id: string;
  readonly version: string;
  readonly edition: string | undefined;
  /** SHA-256 of the canonical JSON of the document (key order does not matter). */
  readonly hash: string;
  readonly label: Label;
  readonly document: RubricDocument;
  readonly sources: readonly Source[];
  readonly references: readonly Reference[];
  readonly size: number;
  readonly root: number;
  readonly nodes: readonly NodeInfo[];
  /** Code or alias → node position. */
  readonly index: ReadonlyMap<string, number>;
  /** Positions in evaluation order: children before parents, views after the main tree. */
  readonly evalOrder: Int32Array;
  /** Children of node i are `childNode[childStart[i] .. childStart[i + 1])`. */
  readonly childStart: Int32Array;
  readonly childNode: Int32Array;
  /** Default weight of each child edge (same positions as `childNode`). */
  readonly weights: Float64Array;
  readonly rule: Uint8Array;
  readonly naPolicy: Uint8Array;
  readonly missingPolicy: Uint8Array;
  readonly leafKind: Uint8Array;
  /** count: max; linear: low. */
  readonly leafA: Float64Array;
  /** linear: high. */
  readonly leafB: Float64Array;
  /** linear: 1 when descending. */
  readonly leafDescending: Uint8Array;
  /** ordinal leaves: level → score. */
  readonly levels: readonly (ReadonlyMap<string, number> | undefined)[];
  /** Observation set position of a per-observation leaf, else -1. */
  readonly obsSet: Int32Array;
  readonly observationSets: readonly CompiledObservationSet[];
  /** 1 when some child of node i declares gates. */
  readonly hasGatedChildren: Uint8Array;
  /** Per observation set: the policy code for a body with no observation in it. */
  readonly noObservationsPolicy: Uint8Array;
  /** Gate targets of node i are `gateTarget[gateStart[i] .. gateStart[i + 1])`. */
  readonly gateStart: Int32Array;
  readonly gateTarget: Int32Array;
  /** Views and the positions of their nodes. */
  readonly views: readonly { readonly id: string; readonly label: Label; readonly nodes: Int32Array }[];
}

const RULES: Record<Rule, number> = { arithmetic: RULE_ARITHMETIC, geometric: RULE_GEOMETRIC, minimum: RULE_MINIMUM };
const POLICIES: Record<MissingPolicy, number> = { missing: POLICY_MISSING, zero: POLICY_ZERO, not_applicable: POLICY_NOT_APPLICABLE };
const LEAVES: Record<LeafInput["type"], number> = { score: LEAF_SCORE, binary: LEAF_BINARY, count: LEAF_COUNT, ordinal: LEAF_ORDINAL, linear: LEAF_LINEAR };

/** Code of a policy as stored in the compiled arrays. */
export function policyCode(policy: MissingPolicy): number {
  return POLICIES[policy];
}

function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v !== null && typeof v === "object" && !Object.isFrozen(v)) {
      Object.freeze(v);
      for (const child of Object.values(v)) stack.push(child);
    }
  }
  return value;
}

/**
 * Computes a rubric's content hash: SHA-256 of its canonical JSON, ignoring `$schema`.
 * @param doc - a rubric document
 * @returns 64 hex characters
 */
export function rubricHash(doc: RubricDocument): string {
  const { $schema: _ignored, ...content } = doc;
  return sha256(canonicalJson(content));
}

/**
 * Compiles a rubric that `validateRubric` accepted. Internal: call `parseRubric`, which validates
 * first; compiling an invalid document has no defined result.
 * @param input - a valid rubric document
 * @returns the frozen, index-based form
 */
export function compileRubric(input: RubricDocument): CompiledRubric {
  const doc = deepFreeze(structuredClone(input));
  const byCode = new Map<string, { node: RubricNode; view: number | undefined }>();
  for (const node of doc.nodes) byCode.set(node.code, { node, view: undefined });
  (doc.views ?? []).forEach((v, vi) => v.nodes.forEach((node) => byCode.set(node.code, { node, view: vi })));

  // Display order: pre-order of the main tree, then of each view's top nodes.
  const order: { node: RubricNode; view: number | undefined; parent: string | undefined; depth: number }[] = [];
  const visit = (code: string, view: number | undefined, parent: string | undefined, depth: number) => {
    const stack = [{ code, parent, depth }];
    while (stack.length > 0) {
      const top = stack.pop()!;
      const entry = byCode.get(top.code)!;
      order.push({ node: entry.node, view, parent: top.parent, depth: top.depth });
      const kids = (entry.node.children ?? []).filter((c) => byCode.get(c.code)?.view === view);
      for (let k = kids.length - 1; k >= 0; k--) stack.push({ code: kids[k]!.code, parent: top.code, depth: top.depth + 1 });
    }
  };
  visit(doc.root, undefined, undefined, 0);
  const mainSize = order.length;
  (doc.views ?? []).forEach((v, vi) => {
    const inView = new Set<string>();
    for (const n of v.nodes) for (const c of n.children ?? []) inView.add(c.code);
    for (const n of v.nodes) if (!inView.has(n.code)) visit(n.code, vi, undefined, 0);
  });

  const size = order.length;
  const index = new Map<string, number>();
  order.forEach((o, i) => index.set(o.node.code, i));
  order.forEach((o, i) => (o.node.aliases ?? []).forEach((a) => index.set(a, i)));

  const sets = (doc.observationSets ?? []).map((s) => s.id);
  const childStart = new Int32Array(size + 1);
  const edges: number[] = [];
  const weights: number[] = [];
  const gateStart = new Int32Array(size + 1);
  const gates: number[] = [];
  const rule = new Uint8Array(size);
  const naPolicy = new Uint8Array(size);
  const missingPolicy = new Uint8Array(size);
  const leafKind = new Uint8Array(size);
  const leafA = new Float64Array(size);
  const leafB = new Float64Array(size);
  const leafDescending = new Uint8Array(size);
  const obsSet = new Int32Array(size).fill(-1);
  const levels: (ReadonlyMap<string, number> | undefined)[] = [];
  const nodes: NodeInfo[] = [];

  order.forEach(({ node, view, parent, depth }, i) => {
    childStart[i] = edges.length;
    const children: CompiledChild[] = (node.children ?? []).map((c) => ({
      code: c.code,
      weight: c.weight,
      provenance: c.provenance ?? node.provenance,
    }));
    for (const c of children) {
      edges.push(index.get(c.code)!);
      weights.push(c.weight);
    }
    gateStart[i] = gates.length;
    for (const g of node.gates ?? []) gates.push(index.get(g)!);
    rule[i] = RULES[node.rule ?? "arithmetic"];
    naPolicy[i] = (node.notApplicable ?? "reweight") === "zero" ? NA_ZERO : NA_REWEIGHT;
    missingPolicy[i] = POLICIES[node.missing ?? "missing"];
    const input = node.input;
    let levelMap: Map<string, number> | undefined;
    if (input) {
      leafKind[i] = LEAVES[input.type];
      if (input.type === "count") leafA[i] = input.max;
      if (input.type === "linear") {
        leafA[i] = input.low;
        leafB[i] = input.high;
        leafDescending[i] = input.direction === "descending" ? 1 : 0;
      }
      if (input.type === "ordinal") levelMap = new Map(input.levels.map((l) => [l.value, l.score]));
      if (input.observations) obsSet[i] = sets.indexOf(input.observations.set);
    }
    levels.push(levelMap);
    const info: NodeInfo = {
      index: i,
      code: node.code,
      aliases: node.aliases ?? [],
      label: node.label,
      ...(node.description ? { description: node.description } : {}),
      provenance: node.provenance,
      ...(view !== undefined ? { view: doc.views![view]!.id } : {}),
      ...(parent !== undefined ? { parent } : {}),
      depth,
      ...(input ? { input } : {}),
      children,
      rule: node.rule ?? "arithmetic",
      notApplicable: node.notApplicable ?? "reweight",
      missing: node.missing ?? "missing",
      gates: node.gates ?? [],
    };
    nodes.push(Object.freeze(info));
  });
  childStart[size] = edges.length;
  gateStart[size] = gates.length;

  const hasGatedChildren = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    for (let e = childStart[i]!; e < childStart[i + 1]!; e++) {
      const c = edges[e]!;
      if (gateStart[c + 1]! > gateStart[c]!) hasGatedChildren[i] = 1;
    }
  }

  const evalOrder = new Int32Array(size);
  let k = 0;
  for (let i = mainSize - 1; i >= 0; i--) evalOrder[k++] = i;
  // Views: reverse pre-order within each view, views in order, all after the main tree.
  const views = (doc.views ?? []).map((v, vi) => {
    const positions: number[] = [];
    for (let i = mainSize; i < size; i++) if (order[i]!.view === vi) positions.push(i);
    for (let j = positions.length - 1; j >= 0; j--) evalOrder[k++] = positions[j]!;
    return Object.freeze({ id: v.id, label: v.label, nodes: Int32Array.from(positions) });
  });

  const observationSets = (doc.observationSets ?? []).map((s, si) =>
    Object.freeze({
      id: s.id,
      label: s.label,
      noObservations: s.noObservations,
      provenance: s.provenance,
      leaves: Int32Array.from(nodes.filter((_, i) => obsSet[i] === si).map((n) => n.index)),
    }),
  );

  return Object.freeze({
    id: doc.id,
    version: doc.version,
    edition: doc.edition,
    hash: rubricHash(doc),
    label: doc.label,
    document: doc,
    sources: doc.sources,
    references: doc.references ?? [],
    size,
    root: 0,
    nodes: Object.freeze(nodes),
    index,
    evalOrder,
    childStart,
    childNode: Int32Array.from(edges),
    weights: Float64Array.from(weights),
    rule,
    naPolicy,
    missingPolicy,
    leafKind,
    leafA,
    leafB,
    leafDescending,
    levels: Object.freeze(levels),
    obsSet,
    observationSets: Object.freeze(observationSets),
    gateStart,
    gateTarget: Int32Array.from(gates),
    hasGatedChildren,
    noObservationsPolicy: Uint8Array.from(observationSets.map((s) => POLICIES[s.noObservations])),
    views: Object.freeze(views),
  });
}
