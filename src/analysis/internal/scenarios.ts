/**
 * What `uncertainty` and `sensitivity` share: the assumptions of a specification resolved against
 * the rubric (which weights vary and within what range, which rules and policies switch), and the
 * scenarios they run in. A scenario is one variant of the rubric (a modified copy of its
 * document, parsed with `parseRubric`) scoring one realization of the inputs; each scenario has
 * its frames and one `BatchScorer`, so every replication that falls in it takes the fast path.
 * Internal to `ogmetric/analysis`.
 */
import {
  FLAG_INCONSISTENT,
  STATUS_SCORED,
  VALUE_ABSENT,
  VALUE_PRESENT,
} from "../../engine/codes.js";
import { rubricArrays } from "../../engine/rubricArrays.js";
import type { Issue } from "../../issue.js";
import { parseRubric, RubricError } from "../../rubric/parseRubric.js";
import type { CompiledRubric } from "../../rubric/compileRubric.js";
import type { ProvenanceStatus, RubricDocument, RubricNode } from "../../rubric/schema.js";
import { BatchScorer } from "../../score/batch.js";
import { createFrame, evaluateFrame, type ScoreFrame } from "../../score/evaluate.js";
import { createWeights, type WeightVector } from "../../score/weights.js";
import type { AssumptionSpec } from "../analysisSpec.js";
import { createRandom, fromState, type Random } from "../random.js";

/**
 * One weight that varies: edge `edge` from `parent` to `child`, uniform in [min, max].
 * @example
 * const w: WeightFactor = uncertainty({ rubric, bodies: [{ values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }] }, { runs: 1 }).factors.weights[0]!;
 * [w.parent, w.child, w.status, w.nominal, w.min, w.max, w.relative] // => ["iga", "t", "verified", 0.5, 0.45, 0.55, 0.1]
 */
export interface WeightFactor {
  readonly edge: number;
  readonly parent: string;
  readonly child: string;
  /** The weight's provenance status in the rubric. */
  readonly status: ProvenanceStatus;
  readonly nominal: number;
  readonly min: number;
  readonly max: number;
  /** The relative half-width h when the range is nominal·(1 ± h); null for an absolute range. */
  readonly relative: number | null;
}

/**
 * The kinds of discrete switch.
 * @example
 * const spec: UncertaintySpec = { runs: 200, seed: 1, missing: [{ node: "tg", options: ["missing", "zero"] }], notApplicable: [{ node: "tg", options: ["reweight", "zero"] }] };
 * const kinds: SwitchKind[] = uncertainty({ rubric, bodies: [{ values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }] }, spec).factors.switches.map((s) => s.kind);
 * kinds // => ["notApplicable", "missing"]
 */
export type SwitchKind = "rule" | "notApplicable" | "missing" | "noObservations";

/**
 * One discrete assumption: a node's rule or policy, or an observation set's policy.
 * @example
 * const spec: UncertaintySpec = { runs: 10, noObservations: [{ set: "request_records", options: ["not_applicable", "zero"] }] };
 * const sw: Switch = uncertainty({ rubric: loadEdition("2019"), bodies: [{ values: { TG: 0.5, TC: 0.5, PG: 0.2, PC: 0.2 } }] }, spec).factors.switches[0]!;
 * [sw.name, sw.kind, sw.target, sw.options] // => ["noObservations:request_records", "noObservations", "request_records", ["not_applicable", "zero"]]
 */
export interface Switch {
  /** `rule:p`, `notApplicable:tg`, `missing:tg.ai`, `noObservations:request_records`. */
  readonly name: string;
  readonly kind: SwitchKind;
  /** Node code, or observation set id. */
  readonly target: string;
  readonly options: readonly string[];
  /** The rubric's own setting. */
  readonly nominal: string;
}

/** A specification resolved against a rubric. */
export interface Plan {
  readonly rubric: CompiledRubric;
  /** The node scored and ranked. */
  readonly node: number;
  /** Every edge's weight in the rubric (edge order). */
  readonly nominal: Float64Array;
  readonly weights: readonly WeightFactor[];
  readonly switches: readonly Switch[];
  /** Multiplicative input noise, or null. */
  readonly inputs: { readonly relative: number; readonly realizations: number; readonly mask: Uint8Array } | null;
  readonly given: "recompute" | "keep";
}

/**
 * Resolves a specification (already shape- and reference-checked) against the rubric.
 * @returns the plan, or issues for overrides that cannot affect the scored node
 */
export function planAssumptions(rubric: CompiledRubric, spec: AssumptionSpec): { plan: Plan } | { issues: Issue[] } {
  const issues: Issue[] = [];
  const node = spec.node === undefined ? rubric.root : rubric.index.get(spec.node)!;
  const arrays = rubricArrays(rubric);
  const { childStart, childNode } = arrays;
  // Main-tree nodes under the scored node, the node included.
  const under = new Uint8Array(rubric.size);
  const stack = [node];
  while (stack.length > 0) {
    const i = stack.pop()!;
    under[i] = 1;
    for (let e = childStart[i]!; e < childStart[i + 1]!; e++) stack.push(childNode[e]!);
  }
  const defaults: Record<ProvenanceStatus, number> = { verified: spec.weights.verified, inferred: spec.weights.inferred, assumed: spec.weights.assumed };
  /** Per edge: the relative half-width, or an absolute range; undefined when the edge stays fixed. */
  const ranges: ({ relative: number } | { range: readonly [number, number] } | undefined)[] = new Array(arrays.weights.length);
  for (let i = 0; i < rubric.size; i++) {
    if (under[i] !== 1 || childStart[i + 1]! - childStart[i]! < 2) continue; // one child: its weight changes nothing
    rubric.nodes[i]!.children.forEach((c, j) => (ranges[childStart[i]! + j] = { relative: defaults[c.provenance.status] }));
  }
  spec.weights.overrides.forEach((o, k) => {
    const parent = rubric.index.get(o.node)!;
    if (under[parent] !== 1) {
      issues.push({
        code: "outside_node",
        path: `$.weights.overrides[${k}].node`,
        message: `"${o.node}" is not under "${rubric.nodes[node]!.code}", the node scored: its weights cannot change the result`,
      });
      return;
    }
    const info = rubric.nodes[parent]!;
    const child = o.child === undefined ? undefined : rubric.nodes[rubric.index.get(o.child)!]!.code;
    info.children.forEach((c, j) => {
      if (child !== undefined && c.code !== child) return;
      ranges[childStart[parent]! + j] = o.relative !== undefined ? { relative: o.relative } : { range: o.range! };
    });
  });
  const weights: WeightFactor[] = [];
  ranges.forEach((r, edge) => {
    if (r === undefined) return;
    const parent = arrays.edgeParent[edge]!;
    const j = edge - childStart[parent]!;
    const c = rubric.nodes[parent]!.children[j]!;
    const w = arrays.weights[edge]!;
    const relative = "relative" in r ? r.relative : null;
    const range = "range" in r ? r.range : null;
    weights.push({
      edge,
      parent: rubric.nodes[parent]!.code,
      child: c.code,
      status: c.provenance.status,
      nominal: w,
      min: range === null ? w * (1 - relative!) : range[0],
      max: range === null ? w * (1 + relative!) : range[1],
      relative,
    });
  });

  const switches: Switch[] = [];
  const nodeSwitch = (kind: SwitchKind, list: readonly { node: string; options: readonly string[] }[], nominal: (i: number) => string) => {
    for (const s of list) {
      const i = rubric.index.get(s.node)!;
      const code = rubric.nodes[i]!.code;
      switches.push({ name: `${kind}:${code}`, kind, target: code, options: [...new Set(s.options)], nominal: nominal(i) });
    }
  };
  nodeSwitch("rule", spec.rules, (i) => rubric.nodes[i]!.rule);
  nodeSwitch("notApplicable", spec.notApplicable, (i) => rubric.nodes[i]!.notApplicable);
  nodeSwitch("missing", spec.missing, (i) => rubric.nodes[i]!.missing);
  for (const s of spec.noObservations) {
    const set = rubric.observationSets.find((o) => o.id === s.set)!;
    switches.push({ name: `noObservations:${set.id}`, kind: "noObservations", target: set.id, options: [...new Set(s.options)], nominal: set.noObservations });
  }

  let inputs: Plan["inputs"] = null;
  if (spec.inputs !== undefined) {
    const mask = new Uint8Array(rubric.size);
    if (spec.inputs.nodes === undefined) mask.fill(1);
    else {
      // The nodes listed and everything under them (views included: their nodes are the same values).
      const todo = spec.inputs.nodes.map((key) => rubric.index.get(key)!);
      while (todo.length > 0) {
        const i = todo.pop()!;
        if (mask[i] === 1) continue;
        mask[i] = 1;
        for (const c of rubric.nodes[i]!.children) todo.push(rubric.index.get(c.code)!);
      }
    }
    inputs = { relative: spec.inputs.relative, realizations: spec.inputs.realizations, mask };
  }
  if (issues.length > 0) return { issues };
  return { plan: { rubric, node, nominal: arrays.weights, weights, switches, inputs, given: spec.given } };
}

/**
 * Copies a body's inputs (values given, observation sums and counts) from one frame to another of
 * the same tree: variants differ only in rules and policies, so the inputs read for the rubric
 * hold for every variant.
 */
export function copyInputs(from: ScoreFrame, to: ScoreFrame): void {
  to.inKind.set(from.inKind);
  to.inValue.set(from.inValue);
  to.inErr.set(from.inErr);
  to.obsSum.set(from.obsSum);
  to.obsN.set(from.obsN);
  to.obsMissing.set(from.obsMissing);
  to.obsNotApplicable.set(from.obsNotApplicable);
  to.setCount.set(from.setCount);
}

/** What preparing the base frames found. */
export interface Preparation {
  /** Copies of the caller's frames (never changed), with the given values to recompute dropped. */
  readonly frames: ScoreFrame[];
  /** Values given directly for an internal node that were recomputed from its children. */
  readonly recomputed: number;
  /** Of those, how many disagreed with their children beyond the inputs' precision. */
  readonly disagreed: number;
}

/**
 * Copies the caller's frames. With `recompute`, a value given directly for an internal node whose
 * children (or observations) also give it is dropped, so that the weights under it take effect:
 * otherwise the given value would stand fixed under every weight vector (as the published 2017
 * file's GA, T and P would). A node given without its children stays given.
 */
export function prepareFrames(rubric: CompiledRubric, frames: readonly ScoreFrame[], given: "recompute" | "keep"): Preparation {
  let recomputed = 0;
  let disagreed = 0;
  const internal = rubric.nodes.map((n) => n.children.length > 0);
  const out = frames.map((f) => {
    const copy = createFrame(rubric);
    copyInputs(f, copy);
    if (given === "recompute") {
      evaluateFrame(copy);
      for (let i = 0; i < rubric.size; i++) {
        if (!internal[i] || copy.inKind[i] !== VALUE_PRESENT || copy.computedStatus[i] !== STATUS_SCORED) continue;
        copy.inKind[i] = VALUE_ABSENT;
        recomputed++;
        if ((copy.flags[i]! & FLAG_INCONSISTENT) !== 0) disagreed++;
      }
    }
    return copy;
  });
  return { frames: out, recomputed, disagreed };
}

/** A modified copy of a rubric document with the switches set to the options chosen. */
function variantDocument(rubric: CompiledRubric, switches: readonly Switch[], choice: ArrayLike<number>): RubricDocument {
  const doc = JSON.parse(JSON.stringify(rubric.document)) as { -readonly [K in keyof RubricDocument]: RubricDocument[K] };
  const nodes = new Map<string, RubricNode>();
  for (const n of doc.nodes) nodes.set(n.code, n);
  for (const v of doc.views ?? []) for (const n of v.nodes) nodes.set(n.code, n);
  switches.forEach((s, k) => {
    const option = s.options[choice[k]!]!;
    if (s.kind === "noObservations") {
      const set = doc.observationSets!.find((o) => o.id === s.target)! as { noObservations: string };
      set.noObservations = option;
      return;
    }
    const n = nodes.get(s.target)! as Record<string, unknown>;
    n[s.kind] = option;
  });
  return doc as RubricDocument;
}

/**
 * Builds and caches what each scenario needs: the variant rubric for a choice of switches, frames
 * holding the bodies' inputs (with the realization's noise), a `BatchScorer` over them and a
 * weight vector to fill. Scenarios are built one at a time; the frames of the last variant are
 * reused for its next realization.
 */
export class Scenarios {
  readonly plan: Plan;
  readonly base: Preparation;
  readonly #variants = new Map<string, CompiledRubric>();
  readonly #obsSet: Int32Array;
  /** State words of each realization's stream (4 per realization). */
  readonly #streams: Uint32Array;
  #framesOf: CompiledRubric | undefined;
  #frames: ScoreFrame[] = [];
  /** The realization the frames hold (-1: the inputs as given). */
  #filled = -1;

  /**
   * @param plan - the resolved assumptions
   * @param frames - one filled frame per body, for the plan's rubric
   * @param seed - the run's seed
   * @param firstStream - realization m draws from the seed's stream `firstStream + m` (see `substream`)
   */
  constructor(plan: Plan, frames: readonly ScoreFrame[], seed: number, firstStream: number) {
    this.plan = plan;
    this.base = prepareFrames(plan.rubric, frames, plan.given);
    this.#obsSet = rubricArrays(plan.rubric).obsSet;
    const m = plan.inputs?.realizations ?? 0;
    this.#streams = new Uint32Array(4 * m);
    if (m > 0) {
      const r = createRandom(seed);
      for (let k = 1; k < firstStream; k++) r.jump();
      for (let k = 0; k < m; k++) {
        r.jump();
        this.#streams.set(r.state(), 4 * k);
      }
    }
  }

  /**
   * The variant of the rubric for a choice of switch options (the rubric itself when every choice
   * is the rubric's own setting).
   * @throws RangeError when the modified document is not a valid rubric
   */
  variant(choice: ArrayLike<number>): CompiledRubric {
    const { rubric, switches } = this.plan;
    if (switches.every((s, k) => s.options[choice[k]!] === s.nominal)) return rubric;
    const key = Array.from(choice).join(",");
    let v = this.#variants.get(key);
    if (v !== undefined) return v;
    const doc = variantDocument(rubric, switches, choice);
    try {
      v = parseRubric(doc);
    } catch (e) {
      if (!(e instanceof RubricError)) throw e;
      const what = switches.map((s, k) => `${s.name}=${s.options[choice[k]!]}`).join(", ");
      throw new RangeError(`the variant ${what} is not a valid rubric: ${e.issues.slice(0, 3).map((i) => `${i.path}: ${i.message}`).join("; ")}`);
    }
    if (v.size !== rubric.size || v.nodes.some((n, i) => n.code !== rubric.nodes[i]!.code)) {
      throw new Error(`internal: the variant ${key} changed the tree`);
    }
    this.#variants.set(key, v);
    return v;
  }

  /**
   * A scorer for one scenario.
   * @param variant - from `variant`
   * @param realization - input realization, or -1 for the inputs as given
   * @returns the scorer and a weight vector of the variant to fill
   */
  scorer(variant: CompiledRubric, realization: number): { scorer: BatchScorer; weights: WeightVector } {
    const fresh = this.#framesOf !== variant;
    if (fresh) {
      this.#framesOf = variant;
      this.#frames = this.base.frames.map(() => createFrame(variant));
    }
    if (fresh || realization >= 0 || this.#filled >= 0) this.base.frames.forEach((f, b) => copyInputs(f, this.#frames[b]!));
    if (realization >= 0) this.#perturb(realization);
    this.#filled = realization;
    return { scorer: new BatchScorer(variant, this.#frames, this.plan.node), weights: createWeights(variant) };
  }

  /**
   * Multiplies every value the data gives (under the nodes chosen) by 1 + h(2u − 1), u uniform in
   * (0, 1) from the realization's stream, clamped to [0, 1]: a value given directly, and the sum
   * of a per-observation leaf's observations (clamped so the mean stays ≤ 1). Bodies in order,
   * nodes in rubric order, one draw per value: the same realization for every variant. Zeros
   * stay 0, so gates and statuses do not change.
   */
  #perturb(realization: number): void {
    const inputs = this.plan.inputs!;
    const h = inputs.relative;
    const mask = inputs.mask;
    const obsSet = this.#obsSet;
    const s = this.#streams;
    const r: Random = fromState([s[4 * realization]!, s[4 * realization + 1]!, s[4 * realization + 2]!, s[4 * realization + 3]!]);
    for (const f of this.#frames) {
      for (let i = 0; i < mask.length; i++) {
        if (mask[i] !== 1) continue;
        if (f.inKind[i] === VALUE_PRESENT) {
          const v = f.inValue[i]! * (1 + h * (2 * r.nextOpen() - 1));
          f.inValue[i] = v > 1 ? 1 : v;
        }
        if (obsSet[i]! >= 0 && f.obsN[i]! > 0) {
          const v = f.obsSum[i]! * (1 + h * (2 * r.nextOpen() - 1));
          const n = f.obsN[i]!;
          f.obsSum[i] = v > n ? n : v;
        }
      }
    }
  }
}
