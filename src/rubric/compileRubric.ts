import { canonicalJson } from "../internal/canonicalJson.js";
import { deepFreeze } from "../internal/plainData.js";
import { sha256 } from "../internal/sha256.js";
import { LEAF, NA_REWEIGHT, NA_ZERO, POLICY, RULE } from "../engine/codes.js";
import { ReadonlyIndex } from "../internal/readonlyIndex.js";
import { foldLevel } from "../score/readValue.js";
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

/**
 * A child edge as written in the rubric, with the weight's provenance resolved.
 * @example
 * const child: CompiledChild = rubric.nodes[rubric.index.get("tg")!]!.children[0]!;
 * [child.code, child.weight, child.provenance.status] // => ["tg.ai", 0.5, "verified"]
 */
export interface CompiledChild {
  readonly code: string;
  readonly weight: number;
  readonly provenance: Provenance;
}

/**
 * Everything known about one node, for explanations and reports.
 * @example
 * const info: NodeInfo = rubric.nodes[rubric.index.get("TG")!]!;
 * [info.code, info.parent, info.depth, info.aliases] // => ["tg", "t", 2, ["TG"]]
 */
export interface NodeInfo {
  /** Position of the node in `CompiledRubric.nodes` (and in every per-node array of the engine). */
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
  /** The leaf's input as written; undefined for an internal node. */
  readonly input?: LeafInput;
  /** Id of the observation set feeding this leaf, one value per observation; undefined otherwise. */
  readonly observationSet?: string;
  readonly children: readonly CompiledChild[];
  readonly rule: Rule;
  readonly notApplicable: NotApplicablePolicy;
  readonly missing: MissingPolicy;
  readonly gates: readonly string[];
}

/**
 * An observation set with the nodes of the leaves it feeds.
 * @example
 * const set: CompiledObservationSet = rubric.observationSets[0]!;
 * set.leaves.map((i) => rubric.nodes[i]!.code) // => ["tc.disp", "tc.clar", "tc.comp", "tc.cel"]
 */
export interface CompiledObservationSet {
  readonly id: string;
  readonly label: Label;
  readonly noObservations: MissingPolicy;
  readonly provenance: Provenance;
  /** Positions of the per-observation leaves of this set, in display order. */
  readonly leaves: readonly number[];
}

/**
 * An alternative grouping of the main tree's nodes, e.g. the gobierno/ciudadano perspective.
 * @example
 * const view: CompiledView = rubric.views[0]!;
 * view.nodes.map((i) => rubric.nodes[i]!.code) // => ["gobierno", "ciudadano"]
 */
export interface CompiledView {
  readonly id: string;
  readonly label: Label;
  /** Positions of the view's own nodes, in display order. */
  readonly nodes: readonly number[];
}

/**
 * A validated rubric, compiled and frozen: nothing in it can be changed, so a cached edition
 * scores the same for every caller. Get one from `parseRubric`, `safeParseRubric` or
 * `loadEdition`; the engine's index-based arrays stay inside (`ogmetric/engine` hands out copies).
 *
 * Node positions follow display order: the main tree in pre-order from the root, then each view.
 * @example
 * const r: CompiledRubric = loadEdition("2019");
 * [r.id, r.size, r.nodes[r.root]!.code, r.hash.length] // => ["mga-2019", 29, "iga", 64]
 */
export interface CompiledRubric {
  readonly id: string;
  readonly version: string;
  readonly edition: string | undefined;
  /** SHA-256 of the canonical JSON of the document (key order does not matter; `$schema` ignored). */
  readonly hash: string;
  readonly label: Label;
  /** The validated document, deep-frozen. */
  readonly document: RubricDocument;
  readonly sources: readonly Source[];
  readonly references: readonly Reference[];
  /** Number of nodes, views included. */
  readonly size: number;
  /** Position of the root (always 0). */
  readonly root: number;
  readonly nodes: readonly NodeInfo[];
  /** Code or alias → node position. */
  readonly index: ReadonlyMap<string, number>;
  readonly observationSets: readonly CompiledObservationSet[];
  readonly views: readonly CompiledView[];
}

/**
 * The engine's arrays of a compiled rubric. Internal: the kernel reads them through `kernelOf`;
 * `ogmetric/engine` exposes copies (`rubricArrays`).
 */
export interface Kernel {
  readonly rubric: CompiledRubric;
  readonly size: number;
  /** Positions in evaluation order: children before parents, views after the main tree. */
  readonly evalOrder: Int32Array;
  /** Children of node i are `childNode[childStart[i] .. childStart[i + 1])`. */
  readonly childStart: Int32Array;
  readonly childNode: Int32Array;
  /** Parent node of each edge (same positions as `childNode`). */
  readonly edgeParent: Int32Array;
  /** The rubric's weight of each child edge, as written. */
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
  /** Ordinal leaves: level (folded by `foldLevel`) → score. */
  readonly levels: readonly (ReadonlyMap<string, number> | undefined)[];
  /** Observation set position of a per-observation leaf, else -1. */
  readonly obsSet: Int32Array;
  /** Per observation set: the policy code for a body with no observation in it. */
  readonly noObservationsPolicy: Uint8Array;
  /** Leaves of set s are `setLeaf[setStart[s] .. setStart[s + 1])`. */
  readonly setStart: Int32Array;
  readonly setLeaf: Int32Array;
  /** 1 when some child of node i declares gates. */
  readonly hasGatedChildren: Uint8Array;
  /** Gate targets of node i are `gateTarget[gateStart[i] .. gateStart[i + 1])`. */
  readonly gateStart: Int32Array;
  readonly gateTarget: Int32Array;
}

const kernels = new WeakMap<object, Kernel>();
const NONE: readonly string[] = Object.freeze([]);

/**
 * The engine's arrays of a rubric compiled by this library.
 * @param rubric - a compiled rubric
 * @param caller - function name for the error message
 * @returns its kernel
 * @throws TypeError when `rubric` did not come from `parseRubric`, `safeParseRubric` or `loadEdition`
 */
export function kernelOf(rubric: CompiledRubric, caller: string): Kernel {
  const k = kernels.get(rubric);
  if (k === undefined) throw new TypeError(`${caller}: expected a compiled rubric (from parseRubric or loadEdition)`);
  return k;
}

const RULES: Record<Rule, number> = RULE;
const POLICIES: Record<MissingPolicy, number> = POLICY;
const LEAVES: Record<LeafInput["type"], number> = LEAF;

/**
 * Computes a rubric's content hash: SHA-256 of its canonical JSON, ignoring `$schema`.
 * @param doc - a rubric document
 * @returns 64 hex characters
 */
export function rubricHash(doc: RubricDocument): string {
  const content: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(doc)) if (key !== "$schema") content[key] = (doc as Record<string, unknown>)[key];
  return sha256(canonicalJson(content));
}

/**
 * Compiles a rubric that `validateRubric` accepted. Internal: `parseRubric` validates first and
 * passes the plain-data copy it validated (see `plainData`); compiling anything else has no
 * defined result.
 * @param doc - a valid rubric document, as plain data (it is frozen, not copied)
 * @param hash - its content hash when already known (the built-in editions'), else computed
 * @returns the frozen, index-based form
 */
export function compileRubric(doc: RubricDocument, hash?: string): CompiledRubric {
  deepFreeze(doc);
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

  const setIds = (doc.observationSets ?? []).map((s) => s.id);
  const childStart = new Int32Array(size + 1);
  const edges: number[] = [];
  const parents: number[] = [];
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
    const children: CompiledChild[] = (node.children ?? []).map((c) =>
      Object.freeze({ code: c.code, weight: c.weight, provenance: c.provenance ?? node.provenance }),
    );
    for (const c of children) {
      edges.push(index.get(c.code)!);
      parents.push(i);
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
      if (input.type === "ordinal") levelMap = new Map(input.levels.map((l) => [foldLevel(l.value), l.score]));
      if (input.observations) obsSet[i] = setIds.indexOf(input.observations.set);
    }
    levels.push(levelMap ? new ReadonlyIndex(levelMap) : undefined);
    const info: NodeInfo = {
      index: i,
      code: node.code,
      aliases: node.aliases ?? NONE,
      label: node.label,
      ...(node.description ? { description: node.description } : {}),
      provenance: node.provenance,
      ...(view !== undefined ? { view: doc.views![view]!.id } : {}),
      ...(parent !== undefined ? { parent } : {}),
      depth,
      ...(input ? { input } : {}),
      ...(input?.observations ? { observationSet: input.observations.set } : {}),
      children: Object.freeze(children),
      rule: node.rule ?? "arithmetic",
      notApplicable: node.notApplicable ?? "reweight",
      missing: node.missing ?? "missing",
      gates: node.gates ?? NONE,
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
    return Object.freeze({ id: v.id, label: v.label, nodes: Object.freeze(positions) });
  });

  const setStart = new Int32Array(setIds.length + 1);
  const setLeaf: number[] = [];
  const observationSets = (doc.observationSets ?? []).map((s, si) => {
    setStart[si] = setLeaf.length;
    const leaves = nodes.filter((_, i) => obsSet[i] === si).map((n) => n.index);
    setLeaf.push(...leaves);
    return Object.freeze({ id: s.id, label: s.label, noObservations: s.noObservations, provenance: s.provenance, leaves: Object.freeze(leaves) });
  });
  setStart[setIds.length] = setLeaf.length;

  const rubric: CompiledRubric = Object.freeze({
    id: doc.id,
    version: doc.version,
    edition: doc.edition,
    hash: hash ?? rubricHash(doc),
    label: doc.label,
    document: doc,
    sources: doc.sources,
    references: doc.references ?? Object.freeze([]),
    size,
    root: 0,
    nodes: Object.freeze(nodes),
    index: new ReadonlyIndex(index),
    observationSets: Object.freeze(observationSets),
    views: Object.freeze(views),
  });
  kernels.set(rubric, {
    rubric,
    size,
    evalOrder,
    childStart,
    childNode: Int32Array.from(edges),
    edgeParent: Int32Array.from(parents),
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
    noObservationsPolicy: Uint8Array.from(observationSets.map((s) => POLICIES[s.noObservations])),
    setStart,
    setLeaf: Int32Array.from(setLeaf),
    hasGatedChildren,
    gateStart,
    gateTarget: Int32Array.from(gates),
  });
  return rubric;
}
